/**
 * The sequence model's prior p_0, fitted to the first clicks of the training histories (start_prior.ts): it ranks
 * what shoppers click first at the top, converges to the optimum of its convex loss, and refuses bad input by name.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/model/rng.ts';
import { createSequenceParams } from '../../src/model/sequence/encode.ts';
import { fitStartPrior } from '../../src/train/start_prior.ts';
import { sequenceGlobalModel, meanHistoryVector } from '../../src/train/sequence_global.ts';
import { InvalidInputError } from '../../src/errors.ts';

// no more items than dim + 1: any set of them can be ranked above the rest by a vector (a trained table makes that
// possible through its structure; random rows in a larger catalogue would not)
const config = { numItems: 16, dim: 16, maxLen: 8, blocks: 1, heads: 2, ffnDim: 16 };

/** Histories whose first two clicks come from items 0-4 (most often 4), then from the others. */
function histories(count: number): Int32Array[] {
  const rng = createRng(11);
  return Array.from({ length: count }, () => {
    const len = 4 + rng.int(10);
    return Int32Array.from({ length: len }, (_, t) => (t < 2 ? Math.min(rng.int(6), 4) : 5 + rng.int(11)));
  });
}

const scores = (emb: Float32Array, bias: Float32Array | undefined, p: Float32Array, d: number): number[] =>
  Array.from({ length: emb.length / d }, (_, i) => (bias ? bias[i] : 0) + p.reduce((a, x, j) => a + x * emb[i * d + j], 0));

const topK = (s: number[], k: number): number[] => s.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]).slice(0, k).map((x) => x[1]);

describe('fitStartPrior', () => {
  const params = createSequenceParams(config, 4);
  const seqs = histories(300);

  it('ranks the items shoppers click first at the top, where the mean encoded history does not', () => {
    const fit = fitStartPrior(params.itemEmb, params.itemBias, config.dim, seqs, { clicks: 2 })!;
    expect(fit.targets).toBe(600);
    expect(fit.loss).toBeLessThan(fit.uniformLoss * 0.85);
    const top = topK(scores(params.itemEmb, params.itemBias, fit.prior, config.dim), 5);
    expect(top.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
    const mean = topK(scores(params.itemEmb, params.itemBias, meanHistoryVector(params, seqs, 100), config.dim), 5);
    expect(mean.filter((i) => i < 5).length).toBeLessThan(5);
  });

  it('stops at the optimum: the gradient of its loss is near zero there', () => {
    const fit = fitStartPrior(params.itemEmb, params.itemBias, config.dim, seqs, { clicks: 2 })!;
    // loss(p ± εe_j) ≥ loss(p) − tiny for every direction: no coordinate step improves it
    const loss = (p: Float32Array): number => {
      const s = scores(params.itemEmb, params.itemBias, p, config.dim);
      const max = Math.max(...s);
      const lse = max + Math.log(s.reduce((a, v) => a + Math.exp(v - max), 0));
      let nll = 0;
      for (const h of seqs) for (let t = 0; t < 2; t++) nll -= s[h[t]] - lse;
      return nll / 600 + 0.5e-3 * p.reduce((a, x) => a + x * x, 0);
    };
    const at = loss(fit.prior);
    for (let j = 0; j < config.dim; j++) {
      for (const e of [0.05, -0.05]) {
        const q = fit.prior.slice();
        q[j] += e;
        expect(loss(q)).toBeGreaterThan(at - 1e-5);
      }
    }
  });

  it('is the prior of a trained sequence model unless asked for the mean history; undefined without first clicks', () => {
    const itemIds = Array.from({ length: config.numItems }, (_, i) => `i${i}`);
    const start = sequenceGlobalModel({ params, itemIds, sequences: seqs, modelVersion: 's', hyperParameters: {} });
    const mean = sequenceGlobalModel({ params, itemIds, sequences: seqs, prior: 'mean', modelVersion: 'm', hyperParameters: {} });
    expect(Array.from(start.priorUser)).toEqual(Array.from(fitStartPrior(params.itemEmb, params.itemBias, config.dim, seqs)!.prior));
    expect(Array.from(mean.priorUser)).toEqual(Array.from(meanHistoryVector(params, seqs, 500)));
    expect(fitStartPrior(params.itemEmb, params.itemBias, config.dim, [new Int32Array(0)])).toBeUndefined();
    const empty = sequenceGlobalModel({ params, itemIds, sequences: [], modelVersion: 'e', hyperParameters: {} });
    expect(Array.from(empty.priorUser).every((x) => x === 0)).toBe(true);
  });

  it('names bad input', () => {
    expect(() => fitStartPrior(params.itemEmb, params.itemBias, config.dim, [Int32Array.of(99)])).toThrow(InvalidInputError);
    expect(() => fitStartPrior(params.itemEmb, params.itemBias, 7, seqs)).toThrow(/rows of 7/);
    expect(() => fitStartPrior(params.itemEmb, params.itemBias, config.dim, seqs, { clicks: 0 })).toThrow(/clicks/);
  });
});
