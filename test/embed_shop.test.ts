/**
 * The shop-facing parts of the embed in Node, with fakes for the page: widget attributes → recommend options,
 * catalogue-driven rules, the GA4 / Segment list events (and that tastebud's own pick-up skips them), the holdout
 * arm kept on the device.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { queryOptions, withCatalogue } from '../src/embed/widget_query.ts';
import { listInfo, reportListView, reportSelect } from '../src/embed/list_events.ts';
import { hookDataLayer, hookSegment } from '../src/embed/analytics.ts';
import { decideArm } from '../src/embed/holdout.ts';
import { clearShelves, readShelf, shelfKey, writeShelf } from '../src/embed/shelf_cache.ts';

const el = (attrs: Record<string, string>) => ({ getAttribute: (n: string) => attrs[n] ?? null }) as unknown as Element;

function fakeStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() { return m.size; },
    key: (n: number) => [...m.keys()][n] ?? null,
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    clear: () => m.clear(),
  };
}

afterEach(() => {
  delete (globalThis as { localStorage?: Storage }).localStorage;
});

describe('widget attributes', () => {
  it('turn into placement and rule options, the widget winning over data-rules', () => {
    const o = queryOptions(el({ kind: 'frequently-bought-together', item: 'a', k: '5', boost: 'brand=acme,size=4', bury: 'category=sale', pin: 'x@1, y@3', 'max-per': 'category=2', 'price-max': '50' }), { diversity: { brand: 1 }, k: 99 });
    expect(o).toEqual({
      placement: 'frequently-bought-together', item: 'a', k: 5, boost: { brand: 'acme', size: 4 }, bury: { category: 'sale' },
      pin: [{ itemId: 'x', position: 1 }, { itemId: 'y', position: 3 }], diversity: { category: 2 }, price: { max: 50 },
    });
    expect(queryOptions(el({ kind: 'nonsense' }), {}).placement).toBe('for-you');
    expect(queryOptions(el({ kind: 'cart' }), {}).cart).toEqual([]);
  });

  it("take sold-out items and today's prices from the catalogue; a malformed range stays for the engine to reject", () => {
    const items = [{ id: 'a', price: 5 }, { id: 'b', price: 30, available: false }, { id: 'c', price: 60 }];
    expect(withCatalogue({ price: { min: 10, max: 50 } }, items)).toEqual({ unavailable: ['a', 'b', 'c'] });
    expect(withCatalogue({}, items)).toEqual({ unavailable: ['b'] });
    expect(withCatalogue({ price: { min: 9, max: 1 } }, items).price).toEqual({ min: 9, max: 1 });
  });
});

describe('list events', () => {
  it('push GA4 view_item_list / select_item and Segment events that tastebud itself does not learn from', () => {
    const seen: unknown[] = [];
    const segment: unknown[][] = [];
    const win = { dataLayer: [] as unknown[], analytics: { track: (...a: unknown[]) => void segment.push(a) }, addEventListener: () => undefined } as unknown as Window & { dataLayer: unknown[] };
    hookDataLayer(win, (name) => seen.push(name));
    hookSegment(win, (name) => seen.push(name));
    const items = [{ id: 'a', title: 'Boot', price: '12.5', brand: 'acme', category: 'shoes' }, { id: 'b' }];
    const list = listInfo('for-you', 'holdout');
    reportListView(win, items, list);
    reportSelect(win, items[1], 1, list);
    expect(win.dataLayer[0]).toEqual({ ecommerce: null });
    expect(win.dataLayer[1]).toEqual({
      event: 'view_item_list',
      ecommerce: {
        item_list_id: 'tastebud_for-you_holdout', item_list_name: 'tastebud for-you (holdout)',
        items: [
          { item_id: 'a', item_name: 'Boot', index: 0, item_list_id: 'tastebud_for-you_holdout', item_list_name: 'tastebud for-you (holdout)', item_brand: 'acme', item_category: 'shoes', price: 12.5 },
          { item_id: 'b', item_name: 'b', index: 1, item_list_id: 'tastebud_for-you_holdout', item_list_name: 'tastebud for-you (holdout)' },
        ],
      },
    });
    expect((win.dataLayer[3] as { event: string }).event).toBe('select_item');
    expect(segment.map((c) => c[0])).toEqual(['Product List Viewed', 'Product Clicked']);
    expect(segment[1][1]).toMatchObject({ product_id: 'b', position: 2, list_id: 'tastebud_for-you_holdout' });
    expect(seen).toEqual([]); // marked as tastebud's own: the widget tracks its click itself, once
    win.dataLayer.push({ event: 'select_item', ecommerce: { items: [{ item_id: 'z' }] } });
    expect(seen).toEqual(['select_item']); // the shop's own events still are
  });
});

describe('device storage', () => {
  it('keeps one A/B draw per namespace (only with consent) and shelves until forget', () => {
    (globalThis as { localStorage?: Storage }).localStorage = fakeStorage();
    expect(decideArm('s', 0, true)).toBe('personal');
    expect(decideArm('s', 1, true)).toBe('holdout');
    const arms = new Set(Array.from({ length: 5 }, () => decideArm('s', 0.5, true)));
    expect(arms.size).toBe(1); // the stored draw decides every time
    expect(localStorage.getItem('tastebud:s:ab')).not.toBeNull();
    expect(decideArm('t', 0.5, false)).toMatch(/personal|holdout/);
    expect(localStorage.getItem('tastebud:t:ab')).toBeNull();
    const key = shelfKey('s', 'for-you', '');
    writeShelf(key, [{ id: 'a', title: 'Boot', secret: 'x' }], 321.4);
    expect(readShelf(key)).toMatchObject({ items: [{ id: 'a', title: 'Boot' }], height: 321 });
    expect(readShelf(key)!.items[0]).not.toHaveProperty('secret');
    clearShelves('s');
    expect(readShelf(key)).toBeUndefined();
    expect(localStorage.getItem('tastebud:s:ab')).toBeNull();
  });
});
