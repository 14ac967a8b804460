/**
 * Mixed negative sampling for the sampled softmax: a share `mix` of each batch's negatives are the targets of
 * random positions of the batch itself (drawn as often as items are clicked), the rest uniform over the catalogue
 * (MNS, Yang et al. 2020). Popular items are the hard negatives a uniform draw rarely offers; the log-Q correction
 * (each candidate's logit minus the log of its expected count among the negatives, as in Jean et al. 2015 and
 * TensorFlow's `sampled_softmax_loss`) keeps the loss an estimate of the full softmax's, so scores stay comparable
 * across items.
 */
import type { Rng } from '../../model/rng.ts';
import type { SequenceBatch } from './batches.ts';

/** How many of `negatives` come from the batch's targets. */
export function batchNegativeCount(negatives: number, mix: number): number {
  return Math.round(negatives * mix);
}

/**
 * Log of each item's expected count among one batch's negatives: `log(uniform / numItems + fromBatch · share_j)`,
 * with `share_j` item j's share of all training targets (the windows' items after their first).
 *
 * @example
 * const logQ = negativeLogQ(trainingWindows(sequences, 50), numItems, 256, 0.5);
 */
export function negativeLogQ(windows: readonly Int32Array[], numItems: number, negatives: number, mix: number): Float32Array {
  const counts = new Float64Array(numItems);
  let total = 0;
  for (const w of windows) {
    for (let t = 1; t < w.length; t++) counts[w[t]]++;
    total += w.length - 1;
  }
  const fromBatch = batchNegativeCount(negatives, mix);
  const uniform = (negatives - fromBatch) / numItems;
  return Float32Array.from(counts, (c) => Math.log(uniform + (fromBatch * c) / Math.max(1, total)));
}

/** One batch's negatives: the uniform share, then the targets of random positions of the batch. */
export function drawNegatives(batch: SequenceBatch, numItems: number, negatives: number, mix: number, rng: Rng): Int32Array {
  const fromBatch = batchNegativeCount(negatives, mix);
  const out = new Int32Array(negatives);
  for (let i = 0; i < negatives - fromBatch; i++) out[i] = rng.int(numItems);
  for (let i = negatives - fromBatch; i < negatives; i++) out[i] = batch.targets[rng.int(batch.targets.length)];
  return out;
}
