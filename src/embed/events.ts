/**
 * Turns the event shapes shops already send — tastebud's own, GA4 e-commerce (`view_item`, `select_item`,
 * `add_to_cart`, `purchase` with `items[].item_id`) and Segment's spec (`Product Viewed`, `Product Clicked`,
 * `Product Added`, `Order Completed` with `product_id` / `products[]`) — into tastebud track events.
 * Kept tiny: it ships in the ≤ 5 KB loader.
 */
import type { EventType, TrackEvent } from '../engine/api.ts';

const NAMES: Record<string, EventType> = {
  view: 'view',
  view_item: 'view',
  'product viewed': 'view',
  select: 'select',
  select_item: 'select',
  'product clicked': 'select',
  add_to_cart: 'add_to_cart',
  'product added': 'add_to_cart',
  purchase: 'purchase',
  'order completed': 'purchase',
};

/**
 * The tastebud event type for a GA4 / Segment / tastebud event name, or undefined for names it does not learn from.
 *
 * @example
 * eventTypeOf('Product Clicked'); // 'select'
 */
export function eventTypeOf(name: unknown): EventType | undefined {
  return typeof name === 'string' ? NAMES[name.toLowerCase()] : undefined;
}

function idOf(x: unknown): string | undefined {
  if (typeof x === 'string' || typeof x === 'number') return String(x);
  if (!x || typeof x !== 'object') return undefined;
  const o = x as Record<string, unknown>;
  const id = o.item_id ?? o.itemId ?? o.product_id ?? o.sku ?? o.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/**
 * The track events in one event payload: a bare id, `{ item_id }`, `{ items: [...] }` (GA4, also under
 * `ecommerce`), `{ product_id }` or `{ products: [...] }` (Segment).
 *
 * @example
 * toTrackEvents('select_item', { items: [{ item_id: 'sku-1' }] }); // [{ itemId: 'sku-1', type: 'select', timestamp: … }]
 */
export function toTrackEvents(name: unknown, payload: unknown): TrackEvent[] {
  const type = eventTypeOf(name);
  if (!type) return [];
  const p = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
  const ecommerce = (p.ecommerce && typeof p.ecommerce === 'object' ? p.ecommerce : p) as Record<string, unknown>;
  const list = ecommerce.items ?? ecommerce.products;
  const ids = Array.isArray(list) ? list.map(idOf) : [idOf(payload)];
  const timestamp = Date.now();
  const out: TrackEvent[] = [];
  for (const itemId of ids) if (itemId) out.push({ itemId, type, timestamp });
  return out;
}
