/**
 * One tab leads learning per origin and namespace: whoever holds the Web Lock `tastebud/<namespace>`. The lock is
 * held for the life of the worker (the browser releases it when the tab closes or crashes), and the next waiting
 * tab is granted it, so leadership moves on without any timeout logic of ours.
 */

/** The part of `navigator.locks` used here (tests pass a fake). */
export interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: (lock: unknown) => Promise<unknown>): Promise<unknown>;
}

export interface Leadership {
  readonly isLeader: boolean;
  /** Resolves when this context becomes leader (at once where Web Locks are missing). */
  readonly whenLeader: Promise<void>;
  /** Gives up the lock or stops waiting for it. */
  release(): void;
}

/**
 * Asks for the lock `name` and keeps it until `release()`. Without a lock manager (Node, very old browsers) the
 * context leads alone: each tab then learns on its own but still stores every event once.
 * @example
 * const lead = requestLeadership('tastebud/acme', navigator.locks, () => engine.refreshFromStore());
 * lead.isLeader // false until granted
 */
export function requestLeadership(name: string, locks: LockManagerLike | undefined, onLead: () => void | Promise<void>): Leadership {
  let leader = false;
  let resolveLeader!: () => void;
  const whenLeader = new Promise<void>((r) => (resolveLeader = r));
  let releaseHeld: () => void = () => undefined;
  const held = new Promise<void>((r) => (releaseHeld = r));
  const abort = new AbortController();
  const grant = async (): Promise<void> => {
    try {
      await onLead(); // catch up (refresh from the store) before answering other tabs
    } finally {
      leader = true;
      resolveLeader();
    }
  };
  if (!locks) {
    void grant();
  } else {
    locks
      .request(name, { signal: abort.signal }, async () => {
        await grant();
        await held;
      })
      .catch(() => undefined); // AbortError when released while still waiting
  }
  return {
    get isLeader() {
      return leader;
    },
    whenLeader,
    release() {
      leader = false;
      abort.abort();
      releaseHeld();
    },
  };
}

/**
 * `navigator.locks` where the context has it (window or worker), else undefined.
 * @example requestLeadership(name, defaultLocks(), onLead)
 */
export function defaultLocks(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks;
}
