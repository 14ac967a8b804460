import { describe, expect, it, vi } from 'vitest';
import type { TrackEvent } from '../src/engine/api.ts';
import type { EmbedRecommender } from '../src/embed/runtime_types.ts';
import { withStrayViews, type StrayEnv } from '../src/embed/stray.ts';

function fakePage(start = 1_000_000): StrayEnv & { t: number; fire(type: 'pagehide' | 'visibilitychange'): void; isHidden: boolean; store: Map<string, string>; advance(ms: number): void } {
  const listeners: Record<string, (() => void)[]> = { pagehide: [], visibilitychange: [] };
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  const store = new Map<string, string>();
  const env = {
    t: start,
    isHidden: false,
    store,
    storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) },
    on: (type: 'pagehide' | 'visibilitychange', fn: () => void) => void listeners[type].push(fn),
    hidden: () => env.isHidden,
    now: () => env.t,
    setTimeout: (fn: () => void, ms: number) => (timers.set(next, { at: env.t + ms, fn }), next++),
    clearTimeout: (id: unknown) => void timers.delete(id as number),
    fire: (type: 'pagehide' | 'visibilitychange') => listeners[type].forEach((l) => l()),
    advance(ms: number) {
      env.t += ms;
      for (const [id, x] of [...timers]) {
        if (x.at > env.t) continue;
        timers.delete(id);
        x.fn();
      }
    },
  };
  return env;
}

function recorder(fail = false): EmbedRecommender & { got: TrackEvent[] } {
  const got: TrackEvent[] = [];
  const none = async (): Promise<never> => Promise.reject(new Error('unused'));
  return {
    got,
    track: vi.fn(async (e: TrackEvent | TrackEvent[]) => {
      if (fail) throw new Error('worker gone');
      const list = Array.isArray(e) ? e : [e];
      got.push(...list);
      return { stored: list.length, ignored: 0 };
    }),
    recommend: none, similarItems: none, explain: none, stats: none, exportData: none,
    forget: async () => undefined, close: async () => undefined, subscribe: () => () => undefined,
  };
}

const view = (id: string, t: number): TrackEvent => ({ itemId: id, type: 'view', eventId: `e-${id}`, timestamp: t });
const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('stray views in the embed', () => {
  it('a view still on screen at the end of the window is stored as a view; other events pass at once', async () => {
    const page = fakePage();
    const rec = recorder();
    const wrapped = withStrayViews(rec, { namespace: 's', windowMs: 5000, consent: true }, page);
    await wrapped.track([view('a', page.t), { itemId: 'b', type: 'select', eventId: 'e-b', timestamp: page.t }]);
    expect(rec.got.map((e) => e.itemId)).toEqual(['b']);
    page.advance(4999);
    expect(rec.got).toHaveLength(1);
    page.advance(1);
    await flush();
    expect(rec.got[1]).toEqual(view('a', 1_000_000)); // no weight: a real view
    expect(page.store.size).toBe(0);
  });

  it('a page left within the window stores the view weighed 0, once, and the next page does not store it again', async () => {
    const page = fakePage();
    const rec = recorder();
    const wrapped = withStrayViews(rec, { namespace: 's', windowMs: 5000, consent: true }, page);
    await wrapped.track(view('a', page.t));
    page.advance(1200);
    page.isHidden = true;
    page.fire('visibilitychange');
    page.fire('pagehide');
    await flush();
    expect(rec.got).toEqual([{ ...view('a', 1_000_000), weight: 0 }]);
    page.advance(10_000);
    expect(rec.got).toHaveLength(1);
    const next = recorder();
    withStrayViews(next, { namespace: 's', windowMs: 5000, consent: true }, page);
    await flush();
    expect(next.got).toEqual([]); // the send finished, so nothing was left for the next page
  });

  it('a page closed before its send finished: the next page stores the view, stray or not by when it was left', async () => {
    const page = fakePage();
    const dying = recorder(true);
    const first = withStrayViews(dying, { namespace: 's', windowMs: 5000, consent: true }, page);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await first.track(view('a', page.t));
    page.advance(800);
    page.fire('pagehide');
    await flush();
    warn.mockRestore();
    expect(JSON.parse(page.store.get('tastebud:s:views')!)).toEqual([{ events: [view('a', 1_000_000)], at: 1_000_000, left: 1_000_800 }]);
    page.advance(60_000); // the next page opens much later: what counts is when the previous one was left
    const next = recorder();
    withStrayViews(next, { namespace: 's', windowMs: 5000, consent: true }, page);
    await flush();
    expect(next.got).toEqual([{ ...view('a', 1_000_000), weight: 0 }]);
  });

  it('hidden and back within the window is not a back-out; a withdrawn consent drops held views; 0 turns it off', async () => {
    const page = fakePage();
    const rec = recorder();
    const wrapped = withStrayViews(rec, { namespace: 's', windowMs: 5000, consent: true }, page);
    await wrapped.track(view('a', page.t));
    page.isHidden = true;
    page.fire('visibilitychange');
    page.advance(1000);
    page.isHidden = false;
    page.fire('visibilitychange');
    page.advance(4000);
    await flush();
    expect(rec.got).toEqual([view('a', 1_000_000)]);
    await wrapped.track(view('b', page.t));
    wrapped.setConsent!(false);
    page.fire('pagehide');
    page.advance(10_000);
    await flush();
    expect(rec.got).toHaveLength(1);
    expect(page.store.size).toBe(0);
    const off = recorder();
    await withStrayViews(off, { namespace: 's', windowMs: 0, consent: true }, page).track(view('c', page.t));
    expect(off.got).toEqual([view('c', page.t)]);
  });

  it('without consent, the held views of a previous page are dropped, not stored', async () => {
    const page = fakePage();
    page.store.set('tastebud:s:views', JSON.stringify([{ events: [view('a', 1)], at: 1 }]));
    const rec = recorder();
    withStrayViews(rec, { namespace: 's', windowMs: 5000, consent: false }, page);
    await flush();
    expect(rec.got).toEqual([]);
    expect(page.store.size).toBe(0);
  });
});
