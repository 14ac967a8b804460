/** An in-process Web Locks stand-in (exclusive mode only) for Node, where `navigator.locks` does not exist. */
import type { LockManagerLike } from '../../src/worker/leadership.ts';

interface Waiter {
  grant(): void;
}

export class FakeLocks implements LockManagerLike {
  readonly #held = new Set<string>();
  readonly #queues = new Map<string, Waiter[]>();

  request(name: string, options: { signal?: AbortSignal }, callback: (lock: unknown) => Promise<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          this.#held.add(name);
          callback({ name })
            .then(resolve, reject)
            .finally(() => {
              this.#held.delete(name);
              this.#queues.get(name)?.shift()?.grant();
            });
        },
      };
      options.signal?.addEventListener('abort', () => {
        const q = this.#queues.get(name) ?? [];
        const at = q.indexOf(waiter);
        if (at >= 0) {
          q.splice(at, 1);
          reject(new DOMException('The lock request was aborted', 'AbortError'));
        }
      });
      if (!this.#held.has(name)) waiter.grant();
      else this.#queues.set(name, [...(this.#queues.get(name) ?? []), waiter]);
    });
  }
}
