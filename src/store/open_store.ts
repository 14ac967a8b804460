/**
 * Opens the store of a namespace: IndexedDB when it works, otherwise the memory store, said once on the console
 * with the exact error (transformers.js does the same for an incognito cache) and reported in `stats().storage`.
 */
import { InvalidInputError } from '../errors.ts';
import { openIdbStore } from './idb_store.ts';
import { createMemoryStore } from './memory_store.ts';
import type { Store } from './types.ts';

export interface OpenStoreOptions {
  /** false: never touch IndexedDB (no consent to store on the device); the memory store is used. */
  persist?: boolean;
  /** How long opening may stay blocked by a tab holding an older schema version before falling back (ms). */
  blockedTimeoutMs?: number;
}

/** No `@`: the embed reads `command@namespace`, so a namespace with one could be reached by another's commands. */
const NAMESPACE_RE = /^[\w.\-:]{1,100}$/;
let warned = false;

/**
 * The store of a shop namespace, degrading to memory when IndexedDB is missing or refuses to open
 * (private browsing, disabled storage, a broken profile).
 * @example
 * const store = await openStore('acme-shoes');
 * store.kind // 'indexeddb' — or 'memory', with store.fallbackReason saying why
 */
export async function openStore(namespace: string, options: OpenStoreOptions = {}): Promise<Store> {
  assertNamespace(namespace);
  if (options.persist === false) return createMemoryStore();
  try {
    if (typeof indexedDB === 'undefined') throw new Error('indexedDB is not defined in this context');
    return await openIdbStore(namespace, options.blockedTimeoutMs);
  } catch (e) {
    const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    if (!warned) {
      warned = true;
      console.warn(`tastebud: IndexedDB is unavailable (${reason}); learning continues in memory and is lost when the page closes.`);
    }
    const store = createMemoryStore();
    Object.defineProperty(store, 'fallbackReason', { value: reason, enumerable: true });
    return store;
  }
}

/**
 * Throws InvalidInputError unless `namespace` is 1-100 characters of letters, digits and `_ . - :`.
 * @example assertNamespace('acme-shoes') // ok; assertNamespace('') throws
 */
export function assertNamespace(namespace: unknown): asserts namespace is string {
  if (typeof namespace !== 'string' || !NAMESPACE_RE.test(namespace)) {
    throw new InvalidInputError(`namespace must be 1-100 characters of letters, digits and "_.-:" (no "@": the embed uses it in command@namespace), got ${JSON.stringify(String(namespace)).slice(0, 120)}`);
  }
}

/** Test hook: lets the next fallback warn again. */
export function resetFallbackWarning(): void {
  warned = false;
}
