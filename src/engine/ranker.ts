/**
 * Ranking for one shopper: `recommend` (catalogue scan with masks, touched rows re-scored with the shopper's
 * deltas), `similarItems` (cosine between item vectors) and `explain` (the score split into the prior and the
 * contribution of each past event, exact for the closed-form part of p_u).
 */
import type { Explanation, Recommendation } from './api.ts';
import type { CatalogueScanner } from '../kernels/types.ts';
import { createTopKHeap } from '../model/top_k.ts';
import type { LearnerConfig } from './learner_config.ts';
import type { ModelContext } from './model_context.ts';
import type { LocalState } from './user_state.ts';
import type { NormalizedRecommendOptions } from './validate.ts';
import { effectiveW, fitAnchor, foldInScaleOf, itemRow } from './fit.ts';
import { cholSolve } from './fold_in.ts';
import { InvalidInputError } from '../errors.ts';
import { attributeBoosts, attributeReasons } from './attribute_affinity.ts';
import { hedges, newestIsolated } from './isolation.ts';
import { sequenceQuery } from './sequence_user.ts';

/**
 * Top-k for the shopper. The query vector and the touched rows' scores are taken synchronously, so the answer
 * reflects one consistent state even if learning runs while the scanner works. Rows with a per-user delta or
 * an attribute-affinity boost (`cfg`) are scored here; the scanner scores the rest. When the newest click is
 * isolated and `cfg.isolatedShare` < 1, the answer hedges: `isolatedShare` of it is ranked with that click
 * learned, the rest as if it never happened (each item keeps the score of the ranking it came from).
 *
 * @example
 * await recommendFor(ctx, state, scanner, normalizeRecommendOptions({ k: 5 })); // [{ itemId, score }, ...]
 */
export async function recommendFor(
  ctx: ModelContext,
  s: LocalState,
  scanner: CatalogueScanner,
  o: NormalizedRecommendOptions,
  cfg?: LearnerConfig,
  hybrid = 0,
): Promise<Recommendation[]> {
  // hedges() first: the known-history filter is not worth running on every recommend when hedging is off
  const hedged = cfg !== undefined && hedges(cfg) && newestIsolated(ctx, s.history.filter((e) => ctx.index.has(e.itemId)), cfg);
  if (!hedged) return prepareRanking(ctx, s, o, cfg, hybrid).finish(scanner);
  const withIt = prepareRanking(ctx, s, o, cfg, hybrid);
  const without = prepareRanking(ctx, withoutNewest(ctx, s, cfg), o, cfg, hybrid);
  return interleave(await withIt.finish(scanner), await without.finish(scanner), cfg.isolatedShare, o.k);
}

/** Masks, query vector and the rows scored here, taken now; `finish` adds the scanner's top-k. */
function prepareRanking(ctx: ModelContext, s: LocalState, o: NormalizedRecommendOptions, cfg?: LearnerConfig, hybrid = 0) {
  const mask = buildMask(ctx, s, o);
  const w = effectiveW(ctx, s);
  // under a sequence model the user vector is the encoded history (sequence_user.ts), else the learner's p_u
  const u = s.seq ? sequenceQuery(ctx, s, hybrid) : s.p;
  const z = w.map((wj, j) => wj * u[j]);
  const heap = createTopKHeap(o.k);
  const boosts = cfg ? attributeBoosts(ctx, s, cfg) : new Map<number, number>();
  for (const row of new Set([...s.itemDelta.keys(), ...boosts.keys()])) {
    if (mask[row]) continue;
    mask[row] = 1; // scored here with its delta and boost, not by the scanner
    heap.push(dot(itemRow(ctx, s, row), z) + ctx.itemBias[row] + (s.itemBiasDelta.get(row) ?? 0) + (boosts.get(row) ?? 0), row);
  }
  return {
    async finish(scanner: CatalogueScanner): Promise<Recommendation[]> {
      const top = await scanner.topK(z, o.k, mask);
      top.indices.forEach((row, n) => heap.push(top.scores[n], row));
      const { indices, scores } = heap.result();
      return Array.from(indices, (row, n) => ({ itemId: ctx.model.itemIds[row], score: scores[n] + ctx.model.bias }));
    },
  };
}

/**
 * The state as if the newest learned click had not happened: p_u as it was before it (kept by the learner; after
 * a reload, fitted without it and not aged by it, the stochastic residual carried over). Seen items stay seen.
 */
function withoutNewest(ctx: ModelContext, s: LocalState, cfg: LearnerConfig): LocalState {
  const before: LocalState = { ...s, history: s.history.slice(0, -1), learned: s.learned - 1 };
  if (s.pBefore) return { ...before, p: s.pBefore };
  const fit = fitAnchor(ctx, before, cfg);
  const p = fit.anchor.map((a, j) => a + s.p[j] - s.anchor[j]);
  return { ...before, p, anchor: fit.anchor };
}

