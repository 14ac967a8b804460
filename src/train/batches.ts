/**
 * Mini-batches for pretraining: each positive (user, item) with `negatives` sampled items the user never
 * interacted with. BCE gets 1 + n rows per positive (labels 1, 0…0); BPR gets n (positive, negative) pairs.
 * Buffers are reused across batches so the training loop allocates nothing per step.
 */
import type { LossKind, TrainBatch } from '../model/sparse_step.ts';
import type { NegativeSampler } from '../model/samplers.ts';
import type { Rng } from '../model/rng.ts';
import type { UserItemIndex } from './user_index.ts';

export interface BatchSource {
  users: Int32Array;
  items: Int32Array;
  weights?: Float32Array;
}

export interface BatchBuilder {
  /** Fills and returns the batch for positives `order[from..to)`; the returned arrays are reused. */
  build(order: Int32Array, from: number, to: number, rng: Rng): TrainBatch;
  /** Rows a batch of `positives` positives produces. */
  rowsPer(positives: number): number;
}

/**
 * @example
 * const b = createBatchBuilder(data, index, sampler, { loss: 'bce', negatives: 4, batchSize: 256 });
 * sparseStep(params, state, b.build(order, 0, 256, rng), cfg);
 */
export function createBatchBuilder(
  src: BatchSource,
  index: UserItemIndex,
  sampler: NegativeSampler,
  opts: { loss: LossKind; negatives: number; batchSize: number },
): BatchBuilder {
  const bpr = opts.loss === 'bpr';
  const n = opts.negatives;
  const per = bpr ? Math.max(1, n) : 1 + n;
  const cap = opts.batchSize * per;
  const users = new Int32Array(cap);
  const items = new Int32Array(cap);
  const labels = new Float32Array(cap);
  const negItems = new Int32Array(cap);
  const weights = new Float32Array(cap);
  return {
    rowsPer: (positives) => positives * per,
    build(order, from, to, rng) {
      let r = 0;
      for (let k = from; k < to; k++) {
        const e = order[k];
        const u = src.users[e];
        const i = src.items[e];
        const c = src.weights ? src.weights[e] : 1;
        const exclude = { has: (j: number) => index.has(u, j) };
        if (!bpr) {
          users[r] = u;
          items[r] = i;
          labels[r] = 1;
          weights[r++] = c;
        }
        for (let m = 0; m < per - (bpr ? 0 : 1); m++) {
          const j = sampler.sample(rng, exclude);
          if (j < 0) continue; // the user has (almost) every item: nothing left to contrast with
          users[r] = u;
          if (bpr) {
            items[r] = i;
            negItems[r] = j;
            weights[r] = c;
          } else {
            items[r] = j;
            weights[r] = 1;
          }
          labels[r++] = 0;
        }
      }
      return {
        users: users.subarray(0, r),
        items: items.subarray(0, r),
        labels: labels.subarray(0, r),
        negItems: bpr ? negItems.subarray(0, r) : undefined,
        weights: weights.subarray(0, r),
      };
    },
  };
}
