/**
 * The embed loader's logic in Node, with fakes for the page and the runtime: event mapping (GA4, Segment,
 * tastebud), consent and GPC gating, command forwarding, and that nothing throws or rejects into the page.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hookDataLayer, hookSegment } from '../src/embed/analytics.ts';
import { eventTypeOf, toTrackEvents } from '../src/embed/events.ts';
import { createInstance } from '../src/embed/instance.ts';
import { readOptions, type EmbedOptions } from '../src/embed/options.ts';
import type { EmbedRecommender, RuntimeModule } from '../src/embed/runtime_types.ts';

function fakeRecommender(): EmbedRecommender & { tracked: unknown[] } {
  const tracked: unknown[] = [];
  return {
    tracked,
    track: async (e) => (tracked.push(...(Array.isArray(e) ? e : [e])), { stored: 1, ignored: 0 }),
    recommend: async () => [{ itemId: 'a', score: 1 }],
    similarItems: async () => [],
    explain: async (itemId) => ({ itemId, because: [], popularity: 1 }),
    stats: async () => ({}) as never,
    exportData: async () => ({}) as never,
    forget: async () => undefined,
    close: async () => undefined,
    subscribe: () => () => undefined,
    setConsent: vi.fn(),
    refreshModel: vi.fn(async () => ({ updated: true, modelVersion: 'v2', previousVersion: 'v1' })),
  };
}

const OPTIONS: EmbedOptions = { model: '/m.json', namespace: 'shop', runtime: 'http://x/tastebud-runtime.js', consent: 'granted' };

function runtime(rec: EmbedRecommender): { importRuntime: (url: string) => Promise<RuntimeModule>; started: EmbedOptions[] } {
  const started: EmbedOptions[] = [];
  return { started, importRuntime: async () => ({ start: async (o) => (started.push(o), rec) }) };
}

afterEach(() => vi.restoreAllMocks());

describe('event mapping', () => {
  it('maps GA4, Segment and tastebud names to event types, and ignores others', () => {
    expect(eventTypeOf('view_item')).toBe('view');
    expect(eventTypeOf('Product Clicked')).toBe('select');
    expect(eventTypeOf('Product Added')).toBe('add_to_cart');
    expect(eventTypeOf('Order Completed')).toBe('purchase');
    expect(eventTypeOf('page_view')).toBeUndefined();
    expect(eventTypeOf(42)).toBeUndefined();
  });

  it('reads item ids from GA4 items, GTM ecommerce, Segment products and bare ids', () => {
    const ids = (name: string, p: unknown): string[] => toTrackEvents(name, p).map((e) => `${e.type}:${e.itemId}`);
    expect(ids('select_item', { items: [{ item_id: 'a' }, { item_id: 'b' }] })).toEqual(['select:a', 'select:b']);
    expect(ids('view_item', { event: 'view_item', ecommerce: { items: [{ item_id: 'c' }] } })).toEqual(['view:c']);
    expect(ids('Order Completed', { products: [{ product_id: 'd' }, { sku: 'e' }] })).toEqual(['purchase:d', 'purchase:e']);
    expect(ids('Product Viewed', { product_id: 7 })).toEqual(['view:7']);
    expect(ids('select', 'f')).toEqual(['select:f']);
    expect(ids('select_item', { items: [{ item_name: 'no id' }, null] })).toEqual([]);
    expect(ids('page_view', { items: [{ item_id: 'a' }] })).toEqual([]);
  });
});

describe('options', () => {
  const script = (dataset: Record<string, string>) => ({ dataset, src: 'https://shop.example/js/tastebud.js' }) as unknown as HTMLScriptElement;
  it('reads data-* attributes and resolves the runtime next to the loader', () => {
    const o = readOptions(script({ model: '/m.json', namespace: 'acme', backend: 'wasm' }), {} as Navigator);
    expect(o).toMatchObject({ model: '/m.json', namespace: 'acme', backend: 'wasm', consent: 'granted', runtime: 'https://shop.example/js/tastebud-runtime.js' });
  });
  it('waits for consent when the shop requires it or the browser sends Global Privacy Control', () => {
    expect(readOptions(script({ consent: 'required' }), {} as Navigator).consent).toBe('pending');
    expect(readOptions(script({}), { globalPrivacyControl: true } as unknown as Navigator).consent).toBe('pending');
    expect(readOptions(script({ consent: 'denied' }), {} as Navigator).consent).toBe('denied');
  });
  it('carries data-learner to the runtime, which parses it or names the error', async () => {
    const { parseLearnerOption } = await import('../src/embed/learner_option.ts');
    const { InvalidInputError } = await import('../src/errors.ts');
    const raw = readOptions(script({ learner: '{"attributeWeight":0.3}' }), {} as Navigator).learner;
    expect(parseLearnerOption(raw)).toEqual({ attributeWeight: 0.3 });
    expect(parseLearnerOption(undefined)).toBeUndefined();
    for (const bad of ['{attributeWeight:0.3}', '[1]', '3']) expect(() => parseLearnerOption(bad)).toThrow(InvalidInputError);
  });
});

describe('instance', () => {
  it('loads the runtime once and forwards commands', async () => {
    const rec = fakeRecommender();
    const rt = runtime(rec);
    const inst = createInstance(OPTIONS, rt.importRuntime);
    await inst.run('track', ['select_item', { item_id: 'a' }]);
    expect(await inst.run('recommend', [{ k: 1 }])).toEqual([{ itemId: 'a', score: 1 }]);
    expect(rt.started).toHaveLength(1);
    expect(rec.tracked).toMatchObject([{ itemId: 'a', type: 'select' }]);
    expect(await inst.run('refresh', [])).toEqual({ updated: true, modelVersion: 'v2', previousVersion: 'v1' });
    expect(rec.refreshModel).toHaveBeenCalledTimes(1);
  });

  it('drops events until consent, then learns; consent reaches the client', async () => {
    const rec = fakeRecommender();
    const inst = createInstance({ ...OPTIONS, consent: 'pending' }, runtime(rec).importRuntime);
    expect(await inst.run('track', ['select_item', { item_id: 'a' }])).toEqual({ stored: 0, ignored: 1 });
    await inst.load();
    await inst.run('consent', [true]);
    expect(rec.setConsent).toHaveBeenCalledWith(true);
    await inst.run('track', ['purchase', { item_id: 'b' }]);
    expect(rec.tracked).toMatchObject([{ itemId: 'b', type: 'purchase' }]);
    await inst.run('consent', [false]);
    await inst.run('track', ['select', 'c']);
    expect(rec.tracked).toHaveLength(1);
  });

  it('never rejects: a failing runtime or command resolves undefined and warns once per distinct mistake', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const inst = createInstance(OPTIONS, async () => {
      throw new Error('offline');
    });
    await expect(inst.run('recommend', [])).resolves.toBeUndefined();
    await expect(inst.run('nope', [])).resolves.toBeUndefined();
    await expect(inst.run('explain', ['x'])).resolves.toBeUndefined();
    await expect(inst.run('nope', [])).resolves.toBeUndefined();
    await expect(inst.run('explain', ['y'])).resolves.toBeUndefined();
    // the broken runtime once (not on every call), the unknown command once
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual(['tastebud: Error: offline', 'tastebud: TypeError: unknown command "nope"']);
  });
});

describe('analytics pick-up', () => {
  const fakeWindow = (extra: Record<string, unknown> = {}) => ({ addEventListener: () => undefined, ...extra }) as unknown as Window;

  it('replays dataLayer entries, then hooks push (gtag arguments and GTM objects) without breaking it', () => {
    const seen: unknown[] = [];
    const win = fakeWindow({ dataLayer: [{ event: 'view_item', ecommerce: { items: [{ item_id: 'a' }] } }] });
    hookDataLayer(win, (name) => seen.push(name));
    hookDataLayer(win, (name) => seen.push(`twice:${String(name)}`));
    const dl = (win as unknown as { dataLayer: unknown[] }).dataLayer;
    (function gtag(..._: unknown[]) {
      // eslint-disable-next-line prefer-rest-params
      dl.push(arguments);
    })('event', 'add_to_cart', { items: [{ item_id: 'b' }] });
    expect(dl.push({ event: 'purchase' }, { event: 'select_item' })).toBe(4);
    expect(seen).toEqual(['view_item', 'add_to_cart', 'purchase', 'select_item']);
  });

  it("replays Segment's stub queue and wraps analytics.track, calling the original", () => {
    const seen: unknown[] = [];
    const original = vi.fn();
    const stub = Object.assign([['track', 'Product Viewed', { product_id: 'a' }], ['page']], { track: original });
    const win = fakeWindow({ analytics: stub });
    hookSegment(win, (name, payload) => seen.push([name, payload]));
    stub.track('Product Added', { product_id: 'b' });
    expect(original).toHaveBeenCalledWith('Product Added', { product_id: 'b' });
    expect(seen).toEqual([['Product Viewed', { product_id: 'a' }], ['Product Added', { product_id: 'b' }]]);
  });
});

describe('explanation text', async () => {
  const { explanationText } = await import('../src/embed/explain_text.ts');
  const ev = (itemId: string, type: 'view' | 'add_to_cart', contribution: number) => ({ itemId, type, timestamp: 0, contribution });
  it('names the shopper’s own events, strongest first, and falls back to popularity', () => {
    const title = (id: string): string => `T-${id}`;
    expect(explanationText({ itemId: 'x', because: [ev('a', 'view', 2), ev('b', 'view', 1), ev('c', 'view', 0.5)], popularity: 0.1 }, title))
      .toBe('Because you viewed “T-a” and “T-b”.');
    expect(explanationText({ itemId: 'x', because: [ev('a', 'add_to_cart', 2), ev('b', 'view', 1)], popularity: 0.9 }, title))
      .toBe('Because you added “T-a” to your cart and viewed “T-b”. Also popular overall.');
    expect(explanationText({ itemId: 'x', because: [ev('a', 'view', -1)], popularity: 1 }, title)).toBe('Popular with shoppers right now.');
    const branded = { ...ev('a', 'view', 2), shared: ['brand=acme', 'category=boots', 'brand=acme2'] };
    expect(explanationText({ itemId: 'x', because: [branded], popularity: 0.1 }, title)).toBe('Because you viewed “T-a” (same brand and category).');
  });
});
