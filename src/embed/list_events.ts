/**
 * What a shelf tells the shop's own analytics, so the shop measures click-through and conversion itself:
 * GA4 `view_item_list` / `select_item` pushed into the page's `dataLayer` (the GTM form, with the
 * `{ ecommerce: null }` clear Google recommends before each), and Segment's `Product List Viewed` /
 * `Product Clicked` where `analytics.track` exists. `item_list_id` / `list_id` name the placement and the A/B arm.
 * Every object is marked as tastebud's own, so tastebud's own pick-up of the shop's events (analytics.ts) skips it:
 * the widget tracks its clicks itself, once. tastebud sends nothing anywhere: these go to the shop's tags.
 */
import type { ItemInfo, ListInfo } from './registry.ts';

/** Marks an object tastebud pushed; analytics.ts ignores marked entries. */
export const OWN = Symbol.for('tastebud.own');

/** e.g. { id: 'tastebud_for-you_personal', name: 'tastebud for-you (personal)' } */
export function listInfo(placement: string, arm: string): ListInfo {
  return { id: `tastebud_${placement}_${arm}`, name: `tastebud ${placement} (${arm})` };
}

const own = <T extends object>(o: T): T => Object.defineProperty(o, OWN, { value: true });

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

function ga4Item(it: ItemInfo, index: number, list: ListInfo): Record<string, unknown> {
  const price = num(it.price);
  return {
    item_id: it.id,
    item_name: String(it.title ?? it.id),
    index,
    item_list_id: list.id,
    item_list_name: list.name,
    ...(typeof it.brand === 'string' && { item_brand: it.brand }),
    ...(typeof it.category === 'string' && { item_category: it.category }),
    ...(price !== undefined && { price }),
  };
}

function segmentProduct(it: ItemInfo, position: number, list: ListInfo): Record<string, unknown> {
  const price = num(it.price);
  return {
    product_id: it.id,
    sku: it.id,
    name: String(it.title ?? it.id),
    position,
    list_id: list.id,
    ...(typeof it.brand === 'string' && { brand: it.brand }),
    ...(typeof it.category === 'string' && { category: it.category }),
    ...(price !== undefined && { price }),
    ...(typeof it.url === 'string' && { url: it.url }),
    ...(typeof it.image === 'string' && { image_url: it.image }),
  };
}

interface Win {
  dataLayer?: unknown[];
  analytics?: { track?: (...a: unknown[]) => unknown };
}

function push(w: Win, event: string, ecommerce: Record<string, unknown>): void {
  if (!Array.isArray(w.dataLayer)) return;
  w.dataLayer.push(own({ ecommerce: null }));
  w.dataLayer.push(own({ event, ecommerce }));
}

function segment(w: Win, name: string, props: Record<string, unknown>): void {
  if (typeof w.analytics?.track === 'function') w.analytics.track(name, own(props));
}

/**
 * @example
 * reportListView(window, items, listInfo('for-you', 'personal'));
 */
export function reportListView(win: Window, items: ItemInfo[], list: ListInfo): void {
  const w = win as unknown as Win;
  try {
    push(w, 'view_item_list', { item_list_id: list.id, item_list_name: list.name, items: items.map((it, n) => ga4Item(it, n, list)) });
    segment(w, 'Product List Viewed', { list_id: list.id, category: list.name, products: items.map((it, n) => segmentProduct(it, n + 1, list)) });
  } catch {
    // the shop's analytics must never break the shelf, nor the other way round
  }
}

export function reportSelect(win: Window, item: ItemInfo, index: number, list: ListInfo): void {
  const w = win as unknown as Win;
  try {
    push(w, 'select_item', { item_list_id: list.id, item_list_name: list.name, items: [ga4Item(item, index, list)] });
    segment(w, 'Product Clicked', segmentProduct(item, index + 1, list));
  } catch {
    // as above
  }
}
