/**
 * Merchandising rules over a ranked pool: what is never shown (sold out, outside the price range: `ruleMask`,
 * applied before ranking so the scan never returns them) and the reordering a shop asks for (boost, bury,
 * diversity, pins: `applyRules`, after ranking, on a pool a few times larger than k).
 */
import type { Recommendation } from './api.ts';
import type { ModelContext } from './model_context.ts';
import type { NormalizedRecommendOptions } from './validate.ts';
import { InvalidInputError } from '../errors.ts';
import type { ItemAttributes } from '../model/global_model.ts';

/** The catalogue says it cannot be bought now: `available: false` (or "false", 0). */
export function soldOut(a: ItemAttributes | undefined): boolean {
  const v = (a as Record<string, unknown> | undefined)?.available;
  return v === false || v === 0 || v === 'false';
}

/**
 * Marks (sets to 1) the rows that must not be shown: `unavailable`, sold out, outside `price`.
 *
 * @example
 * ruleMask(ctx, normalizeRecommendOptions({ price: { max: 50 } }), mask);
 */
export function ruleMask(ctx: ModelContext, o: NormalizedRecommendOptions, mask: Uint8Array): void {
  for (const id of o.unavailable ?? []) {
    const row = ctx.index.get(id);
    if (row !== undefined) mask[row] = 1;
  }
  const attrs = ctx.model.itemAttributes;
  if (attrs) for (let i = 0; i < ctx.numItems; i++) if (soldOut(attrs[i])) mask[i] = 1;
  if (!o.price) return;
  const { min, max } = o.price;
  if (!attrs?.some((a) => typeof a?.price === 'number'))
    throw new InvalidInputError('price needs a numeric "price" attribute on the model\'s items; ship it with the attributes or drop the price rule');
  for (let i = 0; i < ctx.numItems; i++) {
    const p = attrs[i]?.price;
    if (!(typeof p === 'number' && p >= min && p <= max)) mask[i] = 1;
  }
}

/** Whether the item at `row` is shown at all under the masks (for items from shipped lists and pins). */
export function allowed(ctx: ModelContext, o: NormalizedRecommendOptions, itemId: string): boolean {
  if (o.unavailable?.includes(itemId)) return false;
  const row = ctx.index.get(itemId);
  return row === undefined || !soldOut(ctx.model.itemAttributes?.[row]);
}

/**
 * Boost and bury (stable: the ranking decides within each group), diversity (greedy, best first), then the pins
 * at their positions; `k` items at most.
 *
 * @example
 * applyRules(ctx, pool, normalizeRecommendOptions({ k: 4, boost: { brand: 'acme' }, diversity: { category: 2 } }));
 */
export function applyRules(ctx: ModelContext, pool: Recommendation[], o: NormalizedRecommendOptions): Recommendation[] {
  const attrsOf = attributeLookup(ctx, o);
  const pins = (o.pin ?? []).filter((p) => allowed(ctx, o, p.itemId));
  const pinned = new Set(pins.map((p) => p.itemId));
  let list = pool.filter((r) => !pinned.has(r.itemId));
  if (o.boost || o.bury) {
    const rank = (r: Recommendation): number => (matches(attrsOf(r.itemId), o.boost) ? 0 : matches(attrsOf(r.itemId), o.bury) ? 2 : 1);
    list = list.map((r, n) => ({ r, n, g: rank(r) })).sort((a, b) => a.g - b.g || a.n - b.n).map((x) => x.r);
  }
  if (o.diversity) list = diversify(list, o.diversity, attrsOf);
  const out = list.slice(0, o.k - pins.length);
  for (const p of [...pins].sort((a, b) => a.position - b.position)) {
    out.splice(Math.min(p.position - 1, out.length), 0, { itemId: p.itemId, score: out[p.position - 1]?.score ?? 0, source: 'pinned' });
  }
  return out.slice(0, o.k);
}

function attributeLookup(ctx: ModelContext, o: NormalizedRecommendOptions): (itemId: string) => ItemAttributes | undefined {
  const attrs = ctx.model.itemAttributes;
  if (!attrs && (o.boost || o.bury || o.diversity))
    throw new InvalidInputError('boost, bury and diversity need item attributes, and this model ships none; drop them or pretrain with --attributes');
  return (id) => {
    const row = ctx.index.get(id);
    return row === undefined ? undefined : attrs?.[row];
  };
}

/**
 * An item's value of `field`: its own field, or a `field=value` token of its `tags` (the CLI's --attributes
 * files write "category=shoes|brand=acme" there, see attribute_projection.ts).
 */
export function attributeValue(a: ItemAttributes | undefined, field: string): string | number | undefined {
  if (!a) return undefined;
  if (a[field] !== undefined) return a[field];
  const tags = a.tags;
  if (typeof tags !== 'string') return undefined;
  const token = tags.split('|').find((t) => t.startsWith(`${field}=`));
  return token === undefined ? undefined : token.slice(field.length + 1);
}

function matches(a: ItemAttributes | undefined, want: Record<string, string | number> | null | undefined): boolean {
  return !!want && !!a && Object.entries(want).every(([f, v]) => String(attributeValue(a, f)) === String(v) && attributeValue(a, f) !== undefined);
}

function diversify(list: Recommendation[], caps: Record<string, number>, attrsOf: (id: string) => ItemAttributes | undefined): Recommendation[] {
  const counts = new Map<string, number>();
  const fields = Object.keys(caps);
  return list.filter((r) => {
    const a = attrsOf(r.itemId);
    const keys = fields.filter((f) => attributeValue(a, f) !== undefined).map((f) => [f, `${f}=${String(attributeValue(a, f))}`] as const);
    if (keys.some(([f, key]) => (counts.get(key) ?? 0) >= caps[f])) return false;
    for (const [, key] of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    return true;
  });
}
