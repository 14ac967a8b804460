/**
 * The learner's closed-form anchor: a confidence-weighted ridge fold-in of the shopper's recent positives
 * (time-decayed, type-weighted, with the highest-loss older positives truncated away), recomputed at every
 * learned event. p_u = p_0 + scale·δ, so with no history p_u is exactly the prior and the ridge is the
 * proximal pull toward it.
 */
import type { LearnerConfig } from './learner_config.ts';
import type { ModelContext } from './model_context.ts';
import type { HistoryEntry, LocalState } from './user_state.ts';
import { solveFoldIn, type FoldInSolution } from './fold_in.ts';
import { isolationTrust } from './isolation.ts';

export interface FitTerms {
  entries: HistoryEntry[];
  rows: Float32Array[];
  conf: number[];
  /** Effective top layer w + Δw used for the rows. */
  w: Float32Array;
}

export interface Fit extends FitTerms {
  solution: FoldInSolution;
  anchor: Float32Array;
}

/** Item row q_i plus the shopper's delta on it, if any. */
export function itemRow(ctx: ModelContext, s: LocalState, i: number): Float32Array {
  const d = ctx.dim;
  const row = ctx.itemEmb.slice(i * d, i * d + d);
  const delta = s.itemDelta.get(i);
  if (delta) for (let j = 0; j < d; j++) row[j] += delta[j];
  return row;
}

/** w + Δw. */
export function effectiveW(ctx: ModelContext, s: LocalState): Float32Array {
  const w = ctx.model.w.slice();
  for (let j = 0; j < w.length; j++) w[j] += s.dW[j];
  return w;
}

/** Decay of an entry: halves every `halfLifeEvents` later events and every `halfLifeMs` of event time. */
export function decayOf(e: HistoryEntry, s: LocalState, newestTs: number, cfg: LearnerConfig): number {
  const byEvents = Math.pow(0.5, Math.max(0, s.learned - 1 - e.order) / Math.max(cfg.halfLifeEvents, 1e-9));
  const byTime = Number.isFinite(cfg.halfLifeMs) ? Math.pow(0.5, Math.max(0, newestTs - e.timestamp) / cfg.halfLifeMs) : 1;
  return byEvents * byTime;
}

/**
 * The rows and confidences of the next fit. Truncated loss (Wang et al. WSDM 2021): the older positives the
 * current p_u scores lowest (highest loss; likely accidental clicks) are left out, never the newest ones.
 */
export function fitTerms(ctx: ModelContext, s: LocalState, cfg: LearnerConfig): FitTerms {
  const w = effectiveW(ctx, s);
  const known = s.history.filter((e) => ctx.index.has(e.itemId));
  const newestTs = known.length ? known[known.length - 1].timestamp : 0;
  const trust = isolationTrust(ctx, known, cfg);
  const trustOf = new Map(known.map((e, t) => [e, trust[t]]));
  const dropped = truncated(ctx, s, cfg, w, known, trust);
  const entries = known.filter((e) => !dropped.has(e));
  const rows = entries.map((e) => itemRow(ctx, s, ctx.index.get(e.itemId)!));
  const conf = entries.map((e) => 1 + cfg.alpha * e.weight * trustOf.get(e)! * decayOf(e, s, newestTs, cfg));
  return { entries, rows, conf, w };
}

/**
 * Truncated loss (Wang et al. WSDM 2021): of the older positives, the `truncateRate` share with the highest
 * loss (lowest score under the current p_u) is left out, but only among the isolated ones: a run of
 * similar new clicks is a change of taste, not noise, however badly the old p_u scores it.
 */
function truncated(
  ctx: ModelContext,
  s: LocalState,
  cfg: LearnerConfig,
  w: Float32Array,
  known: HistoryEntry[],
  trust: number[],
): Set<HistoryEntry> {
  const older = known.length - cfg.truncateKeepRecent;
  const drop = cfg.denoise ? Math.floor(cfg.truncateRate * Math.max(0, older)) : 0;
  if (drop <= 0) return new Set();
  const z = w.map((wj, j) => wj * s.p[j]);
  const d = ctx.dim;
  // global rows: a touched row's own delta was learned from the very click under suspicion
  const score = (e: HistoryEntry): number => {
    const i = ctx.index.get(e.itemId)!;
    return scoreRow(ctx.itemEmb.subarray(i * d, i * d + d), z);
  };
  const suspects = known.slice(0, older).filter((_, t) => trust[t] < 1);
  const scored = suspects.map((e) => ({ e, s: score(e) })).sort((a, b) => a.s - b.s);
  return new Set(scored.slice(0, drop).map((x) => x.e));
}

/**
 * Recomputes the anchor from the history.
 *
 * @example
 * const fit = fitAnchor(ctx, state, cfg); state.anchor = fit.anchor;
 */
export function fitAnchor(ctx: ModelContext, s: LocalState, cfg: LearnerConfig): Fit {
  const terms = fitTerms(ctx, s, cfg);
  const solution = solveFoldIn({ gram: ctx.gram, w: terms.w, rows: terms.rows, conf: terms.conf, ridge: cfg.ridge });
  const p0 = ctx.model.priorUser;
  const anchor = new Float32Array(ctx.dim);
  const scale = foldInScaleOf(s, cfg);
  for (let j = 0; j < ctx.dim; j++) anchor[j] = p0[j] + scale * solution.delta[j];
  return { ...terms, solution, anchor };
}

/** The fold-in's weight in p_u after `s.learned` events (0 during the warm-up, see `LearnerConfig`). */
export function foldInScaleOf(s: LocalState, cfg: LearnerConfig): number {
  return s.learned < cfg.warmupEvents ? 0 : cfg.foldInScale;
}

function scoreRow(q: Float32Array, z: ArrayLike<number>): number {
  let acc = 0;
  for (let j = 0; j < q.length; j++) acc += q[j] * z[j];
  return acc;
}
