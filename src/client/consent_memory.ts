/**
 * Remembers the shopper's consent choice per namespace on this device (localStorage, main thread), so a
 * withdrawal holds after a reload and a grant need not be asked again. Where localStorage is missing or
 * refuses (Node, a sandboxed frame, storage disabled) nothing is remembered and the caller's default applies.
 */

const keyOf = (namespace: string): string => `tastebud/${namespace}/consent`;

/** `localStorage`, or undefined where it is missing or blocked (shared with the embed's shelf cache). */
export function storage(): Storage | undefined {
  try {
    return (globalThis as { localStorage?: Storage }).localStorage;
  } catch {
    return undefined; // reading `localStorage` itself throws where storage is blocked
  }
}

/**
 * The choice last made with setConsent on this device, or undefined.
 * @example rememberedConsent('acme') // false after setConsent(false)
 */
export function rememberedConsent(namespace: string): boolean | undefined {
  try {
    const v = storage()?.getItem(keyOf(namespace));
    return v === 'granted' ? true : v === 'denied' ? false : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records a choice; never throws (a full or blocked storage only means it is not remembered).
 * @example rememberConsent('acme', false)
 */
export function rememberConsent(namespace: string, granted: boolean): void {
  try {
    storage()?.setItem(keyOf(namespace), granted ? 'granted' : 'denied');
  } catch {
    // not remembered; the shop's default applies on the next visit
  }
}

/**
 * Calls `onChange` when another tab of this origin records a choice for `namespace` (the `storage` event), so a
 * withdrawal in one tab stops personalisation in every open tab at once. Returns the function that stops watching.
 * @example const stop = watchConsent('acme', (granted) => void recs.setConsent(granted));
 */
export function watchConsent(namespace: string, onChange: (granted: boolean) => void): () => void {
  const target = globalThis as { addEventListener?: typeof addEventListener; removeEventListener?: typeof removeEventListener };
  if (typeof target.addEventListener !== 'function' || !storage()) return () => undefined;
  const listener = (e: Event): void => {
    const { key, newValue } = e as StorageEvent;
    if (key === keyOf(namespace) && (newValue === 'granted' || newValue === 'denied')) onChange(newValue === 'granted');
  };
  target.addEventListener('storage', listener);
  return () => target.removeEventListener?.('storage', listener);
}
