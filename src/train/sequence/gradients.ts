/**
 * One batch's loss and gradients on the active TF.js backend, written into a flat array (flat_params.ts layout).
 * The trainer's threads each run this on a share of the batch; the main thread averages and steps Adam.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SequenceConfig } from '../../model/sequence/types.ts';
import { createRng } from '../../model/rng.ts';
import type { SequenceBatch } from './batches.ts';
import type { FlatLayout } from './flat_params.ts';
import { futureTargets, nextItemLoss } from './loss.ts';
import type { SequenceLossKind } from './loss.ts';
import { forwardSequences } from './tf_forward.ts';
import type { SequenceVariables } from './tf_forward.ts';

export interface GradientSettings {
  loss: SequenceLossKind;
  negatives: number;
  dropout: number;
  /** `[numItems]` log-Q correction of the sampled loss when its negatives are not uniform (negatives.ts). */
  logQ?: Float32Array;
  /** Weight of the binary cross-entropy added to the softmax (loss.ts `withBce`); absent: 0. */
  bceWeight?: number;
  /** Label smoothing ε of the full softmax (loss.ts); absent: 0. */
  labelSmoothing?: number;
  /** Share α of each target moved onto the following clicks (loss.ts `futureTargets`); absent: 0. */
  futureWeight?: number;
  /** How many following clicks share it; absent: 1 (the trainer always passes its option). */
  futureWindow?: number;
}

export interface GradientJob {
  batch: SequenceBatch;
  dropoutSeed: number;
  /** Same for every share of a batch, so the shares draw the same negatives. */
  negativeSeed: number;
  /** The sampled loss's items, given instead of drawn from `negativeSeed` (replaying another trainer's steps). */
  negatives?: Int32Array;
}

/** Loads the flat parameters into the variables (copies: the backend never aliases the shared array). */
export function loadVariables(vars: SequenceVariables, layout: FlatLayout, flat: Float32Array): void {
  for (const t of layout.tensors) {
    tf.tidy(() => vars[t.name].assign(tf.tensor(flat.slice(t.offset, t.offset + t.size), t.shape)));
  }
}

/** Mean loss of the job's target positions; its gradient lands in `gradOut`. */
export function batchGradients(
  vars: SequenceVariables,
  config: SequenceConfig,
  layout: FlatLayout,
  settings: GradientSettings,
  job: GradientJob,
  gradOut: Float32Array,
): number {
  const { batch } = job;
  const varList = layout.tensors.map((t) => vars[t.name]);
  const { value, grads } = tf.variableGrads(() => {
    const items = tf.tensor2d(batch.items, [batch.rows, batch.width], 'int32');
    const valid = tf.tensor2d(batch.valid, [batch.rows, batch.width]);
    const hidden = forwardSequences(vars, config, items, valid, { dropout: settings.dropout, seed: job.dropoutSeed });
    const flat = tf.reshape(hidden, [batch.rows * batch.width, config.dim]) as tf.Tensor2D;
    // a batch whose every position has a target (positions ascend, so they are 0..rows·width-1) needs no gather
    const everyPosition = batch.positions.length === batch.rows * batch.width;
    const h = everyPosition ? flat : (tf.gather(flat, tf.tensor1d(batch.positions, 'int32')) as tf.Tensor2D);
    const targets = tf.tensor1d(batch.targets, 'int32');
    const negatives = settings.loss !== 'sampled' ? undefined
      : job.negatives ? tf.tensor1d(job.negatives, 'int32') : sampleNegatives(settings.negatives, config.numItems, job.negativeSeed);
    const logQ = negatives && settings.logQ ? tf.tensor1d(settings.logQ) : undefined;
    const moved = settings.futureWeight ? futureTargets(batch.positions, batch.targets, batch.width, settings.futureWeight, settings.futureWindow ?? 1) : undefined;
    return nextItemLoss(vars, h, targets, settings.loss, negatives, logQ, settings.bceWeight ?? 0, settings.labelSmoothing ?? 0, moved);
  }, varList);
  layout.tensors.forEach((t, i) => {
    const g = grads[varList[i].name];
    if (g) gradOut.set(g.dataSync() as Float32Array, t.offset);
    else gradOut.fill(0, t.offset, t.offset + t.size);
  });
  const loss = value.dataSync()[0];
  value.dispose();
  Object.values(grads).forEach((g) => g.dispose());
  return loss;
}

function sampleNegatives(n: number, numItems: number, seed: number): tf.Tensor1D {
  const rng = createRng(seed);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = rng.int(numItems);
  return tf.tensor1d(ids, 'int32');
}

/** Cuts a batch into at most `parts` shares of whole rows with about equal target positions. */
export function splitBatch(batch: SequenceBatch, parts: number): SequenceBatch[] {
  if (parts <= 1 || batch.rows < 2) return [batch];
  const perRow = new Int32Array(batch.rows);
  for (const p of batch.positions) perRow[Math.floor(p / batch.width)]++;
  const out: SequenceBatch[] = [];
  let row = 0;
  let pos = 0;
  const total = batch.positions.length;
  for (let k = 0; k < parts && row < batch.rows; k++) {
    const goal = ((k + 1) * total) / parts;
    const r0 = row;
    const p0 = pos;
    while (row < batch.rows && (row === r0 || k === parts - 1 || pos + perRow[row] / 2 <= goal)) pos += perRow[row++];
    const w = batch.width;
    out.push({
      rows: row - r0,
      width: w,
      items: batch.items.slice(r0 * w, row * w),
      valid: batch.valid.slice(r0 * w, row * w),
      positions: batch.positions.slice(p0, pos).map((p) => p - r0 * w),
      targets: batch.targets.slice(p0, pos),
    });
  }
  return out;
}
