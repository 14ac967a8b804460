import { describe, expect, it } from 'vitest';
import { createParams, cloneParams, scorePair, queryVector } from '../src/model/cf_model.ts';
import { createAdagradState, sparseStep, DEFAULT_STEP, type StepConfig } from '../src/model/sparse_step.ts';
import { createRng } from '../src/model/rng.ts';
import { createPopularitySampler, createUniformSampler } from '../src/model/samplers.ts';
import { scanTopK, scanScores } from '../src/model/top_k.ts';

function numericGrad(f: () => number, arr: Float32Array, at: number, h = 1e-3): number {
  const x = arr[at];
  arr[at] = x + h;
  const a = f();
  arr[at] = x - h;
  const b = f();
  arr[at] = x;
  return (a - b) / (2 * h);
}

describe('sparseStep', () => {
  it('matches finite-difference gradients for bce and bpr under plain SGD', () => {
    for (const loss of ['bce', 'bpr'] as const) {
      const p = createParams({ numUsers: 3, numItems: 5, dim: 4, seed: 3, scale: 0.5 });
      const batch = {
        users: Int32Array.of(0, 1, 0),
        items: Int32Array.of(2, 3, 4),
        labels: Float32Array.of(1, 0, 1),
        negItems: Int32Array.of(1, 0, 3),
      };
      const cfg: StepConfig = { ...DEFAULT_STEP, loss, optimizer: 'sgd', lrUser: 1e-3, lrItem: 1e-3, lrDense: 1e-3, l2User: 0, l2Item: 0 };
      const lossOf = (q: typeof p): number => sparseStep(cloneParams(q), null, batch, { ...cfg, lrUser: 0, lrItem: 0, lrDense: 0 }) * 3;
      const after = cloneParams(p);
      sparseStep(after, null, batch, cfg);
      // SGD: theta' = theta - lr * grad  =>  grad = (theta - theta') / lr
      for (const [name, at] of [['userEmb', 1], ['itemEmb', 4 * 3 + 2], ['w', 2], ['itemBias', 3]] as const) {
        const analytic = (p[name][at] - after[name][at]) / 1e-3;
        const numeric = numericGrad(() => lossOf(p), p[name], at);
        expect(analytic).toBeCloseTo(numeric, 2);
      }
    }
  });

  it('touches only the rows in the batch, optimiser state included', () => {
    const p = createParams({ numUsers: 10, numItems: 20, dim: 8, seed: 1 });
    const st = createAdagradState(p);
    const before = cloneParams(p);
    sparseStep(p, st, { users: Int32Array.of(4), items: Int32Array.of(7), labels: Float32Array.of(1) }, DEFAULT_STEP);
    for (let u = 0; u < 10; u++) {
      const changed = p.userEmb.slice(u * 8, u * 8 + 8).some((x, j) => x !== before.userEmb[u * 8 + j]);
      expect(changed).toBe(u === 4);
    }
    for (let i = 0; i < 20; i++) expect(st.itemBiasAcc[i] !== Math.fround(0.1)).toBe(i === 7);
  });

  it('learns: loss falls and a clicked item rises in the ranking', () => {
    const p = createParams({ numUsers: 1, numItems: 50, dim: 8, seed: 9 });
    const st = createAdagradState(p);
    const rng = createRng(5);
    const sampler = createUniformSampler(50);
    let first = 0;
    let last = 0;
    for (let t = 0; t < 200; t++) {
      const items = Int32Array.of(7, ...Array.from({ length: 4 }, () => sampler.sample(rng, new Set([7]))));
      const l = sparseStep(p, st, { users: new Int32Array(5), items, labels: Float32Array.of(1, 0, 0, 0, 0) }, DEFAULT_STEP);
      if (t === 0) first = l;
      last = l;
    }
    expect(last).toBeLessThan(first * 0.5);
    const top = scanTopK(p.itemEmb, p.itemBias, queryVector(p.w, p.userEmb.subarray(0, 8)), 1);
    expect(top.indices[0]).toBe(7);
    expect(scorePair(p, 0, 7)).toBeGreaterThan(0);
  });
});

describe('samplers', () => {
  it('popularity^0.75 follows the counts and skips excluded items', () => {
    const s = createPopularitySampler([1000, 10, 0, 0]);
    const rng = createRng(1);
    const hist = [0, 0, 0, 0];
    for (let k = 0; k < 20000; k++) hist[s.sample(rng)]++;
    const w = [1001, 11, 1, 1].map((c) => Math.pow(c, 0.75));
    const tot = w.reduce((a, b) => a + b);
    hist.forEach((h, i) => expect(h / 20000).toBeCloseTo(w[i] / tot, 1));
    for (let k = 0; k < 100; k++) expect(s.sample(rng, new Set([0]))).not.toBe(0);
  });
});

describe('scanTopK', () => {
  it('returns the k best non-excluded items, best first, equal to a full sort', () => {
    const rng = createRng(2);
    const n = 500;
    const d = 6;
    const V = Float32Array.from({ length: n * d }, () => rng.normal());
    const b = Float32Array.from({ length: n }, () => rng.normal() * 0.1);
    const z = Float32Array.from({ length: d }, () => rng.normal());
    const ex = new Uint8Array(n);
    for (let i = 0; i < n; i += 3) ex[i] = 1;
    const got = scanTopK(V, b, z, 10, ex);
    const s = scanScores(V, b, z);
    const want = Array.from({ length: n }, (_, i) => i)
      .filter((i) => !ex[i])
      .sort((x, y) => s[y] - s[x])
      .slice(0, 10);
    expect(Array.from(got.indices)).toEqual(want);
  });
});
