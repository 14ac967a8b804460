/**
 * Validation of the placement and merchandising options of `recommend` (placement, item, cart, boost, bury, pin,
 * diversity, price, unavailable): every value checked, conflicts rejected with an `InvalidInputError` that names
 * both sides, never guessed.
 */
import { PLACEMENTS, type Placement, type RecommendOptions } from './api.ts';
import { InvalidInputError } from '../errors.ts';

type Attrs = Record<string, string | number>;

export interface NormalizedRules {
  placement: Placement;
  item: string | null;
  cart: string[];
  personal: boolean;
  boost: Attrs | null;
  bury: Attrs | null;
  pin: { itemId: string; position: number }[];
  diversity: Record<string, number> | null;
  price: { min: number; max: number } | null;
  unavailable: string[];
}

/**
 * @example
 * normalizeRules({ placement: 'similar', item: 'sku-1' }, 8, check).placement; // 'similar'
 */
export function normalizeRules(o: RecommendOptions, k: number, assertId: (id: unknown, where: string) => asserts id is string): NormalizedRules {
  const { placement = 'for-you', item, cart = [], personal = true, boost, bury, pin = [], diversity, price, unavailable = [] } = o;
  if (!PLACEMENTS.includes(placement)) throw new InvalidInputError(`placement must be one of ${PLACEMENTS.join(', ')}, got ${JSON.stringify(placement)}`);
  if (item !== undefined) assertId(item, 'item');
  if ((placement === 'similar' || placement === 'frequently-bought-together') && item === undefined)
    throw new InvalidInputError(`placement "${placement}" needs an item: pass { item: 'sku-1' }`);
  assertList(cart, 'cart', assertId);
  if (placement === 'cart' && item !== undefined) throw new InvalidInputError('placement "cart" takes the cart\'s items in `cart`, not `item`');
  if (typeof personal !== 'boolean') throw new InvalidInputError(`personal must be a boolean, got ${typeof personal}`);
  assertList(unavailable, 'unavailable', assertId);
  if (boost !== undefined) assertAttrs(boost, 'boost');
  if (bury !== undefined) assertAttrs(bury, 'bury');
  const clash = boost && bury && Object.keys(boost).find((f) => f in bury && bury[f] === boost[f]);
  if (clash) throw new InvalidInputError(`${clash}=${String(boost[clash])} is both boosted and buried; pick one`);
  return {
    placement,
    item: item ?? null,
    cart,
    personal,
    boost: boost ?? null,
    bury: bury ?? null,
    pin: checkPins(pin, k, assertId, o.exclude ?? []),
    diversity: diversity === undefined ? null : checkDiversity(diversity),
    price: price === undefined ? null : checkPrice(price),
    unavailable,
  };
}

function assertList(xs: unknown, where: string, assertId: (id: unknown, where: string) => asserts id is string): asserts xs is string[] {
  if (!Array.isArray(xs)) throw new InvalidInputError(`${where} must be an array of item ids`);
  xs.forEach((x, n) => assertId(x, `${where}[${n}]`));
}

function assertAttrs(a: unknown, where: string): asserts a is Attrs {
  if (!a || typeof a !== 'object' || Array.isArray(a) || Object.keys(a).length === 0)
    throw new InvalidInputError(`${where} must be a non-empty object like { brand: 'acme' }`);
  for (const [field, v] of Object.entries(a))
    if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) throw new InvalidInputError(`${where}.${field} must be a string or a finite number`);
}

function checkPins(pin: unknown, k: number, assertId: (id: unknown, where: string) => asserts id is string, exclude: string[]): NormalizedRules['pin'] {
  if (!Array.isArray(pin)) throw new InvalidInputError("pin must be an array like [{ itemId: 'sku-1', position: 1 }]");
  const items = new Set<string>();
  const positions = new Set<number>();
  for (const [n, p] of pin.entries()) {
    if (!p || typeof p !== 'object') throw new InvalidInputError(`pin[${n}] must be { itemId, position }`);
    const { itemId, position } = p as { itemId: unknown; position: unknown };
    assertId(itemId, `pin[${n}].itemId`);
    if (typeof position !== 'number' || !Number.isInteger(position) || position < 1 || position > k)
      throw new InvalidInputError(`pin[${n}].position must be an integer from 1 to k (${k}), got ${String(position)}`);
    if (items.has(itemId)) throw new InvalidInputError(`item "${itemId}" is pinned twice`);
    if (positions.has(position)) throw new InvalidInputError(`position ${position} is pinned twice`);
    if (exclude.includes(itemId)) throw new InvalidInputError(`item "${itemId}" is both pinned and in exclude; pick one`);
    items.add(itemId);
    positions.add(position);
  }
  return (pin as NormalizedRules['pin']).map(({ itemId, position }) => ({ itemId, position }));
}

function checkDiversity(d: unknown): Record<string, number> {
  if (!d || typeof d !== 'object' || Array.isArray(d) || Object.keys(d).length === 0)
    throw new InvalidInputError('diversity must be a non-empty object like { category: 2 }');
  for (const [field, n] of Object.entries(d))
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new InvalidInputError(`diversity.${field} must be an integer >= 1, got ${String(n)}`);
  return d as Record<string, number>;
}

function checkPrice(p: unknown): { min: number; max: number } {
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw new InvalidInputError('price must be an object like { min: 10, max: 50 }');
  const { min = 0, max = Infinity } = p as { min?: unknown; max?: unknown };
  for (const [name, v] of [['min', min], ['max', max]] as const)
    if (typeof v !== 'number' || Number.isNaN(v) || v < 0) throw new InvalidInputError(`price.${name} must be a number >= 0, got ${String(v)}`);
  if ((min as number) > (max as number)) throw new InvalidInputError(`price.min (${String(min)}) is above price.max (${String(max)})`);
  return { min: min as number, max: max as number };
}
