/**
 * Picks up a shop's existing analytics with no extra code: GA4's `dataLayer` (both `gtag('event', …)` argument
 * lists and GTM-style `{ event, ecommerce }` objects) and Segment's `analytics.track`. Entries already in the
 * queues are replayed; later ones are seen by wrapping `push` / `track`. The wrappers call the original first and
 * swallow their own errors, so the shop's analytics never breaks because of tastebud.
 */
type Emit = (name: unknown, payload: unknown) => void;
type AnyFn = (...args: unknown[]) => unknown;

const HOOKED = '__tastebud';
/** Objects the widget pushed itself (list_events.ts): not the shop's events, and its clicks are tracked already. */
const OWN = Symbol.for('tastebud.own');
const isOwn = (x: unknown): boolean => !!x && typeof x === 'object' && OWN in x;

function fromDataLayerEntry(entry: unknown, emit: Emit): void {
  if (!entry || typeof entry !== 'object' || isOwn(entry)) return;
  const e = entry as Record<string | number, unknown> & { length?: number };
  // gtag('event', name, params) pushes its `arguments` object.
  if (typeof e.length === 'number' && e[0] === 'event') emit(e[1], e[2]);
  else if (typeof e.event === 'string') emit(e.event, e);
}

/**
 * Replays and hooks `window.dataLayer` (created when absent, as gtag does). Idempotent.
 *
 * @example
 * hookDataLayer(window, (name, payload) => console.log(name, payload));
 * window.dataLayer.push({ event: 'view_item', ecommerce: { items: [{ item_id: 'sku-1' }] } }); // logs it
 */
export function hookDataLayer(win: Window, emit: Emit): void {
  const w = win as unknown as { dataLayer?: unknown[] };
  const dl = (w.dataLayer = Array.isArray(w.dataLayer) ? w.dataLayer : []);
  const tagged = dl as unknown as Record<string, unknown>;
  if (tagged[HOOKED]) return;
  tagged[HOOKED] = 1;
  for (const entry of dl) fromDataLayerEntry(entry, emit);
  const push = dl.push;
  dl.push = function (this: unknown[], ...entries: unknown[]) {
    const n = push.apply(this, entries);
    for (const entry of entries) {
      try {
        fromDataLayerEntry(entry, emit);
      } catch {
        // never break the shop's analytics
      }
    }
    return n;
  };
}

function wrapTrack(analytics: Record<string, unknown>, emit: Emit): void {
  const track = analytics.track as AnyFn | undefined;
  if (typeof track !== 'function' || (track as unknown as Record<string, unknown>)[HOOKED]) return;
  const wrapped = function (this: unknown, ...args: unknown[]) {
    try {
      if (!isOwn(args[1])) emit(args[0], args[1]);
    } catch {
      // never break the shop's analytics
    }
    return track.apply(this, args);
  };
  (wrapped as unknown as Record<string, unknown>)[HOOKED] = 1;
  analytics.track = wrapped;
}

/**
 * Replays Segment's snippet queue and wraps `analytics.track`, again once analytics.js has replaced the stub
 * (`analytics.ready`) and on window load. Idempotent.
 *
 * @example
 * hookSegment(window, emit);
 * analytics.track('Product Clicked', { product_id: 'sku-1' }); // emit('Product Clicked', { product_id: 'sku-1' })
 */
export function hookSegment(win: Window, emit: Emit): void {
  const rewrap = (): void => {
    const a = (win as unknown as { analytics?: Record<string, unknown> }).analytics;
    if (a && typeof a === 'object') wrapTrack(a, emit);
  };
  const a = (win as unknown as { analytics?: unknown[] & Record<string, unknown> }).analytics;
  if (Array.isArray(a) && !a[HOOKED as unknown as number]) {
    // The snippet's stub queues ['track', name, props] until analytics.js loads.
    for (const call of a) if (Array.isArray(call) && call[0] === 'track') emit(call[1], call[2]);
    (a as unknown as Record<string, unknown>)[HOOKED] = 1;
  }
  rewrap();
  if (a && typeof a.ready === 'function') (a.ready as AnyFn)(rewrap);
  win.addEventListener('load', rewrap);
}
