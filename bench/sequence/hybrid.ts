/**
 * The sequence model as the engine ranks with it (sequence_user.ts), for the next-item bench:
 *   z = p_0 + c_n·(h − p_0) + γ·(p_u − p_0),   c_n = n / (n + κ)
 * where p_u is the on-device learner's closed-form anchor over the same history (engine/fit.ts's `fitAnchor`:
 * the confidence-weighted ridge fold-in, recency-decayed, denoised, against the sequence model's item table),
 * and γ / κ are the settings `pretrain --model sasrec --auto` ships (`learner.sequence`). What the bench leaves out
 * of the engine's p_u: the stochastic steps on top of the anchor and the per-user delta δ (both learned click by
 * click; the prequential bench, bench:adapt, runs them), and the event cleaning (repeats, bursts: the logs'
 * timestamps are in seconds, so a rating session would read as a burst).
 */
import type { GlobalModel } from '../../src/model/global_model.ts';
import { createModelContext } from '../../src/engine/model_context.ts';
import { createLocalState } from '../../src/engine/user_state.ts';
import { fitAnchor } from '../../src/engine/fit.ts';
import { DEFAULT_LEARNER, type LearnerConfig } from '../../src/engine/learner_config.ts';

/** The learner's anchor p_u for each history (its newest `historySize` clicks), [histories × dim]. */
export function foldInAnchors(model: GlobalModel, histories: readonly Int32Array[], cfg: LearnerConfig = DEFAULT_LEARNER): Float32Array {
  const ctx = createModelContext(model, 'popularity');
  const d = ctx.dim;
  const out = new Float32Array(histories.length * d);
  histories.forEach((hist, u) => {
    const s = createLocalState(ctx);
    const from = Math.max(0, hist.length - cfg.historySize);
    for (let t = from; t < hist.length; t++) {
      const order = t - from;
      s.history.push({ seq: order + 1, itemId: model.itemIds[hist[t]], type: 'select', timestamp: order * 60_000, weight: cfg.typeWeights.select, order });
    }
    s.learned = s.history.length;
    // the truncated loss drops the older positives the current p_u scores lowest: fit once from p_0, then again
    // from that anchor, as the engine's p_u has moved by the time the history is this long
    for (let pass = 0; pass < 2; pass++) {
      const fit = fitAnchor(ctx, s, cfg);
      s.p = fit.anchor;
    }
    out.set(s.p, u * d);
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
