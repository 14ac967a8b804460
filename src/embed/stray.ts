/**
 * The stray-click signal: a product page left within a few seconds of its view (a mis-tap, an immediate back-out)
 * is stored as a view weighed 0, so it stops steering the shelf. A view is held for the window (default 5 s from
 * when the shop sent it): still on the page at its end → stored as a view; the page hidden or left before →
 * stored with `weight: 0`. Held views wait in sessionStorage (only events that passed consent reach this), so
 * the next page of the tab stores what a closing page could not; their event ids make a second send a no-op.
 */
import type { TrackEvent } from '../engine/api.ts';
import type { EmbedRecommender } from './runtime_types.ts';

export const DEFAULT_STRAY_MS = 5000;

interface Held {
  events: TrackEvent[];
  /** When the view happened (the shop's call), ms since epoch. */
  at: number;
  /** When the page was hidden or left, if it was. */
  left?: number;
}

/** What the wrapper needs from the page (injected by tests). */
export interface StrayEnv {
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  on(type: 'pagehide' | 'visibilitychange', listener: () => void): void;
  hidden(): boolean;
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface StrayOptions {
  namespace: string;
  /** A view left within this many ms is stray; 0 turns the signal off (views are stored at once). */
  windowMs: number;
  /** False: held views of a previous page are dropped, not stored. */
  consent: boolean;
}

function pageEnv(): StrayEnv {
  let storage: StrayEnv['storage'] = null;
  try {
    storage = globalThis.sessionStorage ?? null; // throws where storage is blocked
  } catch {
    storage = null;
  }
  return {
    storage,
    on: (type, fn) => (type === 'pagehide' ? window : document).addEventListener(type, fn),
    hidden: () => document.visibilityState === 'hidden',
    now: Date.now,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (id) => clearTimeout(id as number),
  };
}

let warned = false;
/** True once stored; a failure warns once and resolves false (never a rejection in the page). */
const quiet = (p: Promise<unknown> | undefined): Promise<boolean> =>
  Promise.resolve(p).then(
    () => true,
    (e: unknown) => {
      if (!warned) console.warn(`tastebud: a held view could not be stored (${String(e)})`);
      warned = true;
      return false;
    },
  );

/**
 * Wraps the embed's recommender so views are held for the window and stored as stray (weight 0) on a back-out.
 *
 * @example
 * const rec = withStrayViews(inner, { namespace: 'shop', windowMs: 5000, consent: true });
 * await rec.track([{ itemId: 'sku-1', type: 'view', eventId: 'e1', timestamp: Date.now() }]); // held 5 s
 */
export function withStrayViews(rec: EmbedRecommender, o: StrayOptions, env: StrayEnv = pageEnv()): EmbedRecommender {
  if (!(o.windowMs > 0)) return rec;
  const key = `tastebud:${o.namespace}:views`;
  const held = new Map<Held, unknown>();
  const save = (list: Held[]): void => {
    try {
      if (list.length) env.storage?.setItem(key, JSON.stringify(list));
      else env.storage?.removeItem(key);
    } catch {
      // storage full or blocked: the view is still stored by this page's timer or pagehide
    }
  };
  const stray = (h: Held): boolean => (h.left ?? env.now()) - h.at < o.windowMs;
  const send = (h: Held, isStray: boolean): Promise<boolean> => quiet(rec.track(isStray ? h.events.map((e) => ({ ...e, weight: 0 })) : h.events));
  const settle = (h: Held): void => {
    env.clearTimeout(held.get(h));
    held.delete(h);
    save([...held.keys()]);
    void send(h, stray(h));
  };
  const drop = (): void => {
    for (const t of held.values()) env.clearTimeout(t);
    held.clear();
    save([]);
  };

  // What the previous page of this tab held but could not store (it was closed mid-window).
  try {
    const before = JSON.parse(env.storage?.getItem(key) ?? '[]') as Held[];
    env.storage?.removeItem(key);
    if (o.consent && Array.isArray(before)) for (const h of before) if (h && Array.isArray(h.events) && typeof h.at === 'number') void send(h, stray(h));
  } catch {
    // a broken entry: nothing to recover
  }

  env.on('visibilitychange', () => {
    const hidden = env.hidden();
    for (const h of held.keys()) {
      if (hidden) h.left ??= env.now();
      else delete h.left; // back within the window: the view goes on
    }
    save([...held.keys()]);
  });
  env.on('pagehide', () => {
    const list = [...held.keys()];
    for (const h of list) h.left ??= env.now();
    save(list); // the next page stores them if this one is gone before its sends finish
    for (const t of held.values()) env.clearTimeout(t);
    held.clear();
    // Kept for the next page: what this one could not store (new views held meanwhile, after a bfcache return).
    void Promise.all(list.map((h) => send(h, stray(h)))).then((ok) => save([...list.filter((_, i) => !ok[i]), ...held.keys()]));
  });

  return {
    ...rec,
    async track(input) {
      const events = Array.isArray(input) ? input : [input];
      const views = events.filter((e) => e && e.type === 'view' && e.weight === undefined);
      const now = env.now();
      if (views.length) {
        const h: Held = { events: views, at: Math.min(now, ...views.map((e) => e.timestamp ?? now)) };
        held.set(h, env.setTimeout(() => settle(h), Math.max(0, h.at + o.windowMs - now)));
        save([...held.keys()]);
      }
      const rest = events.filter((e) => !views.includes(e));
      return rest.length ? rec.track(rest) : { stored: 0, ignored: 0 };
    },
    setConsent(granted) {
      if (!granted) drop(); // withdrawn: held views are not stored
      rec.setConsent?.(granted);
    },
    async forget() {
      drop();
      return rec.forget();
    },
  };
}
