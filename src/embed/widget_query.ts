/**
 * `<tastebud-recs>` attributes → `recommend` options. The shelf (`kind`), its item or cart, and the rules:
 * `boost="brand=acme"`, `bury="category=clearance"`, `pin="sku-1@1,sku-9@4"`, `max-per="category=2,brand=3"`,
 * `price-min` / `price-max`; the script tag's `data-rules` JSON gives every widget of the instance its defaults.
 * Values are passed on as written: the engine checks them and names what is wrong (InvalidInputError).
 */
import type { Placement, RecommendOptions } from '../engine/api.ts';
import type { ItemInfo } from './registry.ts';

/** Each shelf kind (`kind=`) and its default heading. */
export const HEADINGS: Record<Placement, string> = {
  'for-you': 'Recommended for you',
  similar: 'Similar items',
  'recently-viewed': 'Recently viewed',
  trending: 'Trending now',
  'frequently-bought-together': 'Frequently bought together',
  cart: 'Goes well with your cart',
};

const list = (v: string | null): string[] => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean);

function pairs(v: string | null, sep: string): [string, string][] {
  return list(v).map((p) => {
    const at = p.lastIndexOf(sep);
    return at > 0 ? [p.slice(0, at).trim(), p.slice(at + 1).trim()] : [p, ''];
  });
}

/** "4" → 4, anything else stays a string (so `brand=3m` matches the brand "3m" only if it is a string). */
const value = (v: string): string | number => (v !== '' && Number.isFinite(Number(v)) ? Number(v) : v);

export function placementOf(el: Element): Placement {
  const kind = el.getAttribute('kind') ?? 'for-you';
  return (Object.hasOwn(HEADINGS, kind) ? kind : 'for-you') as Placement;
}

/**
 * @example
 * queryOptions(el, {}); // { k: 8, placement: 'similar', item: 'sku-1', boost: { brand: 'acme' } }
 */
export function queryOptions(el: Element, defaults: Record<string, unknown>): RecommendOptions {
  const a = (n: string): string | null => el.getAttribute(n);
  const o: Record<string, unknown> = { ...defaults, placement: placementOf(el) };
  o.k = Math.max(1, Math.min(100, Number(a('k')) || 8));
  if (a('item')) o.item = a('item');
  if (a('cart') !== null) o.cart = list(a('cart'));
  if (o.placement === 'cart' && !o.cart) o.cart = [];
  for (const rule of ['boost', 'bury'] as const) if (a(rule)) o[rule] = Object.fromEntries(pairs(a(rule), '=').map(([f, v]) => [f, value(v)]));
  if (a('max-per')) o.diversity = Object.fromEntries(pairs(a('max-per'), '=').map(([f, v]) => [f, Number(v)]));
  if (a('pin')) o.pin = pairs(a('pin'), '@').map(([itemId, p]) => ({ itemId, position: Number(p) }));
  if (a('price-min') !== null || a('price-max') !== null) {
    o.price = { ...(a('price-min') !== null && { min: Number(a('price-min')) }), ...(a('price-max') !== null && { max: Number(a('price-max')) }) };
  }
  return o as RecommendOptions;
}

/**
 * Where the shop's catalogue knows better than the model (sold out today, today's price), the widget turns
 * those rules into `unavailable` ids: the model's attributes are as old as its last pretraining.
 *
 * @example
 * withCatalogue({ price: { max: 20 } }, items); // { unavailable: [ids over 20 or sold out] }
 */
export function withCatalogue(o: RecommendOptions, items: ItemInfo[] | undefined): RecommendOptions {
  if (!items?.length) return o;
  const { min = 0, max = Infinity } = o.price ?? {};
  // a malformed range stays in the options, so the engine rejects it by name
  const priced = !!o.price && min >= 0 && min <= max && items.some((it) => typeof it.price === 'number');
  const inRange = (it: ItemInfo): boolean => typeof it.price === 'number' && it.price >= min && it.price <= max;
  const out = items.filter((it) => it.available === false || (priced && !inRange(it))).map((it) => it.id);
  const next: RecommendOptions = { ...o, unavailable: [...(o.unavailable ?? []), ...out] };
  if (priced) delete next.price;
  return next;
}
