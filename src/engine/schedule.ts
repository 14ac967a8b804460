/**
 * Scheduling helpers for the engine: a serial queue (so concurrent `track` calls store and learn in order)
 * and `nextTask` (a macrotask, so queued learning never delays the reply of the call that queued it).
 */

/**
 * Runs async functions one after another; a failure rejects only its own call.
 *
 * @example
 * const serial = createSerialQueue();
 * await Promise.all([serial(a), serial(b)]); // b starts after a settled
 */
export function createSerialQueue(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

type Immediate = (cb: () => void) => unknown;
/** The part of MessageChannel used here; structural so it type-checks against both the DOM and Node libs. */
interface Channel {
  port1: { onmessage: ((ev: unknown) => void) | null; close(): void };
  port2: { postMessage(msg: unknown): void };
}

/** Resolves on the next macrotask: setImmediate in Node, a MessageChannel in workers, else setTimeout. */
export function nextTask(): Promise<void> {
  const g = globalThis as unknown as { setImmediate?: Immediate; MessageChannel?: new () => Channel };
  return new Promise((resolve) => {
    if (g.setImmediate) g.setImmediate(resolve);
    else if (g.MessageChannel) {
      const ch = new g.MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    } else setTimeout(resolve, 0);
  });
}
