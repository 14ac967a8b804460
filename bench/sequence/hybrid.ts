/**
 * The sequence model as the engine ranks with it (sequence_user.ts), for the next-item bench:
 *   z = p_0 + c_n·(h − p_0) + γ·(p_u − p_0),   c_n = n / (n + κ)
 * where p_u is the on-device learner's closed-form anchor over the same history (engine/fit.ts's `fitAnchor`:
 * the confidence-weighted ridge fold-in, recency-decayed, denoised, against the sequence model's item table),
 * and γ / κ are the settings `pretrain --model sasrec --auto` ships (`learner.sequence`). What the bench leaves out
 * of the engine's p_u: the stochastic steps on top of the anchor and the per-user delta δ (both learned click by
 * click; the prequential bench, bench:adapt, runs them). The clicks are replayed a minute apart: the logs' timestamps
 * are in seconds, and the event cleaning would read a rating session as a burst.
 */
import type { GlobalModel } from '../../src/model/global_model.ts';
import { createModelContext } from '../../src/engine/model_context.ts';
import { createLocalState } from '../../src/engine/user_state.ts';
import { learnEvent, refitState } from '../../src/engine/learner.ts';
import { createRng } from '../../src/model/rng.ts';
import { DEFAULT_LEARNER, type LearnerConfig } from '../../src/engine/learner_config.ts';

/** The learner's anchor p_u for each history (its newest `historySize` clicks), [histories × dim]. */
export function foldInAnchors(model: GlobalModel, histories: readonly Int32Array[], cfg: LearnerConfig = DEFAULT_LEARNER): Float32Array {
  const ctx = createModelContext(model, 'popularity');
  const rng = createRng(1); // refitState draws nothing without a newest click to step on
  const out = new Float32Array(histories.length * ctx.dim);
  histories.forEach((hist, u) => {
    const s = createLocalState(ctx);
    // the engine's own replay (transfer's: bookkeeping per click, one refit at the end); a minute apart, so no
    // click is a repeat or part of a burst
    hist.forEach((row, t) => learnEvent(ctx, s, { seq: t + 1, itemId: model.itemIds[row], type: 'select', timestamp: t * 60_000 }, cfg, rng, false));
    // the truncated loss drops the older positives the current p_u scores lowest: fit once from p_0, then again
    // from that anchor, as the engine's p_u has moved by the time the history is this long
    refitState(ctx, s, cfg, rng);
    refitState(ctx, s, cfg, rng);
    out.set(s.p, u * ctx.dim);
  });
  return out;
}

/** z for every history from the encoder outputs `h` and the anchors, as `sequenceQuery` mixes them (δ = 0). */
export function hybridQueries(
  model: GlobalModel,
  h: Float32Array,
  anchors: Float32Array,
  windows: ArrayLike<number>,
  hybrid: number,
  priorClicks: number,
): Float32Array {
  const d = model.dim;
  const p0 = model.priorUser;
  const z = new Float32Array(h.length);
  for (let u = 0; u < windows.length; u++) {
    const n = windows[u];
    const c = priorClicks > 0 ? n / (n + priorClicks) : 1;
    for (let j = 0, o = u * d; j < d; j++, o++) z[o] = p0[j] + c * (h[o] - p0[j]) + hybrid * (anchors[o] - p0[j]);
  }
  return z;
}