/** Merges two rankings so that about `share` of the first k comes from `a`; an item in both keeps its better place. */
function interleave(a: Recommendation[], b: Recommendation[], share: number, k: number): Recommendation[] {
  const place = new Map<string, { rec: Recommendation; at: number }>();
  const put = (list: Recommendation[], weight: number): void =>
    list.forEach((rec, n) => {
      const at = (n + 1) / weight; // share 0 puts a's items at Infinity: after every item of b
      const prev = place.get(rec.itemId);
      if (!prev || at < prev.at) place.set(rec.itemId, { rec, at });
    });
  put(a, share);
  put(b, 1 - share);
  return [...place.values()]
    .sort((x, y) => x.at - y.at)
    .slice(0, k)
    .map((x) => x.rec);
}

function buildMask(ctx: ModelContext, s: LocalState, o: NormalizedRecommendOptions): Uint8Array {
  const n = ctx.numItems;
  const mask = new Uint8Array(n);
  if (o.candidates) {
    mask.fill(1);
    for (const id of o.candidates) {
      const i = ctx.index.get(id);
      if (i !== undefined) mask[i] = 0;
    }
  }
  if (o.excludeSeen) for (const i of s.seen) mask[i] = 1;
  for (const id of o.exclude) {
    const i = ctx.index.get(id);
    if (i !== undefined) mask[i] = 1;
  }
  if (o.filter) {
    const attrs = ctx.model.itemAttributes;
    if (!attrs) throw new InvalidInputError('filter needs item attributes, and this model ships none; drop the filter');
    const fields = Object.entries(o.filter);
    for (let i = 0; i < n; i++) {
      const a = attrs[i] ?? {};
      if (fields.some(([key, v]) => a[key] !== v)) mask[i] = 1;
    }
  }
  return mask;
}

/**
 * The k items whose vectors point the most the same way as `row`'s (cosine), the item itself left out.
 *
 * @example
 * similarTo(ctx, 3, 5).map((r) => r.itemId);
 */
export function similarTo(ctx: ModelContext, row: number, k: number): Recommendation[] {
  const d = ctx.dim;
  const V = ctx.itemEmb;
  const norm = (i: number): number => Math.sqrt(dot(V.subarray(i * d, i * d + d), V.subarray(i * d, i * d + d))) || 1;
  const q = V.subarray(row * d, row * d + d);
  const qn = norm(row);
  const heap = createTopKHeap(Math.min(k, ctx.numItems - 1));
  for (let i = 0; i < ctx.numItems; i++) {
    if (i === row) continue;
    heap.push(dot(V.subarray(i * d, i * d + d), q) / (qn * norm(i)), i);
  }
  const { indices, scores } = heap.result();
  return Array.from(indices, (i, n) => ({ itemId: ctx.model.itemIds[i], score: scores[n] }));
}

/**
 * Splits the shopper's score of `row` into the prior part (b_i + b + a_i·p_0: what everyone gets, i.e.
 * popularity) and the contribution of each past positive through the fold-in: with M the system matrix,
 * scale · c_t · a_iᵀ M⁻¹ a_t, which sums exactly to the closed-form part of the score.
 */
export function explainFor(ctx: ModelContext, s: LocalState, cfg: LearnerConfig, row: number, max = 5): Explanation {
  const d = ctx.dim;
  const fit = fitAnchor(ctx, s, cfg);
  const a = itemRow(ctx, s, row).map((q, j) => q * fit.w[j]);
  const prior = ctx.itemBias[row] + ctx.model.bias + dot(a, ctx.model.priorUser);
  const m1a = cholSolve(fit.solution.chol, d, a);
  const byEvent = fit.entries.map((e, t) => {
    const at = fit.rows[t].map((q, j) => q * fit.w[j]);
    return { itemId: e.itemId, type: e.type, timestamp: e.timestamp, contribution: foldInScaleOf(s, cfg) * fit.conf[t] * dot(m1a, at) };
  });
  const byAttribute = attributeReasons(ctx, s, cfg, row).map(({ entry: e, contribution, shared }) => ({
    itemId: e.itemId,
    type: e.type,
    timestamp: e.timestamp,
    contribution,
    shared,
  }));
  let residual = 0;
  for (let j = 0; j < d; j++) residual += a[j] * (s.p[j] - fit.anchor[j]);
  const reasons: Explanation['because'] = [...byEvent, ...byAttribute];
  const personal = reasons.reduce((acc, e) => acc + Math.abs(e.contribution), 0) + Math.abs(residual);
  // the same item clicked twice (or raising the score both ways) is one reason, with the latest click's type and time
  const byItem = new Map<string, Explanation['because'][number]>();
  for (const e of reasons) {
    const prev = byItem.get(e.itemId);
    const latest = prev && prev.timestamp > e.timestamp ? prev : e;
    const shared = [...new Set([...(prev?.shared ?? []), ...(e.shared ?? [])])];
    byItem.set(e.itemId, { ...latest, contribution: (prev?.contribution ?? 0) + e.contribution, ...(shared.length ? { shared } : {}) });
  }
  const because = [...byItem.values()]
    .filter((e) => e.contribution > 0)
    .sort((x, y) => y.contribution - x.contribution)
    .slice(0, max);
  return { itemId: ctx.model.itemIds[row], because, popularity: Math.abs(prior) / (Math.abs(prior) + personal || 1) };
}

function dot(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let acc = 0;
  for (let j = 0; j < x.length; j++) acc += x[j] * y[j];
  return acc;
}
