/**
 * Next-item losses over the hidden states of the target positions. Both are softmax cross-entropies, which is what
 * wins on full ranking in the literature (SASRec+ / "Turning Dross Into Gold Loss", gSASRec, eSASRec): the original
 * SASRec's binary cross-entropy with one negative ranks far worse on full ranking.
 * - `full`: softmax over the whole catalogue (SASRec+).
 * - `sampled`: softmax over the target and `negatives` uniformly sampled items shared by the batch (eSASRec's
 *   sampled softmax); a negative that happens to be the target is masked out. Cheaper on big catalogues.
 * Either can add a weighted binary cross-entropy against the same negatives (`bceWeight`, `withBce`); the full one
 * can smooth its labels (`smoothing` ε: the target distribution `(1 − ε)·onehot + ε/numItems`) and move part of
 * each position's target onto the clicks after the next one (`moved`, `futureTargets`: the target distribution
 * `(1 − α)·onehot(next) + α·mean onehot(the following ones)`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SequenceVariables } from './tf_forward.ts';
import { matMulTransposed } from './fast_matmul.ts';
import { fullSoftmaxLoss, useFusedSoftmax } from './simd/softmax_ce.ts';
import type { TargetMass } from './simd/softmax_ce.ts';

export type SequenceLossKind = 'full' | 'sampled';

/**
 * Row-wise log-sum-exp whose gradient is the softmax. TF.js's own `logSumExp` differentiates through `max`, which
 * costs a full-size `Equal` per row (a third of a full-softmax step's time on wasm, measured with tf.profile).
 */
const rowLogSumExp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const logits = args[0] as tf.Tensor2D;
  const save = args[1] as tf.GradSaveFunc;
  const value = tf.logSumExp(logits, 1);
  save([logits, value]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.mul(tf.exp(tf.sub(saved[0], tf.expandDims(saved[1], 1))), tf.expandDims(dy, 1)),
  };
}) as (x: tf.Tensor2D) => tf.Tensor1D;

/**
 * Mean cross-entropy of `h` `[P, dim]` predicting `targets` `[P]`. `negatives` are item ids (sampled loss only);
 * `logQ` `[numItems]`, when given, is subtracted from every candidate's logit (the sampled loss's log-Q correction
 * for negatives that are not uniform, negatives.ts).
 */
export function nextItemLoss(
  v: SequenceVariables,
  h: tf.Tensor2D,
  targets: tf.Tensor1D,
  kind: SequenceLossKind,
  negatives?: tf.Tensor1D,
  logQ?: tf.Tensor1D,
  bceWeight = 0,
  smoothing = 0,
  moved?: TargetMass,
): tf.Scalar {
  if (smoothing > 0 && kind !== 'full') throw new Error('label smoothing needs the full softmax');
  if (moved && kind !== 'full') throw new Error('future targets need the full softmax');
  // the softmax alone over the whole catalogue: one pass that leaves its gradient in place (simd/softmax_ce.ts)
  if (kind === 'full' && bceWeight === 0 && useFusedSoftmax()) {
    return fullSoftmaxLoss(h, v.item_emb as tf.Tensor2D, v.item_bias as tf.Tensor1D, targets.dataSync() as Int32Array, smoothing, moved);
  }
  let posLogit = tf.add(tf.sum(tf.mul(h, tf.gather(v.item_emb, targets)), 1), tf.gather(v.item_bias, targets));
  let others: tf.Tensor2D;
  if (kind === 'full') {
    others = tf.add(matMulTransposed(h, v.item_emb), v.item_bias);
    // the target's own logit is already in the full row: logsumexp over the row is the softmax normaliser.
    let ce: tf.Tensor = tf.sub(rowLogSumExp(others), posLogit);
    if (smoothing > 0) ce = tf.add(ce, tf.mul(tf.sub(posLogit, tf.mean(others, 1)), smoothing));
    let mean = tf.mean(ce) as tf.Scalar;
    if (moved && moved.rows.length > 0) {
      // −Σ mass·z[row, item] over the moved entries, per position
      const rows = tf.tensor1d(moved.rows, 'int32');
      const items = tf.tensor1d(moved.items, 'int32');
      const z = tf.add(tf.sum(tf.mul(tf.gather(h, rows), tf.gather(v.item_emb, items)), 1), tf.gather(v.item_bias, items));
      mean = tf.sub(mean, tf.div(tf.sum(tf.mul(z, tf.tensor1d(moved.mass))), h.shape[0])) as tf.Scalar;
    }
    return withBce(mean, posLogit, others, bceWeight);
  }
  if (!negatives) throw new Error('sampled loss needs negatives');
  const negEmb = tf.gather(v.item_emb, negatives);
  let negBias: tf.Tensor = tf.gather(v.item_bias, negatives);
  if (logQ) {
    posLogit = tf.sub(posLogit, tf.gather(logQ, targets));
    negBias = tf.sub(negBias, tf.gather(logQ, negatives));
  }
  others = tf.add(tf.add(matMulTransposed(h, negEmb), negBias), targetHits(targets, negatives));
  const all = tf.concat([tf.expandDims(posLogit, 1), others], 1) as tf.Tensor2D;
  return withBce(tf.mean(tf.sub(rowLogSumExp(all), posLogit)), posLogit, others, bceWeight);
}

