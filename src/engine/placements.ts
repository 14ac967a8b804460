/**
 * The shelves a shop places (`recommend({ placement })`): each draws from its own list first and falls back to
 * non-personal ones until the pool is full, so a shelf is never empty while the catalogue has items to show.
 *
 * | placement                  | first                                   | then                        |
 * |----------------------------|-----------------------------------------|-----------------------------|
 * | for-you                    | the shopper's model (p_0 before a click) | trending                    |
 * | similar                    | item-vector cosine to `item`            | trending                    |
 * | recently-viewed            | the shopper's own items, newest first   | trending                    |
 * | trending                   | shipped trending list (else popularity) | —                           |
 * | frequently-bought-together | shipped co-occurrence list of `item`    | similar, trending           |
 * | cart                       | co-occurrence lists of the cart, merged | similar to the newest, trending |
 *
 * `personal: false` (the holdout arm) turns for-you into trending; the other shelves are the same for everyone
 * except recently-viewed. The rules (rules.ts) then reorder the pool and cut it to k.
 */
import type { Recommendation, RecommendationSource } from './api.ts';
import type { CatalogueScanner } from '../kernels/types.ts';
import type { LearnerConfig } from './learner_config.ts';
import type { ModelContext } from './model_context.ts';
import type { LocalState } from './user_state.ts';
import type { NormalizedRecommendOptions } from './validate.ts';
import { buildMask, recommendFor, similarTo } from './ranker.ts';
import { applyRules } from './rules.ts';

type Source = [RecommendationSource, () => number[] | Promise<number[]>];

/**
 * @example
 * await recommendPlacement(ctx, state, scanner, normalizeRecommendOptions({ placement: 'trending', k: 8 }), cfg);
 */
export async function recommendPlacement(
  ctx: ModelContext,
  s: LocalState,
  scanner: CatalogueScanner,
  o: NormalizedRecommendOptions,
  cfg: LearnerConfig,
  /** Share of the MF fold-in added to a sequence model's query (see sequence_user.ts). */
  hybrid = 0,
): Promise<Recommendation[]> {
  const reorders = !!(o.boost || o.bury || o.diversity);
  const size = Math.min(ctx.numItems, o.k + (o.pin?.length ?? 0) + (reorders ? Math.max(3 * o.k, 30) : 0));
  const placement = o.placement ?? 'for-you';
  // a shopper with no clicks yet gets the prior p_0's ranking: everyone's, so already non-personal
  const personal = o.personal !== false;
  if (placement === 'for-you' && personal) {
    const pool = await recommendFor(ctx, s, scanner, { ...o, k: size }, cfg, hybrid);
    return applyRules(ctx, await fill(ctx, s, o, pool, size, [['trending', () => trendingRows(ctx)]]), o);
  }
  const seenToo = placement !== 'for-you' && placement !== 'trending';
  const mask = buildMask(ctx, s, seenToo ? { ...o, excludeSeen: false } : o);
  const sources: Source[] = [];
  const itemRow = o.item ? ctx.index.get(o.item) : undefined;
  const similarRows = (row: number | undefined) => (): number[] =>
    row === undefined ? [] : similarTo(ctx, row, Math.min(ctx.numItems - 1, size * 4)).map((r) => ctx.index.get(r.itemId)!);
  if (placement === 'similar') sources.push(['similar', similarRows(itemRow)]);
  if (placement === 'recently-viewed')
    sources.push(['recent', () => [...s.seenIds].reverse().map((id) => ctx.index.get(id)).filter((r): r is number => r !== undefined)]);
  if (placement === 'frequently-bought-together') sources.push(['together', () => togetherRows(ctx, itemRow === undefined ? [] : [itemRow])], ['similar', similarRows(itemRow)]);
  if (placement === 'cart') {
    const cartRows = (o.cart ?? []).map((id) => ctx.index.get(id)).filter((r): r is number => r !== undefined);
    sources.push(['together', () => togetherRows(ctx, cartRows)], ['similar', similarRows(cartRows.at(-1))]);
  }
  sources.push(['trending', () => trendingRows(ctx)]);
  return applyRules(ctx, await fill(ctx, s, o, [], size, sources, mask), o);
}

/** Appends the sources' rows that pass the mask (and are not in the pool yet) until `size` items. */
async function fill(
  ctx: ModelContext,
  s: LocalState,
  o: NormalizedRecommendOptions,
  pool: Recommendation[],
  size: number,
  sources: Source[],
  mask = buildMask(ctx, s, o),
): Promise<Recommendation[]> {
  const out = pool.slice();
  const taken = new Set(out.map((r) => r.itemId));
  for (const [source, rows] of sources) {
    if (out.length >= size) break;
    const list = (await rows()).filter((row) => !mask[row] && !taken.has(ctx.model.itemIds[row]));
    for (const [n, row] of list.entries()) {
      if (out.length >= size) break;
      out.push({ itemId: ctx.model.itemIds[row], score: 1 - n / list.length, source });
      taken.add(ctx.model.itemIds[row]);
    }
  }
  return out;
}

/** The shipped trending list, then (past its end, or for models without one) the rows by training popularity. */
export function trendingRows(ctx: ModelContext): number[] {
  const shipped = ctx.model.placements?.trending ?? [];
  const inList = new Set(shipped);
  const pop = ctx.model.popularity;
  const rest = Array.from(pop.keys()).filter((i) => !inList.has(i));
  return [...shipped, ...rest.sort((a, b) => pop[b] - pop[a] || a - b)];
}

/** The co-occurrence lists of `rows` merged: an item's weight is the sum of 1/(rank+1) over the lists. */
function togetherRows(ctx: ModelContext, rows: number[]): number[] {
  const weight = new Map<number, number>();
  for (const row of rows) ctx.model.placements?.together[row]?.forEach((j, n) => weight.set(j, (weight.get(j) ?? 0) + 1 / (n + 1)));
  for (const row of rows) weight.delete(row);
  return [...weight].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([j]) => j);
}
