/**
 * Negative samplers: uniform, or proportional to popularity^α (α = 0.75 as in word2vec), drawn in O(1) with
 * Walker's alias method. Both skip the items a caller marks as positives.
 */
import type { Rng } from './rng.ts';

export interface NegativeSampler {
  readonly numItems: number;
  /** One item index, not in `exclude` (gives up after a bounded number of tries and returns -1). */
  sample(rng: Rng, exclude?: { has(i: number): boolean }): number;
}

const MAX_TRIES = 64;

export function createUniformSampler(numItems: number): NegativeSampler {
  if (numItems <= 0) throw new RangeError('createUniformSampler: the catalogue is empty');
  return {
    numItems,
    sample(rng, exclude) {
      for (let t = 0; t < MAX_TRIES; t++) {
        const i = rng.int(numItems);
        if (!exclude || !exclude.has(i)) return i;
      }
      return -1;
    },
  };
}

/** Sampler with P(i) ∝ (count_i + 1)^alpha. */
export function createPopularitySampler(counts: ArrayLike<number>, alpha = 0.75): NegativeSampler {
  const n = counts.length;
  if (n === 0) throw new RangeError('createPopularitySampler: the catalogue is empty');
  const weights = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = counts[i];
    if (!(c >= 0)) throw new RangeError(`createPopularitySampler: count of item ${i} is ${c}`);
    weights[i] = Math.pow(c + 1, alpha);
    total += weights[i];
  }
  const { prob, alias } = buildAlias(weights, total);
  return {
    numItems: n,
    sample(rng, exclude) {
      for (let t = 0; t < MAX_TRIES; t++) {
        const k = rng.int(n);
        const i = rng.next() < prob[k] ? k : alias[k];
        if (!exclude || !exclude.has(i)) return i;
      }
      return -1;
    },
  };
}

function buildAlias(weights: Float64Array, total: number): { prob: Float64Array; alias: Int32Array } {
  const n = weights.length;
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = new Float64Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) {
    scaled[i] = (weights[i] * n) / total;
    (scaled[i] < 1 ? small : large).push(i);
  }
  while (small.length && large.length) {
    const s = small.pop()!;
    const l = large.pop()!;
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  for (const i of large) prob[i] = 1;
  for (const i of small) prob[i] = 1;
  return { prob, alias };
}