/**
 * `ce + w · (softplus(-pos) + mean softplus(neg))`: a binary cross-entropy of each target against the same negatives
 * (SASRec's original loss, over many negatives). The softmax's gradient falls on the few items that outscore the
 * target; this one on every negative scored above 0, so it also orders the bulk of the catalogue below the target
 * (what a 99-random-negatives protocol measures). w 0: the softmax alone.
 */
function withBce(ce: tf.Scalar, posLogit: tf.Tensor, negLogits: tf.Tensor2D, w: number): tf.Scalar {
  if (w === 0) return ce;
  const bce = tf.add(tf.mean(tf.softplus(tf.neg(posLogit))), tf.mean(tf.softplus(negLogits)));
  return tf.add(ce, tf.mul(bce, w)) as tf.Scalar;
}

/**
 * `[P, n]`: -1e9 where a sampled negative is the row's own target, else 0 — built on the CPU from the two id lists
 * (wasm's broadcast `Equal` took 27 ms of a 170 ms training step for 1,600 targets against 256 negatives).
 */
function targetHits(targets: tf.Tensor1D, negatives: tf.Tensor1D): tf.Tensor2D {
  const t = targets.dataSync();
  const n = negatives.dataSync();
  const columns = new Map<number, number[]>(); // negative id -> its columns (an id can be drawn twice)
  n.forEach((item, c) => (columns.get(item) ?? columns.set(item, []).get(item)!).push(c));
  const mask = new Float32Array(t.length * n.length);
  t.forEach((item, p) => {
    for (const c of columns.get(item) ?? []) mask[p * n.length + c] = -1e9;
  });
  return tf.tensor2d(mask, [t.length, n.length]);
}

/**
 * The target mass that `weight` α moves from each position's next click onto the up to `window` clicks after it in
 * the same row of the batch (uniformly): `(1 − α)·onehot(next) + α·mean onehot(following)`. A position with no
 * following target in its row keeps its one target. Rows of the result index `positions` (the loss's rows).
 *
 * A shopper's next click is one draw from what they are about to look at; within a session (ML-1M's ratings come in
 * bursts of the same minute) its exact order says little, and the clicks just after it are targets of the same
 * intent. PinnerFormer's dense all-action loss trains on a future window for the same reason.
 *
 * @example
 * const moved = futureTargets(batch.positions, batch.targets, batch.width, 0.3, 4);
 */
export function futureTargets(positions: Int32Array, targets: Int32Array, width: number, weight: number, window: number): TargetMass {
  const rows: number[] = [];
  const items: number[] = [];
  const mass: number[] = [];
  for (let i = 0; i < positions.length; i++) {
    const row = Math.floor(positions[i] / width);
    let m = 0;
    while (m < window && i + m + 1 < positions.length && Math.floor(positions[i + m + 1] / width) === row) m++;
    if (m === 0) continue;
    rows.push(i);
    items.push(targets[i]);
    mass.push(-weight);
    for (let j = 1; j <= m; j++) {
      rows.push(i);
      items.push(targets[i + j]);
      mass.push(weight / m);
    }
  }
  return { rows: Int32Array.from(rows), items: Int32Array.from(items), mass: Float32Array.from(mass) };
}
