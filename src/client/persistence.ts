/**
 * Asks the browser to keep this origin's storage under pressure (`navigator.storage.persist()`), so the shopper's
 * learned state is not evicted with the cache. `persist()` exists only on the main thread (the Storage Standard
 * exposes it to Window, not to workers), so the client asks and the worker reports `persisted()`.
 */

interface StorageLike {
  persist?: () => Promise<boolean>;
}

export interface Persistence {
  /** Asks once (later calls do nothing); never throws: a refusal or a missing API is not an error. */
  request(): void;
  /** The answer once it came: true granted, false refused, null not asked, unsupported or failed. */
  readonly granted: boolean | null;
}

/**
 * @example
 * const persistence = createPersistence();
 * persistence.request();          // Chromium answers without a prompt; Firefox may ask the shopper
 * persistence.granted;            // null until the browser answered, then true or false
 */
export function createPersistence(storage: StorageLike | undefined = currentStorage()): Persistence {
  let asked = false;
  let granted: boolean | null = null;
  return {
    request() {
      if (asked || typeof storage?.persist !== 'function') return;
      asked = true;
      try {
        storage
          .persist()
          .then((ok) => (granted = ok === true))
          .catch(() => undefined);
      } catch {
        // A synchronous throw (an odd embedding context) is as good as "unsupported".
      }
    },
    get granted() {
      return granted;
    },
  };
}

/**
 * Combines the worker's `persisted()` with the answer the main thread got (`stats()` may run before the
 * browser's grant is visible to `persisted()`).
 * @example mergePersistent(false, true) // true
 */
export function mergePersistent(persisted: boolean | null, granted: boolean | null): boolean | null {
  if (persisted === true || granted === true) return true;
  return persisted ?? granted;
}

function currentStorage(): StorageLike | undefined {
  return (globalThis as { navigator?: { storage?: StorageLike } }).navigator?.storage;
}
