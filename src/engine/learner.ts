/**
 * The incremental learner: clean → remember → re-fit the closed-form anchor → a few stochastic steps.
 * Pure and synchronous over a `LocalState`: per-shopper work is tiny (one 64×64 solve, a few hundred
 * multiply-adds per sample), so a TF.js dispatch would cost more than the maths.
 */
import type { StoredEvent } from './api.ts';
import type { Rng } from '../model/rng.ts';
import type { LearnerConfig } from './learner_config.ts';
import type { ModelContext } from './model_context.ts';
import type { HistoryEntry, LocalState } from './user_state.ts';
import { cleanEvent } from './denoise.ts';
import { fitAnchor } from './fit.ts';
import { sgdSteps } from './sgd_steps.ts';

export type LearnOutcome = 'learned' | 'unknown' | 'repeat' | 'burst' | 'ignored';

const MAX_PARKED = 1000;

/**
 * Folds one stored event into the state. With `refit: false` only the bookkeeping happens (fast replay of
 * a long log during transfer); call `refitState` once afterwards.
 *
 * @example
 * learnEvent(ctx, state, { seq: 1, itemId: 'sku-1', type: 'select', timestamp: 0 }, cfg, rng); // 'learned'
 */
export function learnEvent(
  ctx: ModelContext,
  s: LocalState,
  ev: StoredEvent,
  cfg: LearnerConfig,
  rng: Rng,
  refit = true,
): { outcome: LearnOutcome; loss: number | null } {
  s.lastSeq = Math.max(s.lastSeq, ev.seq);
  s.updatedAt = Math.max(s.updatedAt, ev.timestamp);
  // weighed 0 by the caller (a stray click): stored, but neither evidence nor "seen" (it stays recommendable)
  if (ev.weight === 0) return { outcome: 'ignored', loss: null };
  rememberSeen(ctx, s, ev.itemId, cfg.maxSeen);
  const entry: HistoryEntry = { seq: ev.seq, itemId: ev.itemId, type: ev.type, timestamp: ev.timestamp, weight: 0, order: s.learned };
  if (!ctx.index.has(ev.itemId)) {
    s.unknown++;
    s.parked.push(entry);
    if (s.parked.length > MAX_PARKED) s.parked.shift();
    return { outcome: 'unknown', loss: null };
  }
  // a type the shop weighs 0 is kept (stored, seen) but is no evidence: it must not age the real clicks either
  if (cfg.typeWeights[ev.type] === 0) return { outcome: 'ignored', loss: null };
  const verdict = cleanEvent(s.denoise, ev, cfg);
  if (!verdict.learn) {
    s.denoised++;
    return { outcome: verdict.reason, loss: null };
  }
  entry.weight = verdict.weight;
  s.history.push(entry);
  // older positives beyond the window stay folded into p_u through the anchor's residual
  if (s.history.length > cfg.historySize) s.history.shift();
  s.learned++;
  s.pBefore = refit ? s.p.slice() : undefined; // a replay without refits has no consistent "before"
  return { outcome: 'learned', loss: refit ? refitState(ctx, s, cfg, rng, entry) : null };
}

/**
 * Re-fits the anchor from the history, carries the stochastic residual p_u − anchor over, then runs the
 * sparse steps for `newest` (if any). Returns the steps' loss.
 */
export function refitState(ctx: ModelContext, s: LocalState, cfg: LearnerConfig, rng: Rng, newest?: HistoryEntry): number | null {
  const fit = fitAnchor(ctx, s, cfg);
  for (let j = 0; j < ctx.dim; j++) s.p[j] = fit.anchor[j] + (s.p[j] - s.anchor[j]);
  s.anchor = fit.anchor;
  if (!newest || cfg.steps === 0 || s.learned < cfg.warmupEvents) return null;
  return sgdSteps(ctx, s, cfg, rng, newest);
}

function rememberSeen(ctx: ModelContext, s: LocalState, itemId: string, max: number): void {
  s.seenIds.delete(itemId);
  s.seenIds.add(itemId);
  const row = ctx.index.get(itemId);
  if (row !== undefined) s.seen.add(row);
  if (s.seenIds.size <= max) return;
  const oldest = s.seenIds.values().next().value as string;
  s.seenIds.delete(oldest);
  const r = ctx.index.get(oldest);
  if (r !== undefined) s.seen.delete(r);
}
