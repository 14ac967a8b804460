import { describe, expect, it } from 'vitest';
import { alsHalfStep, alsLoss, weightedRows } from '../../src/train/als.ts';
import type { AlsConfig } from '../../src/train/als.ts';
import { pretrain } from '../../src/train/pretrain.ts';
import { createParams, scorePair } from '../../src/model/cf_model.ts';
import { cholesky, cholSolve } from '../../src/engine/fold_in.ts';
import { InvalidInputError } from '../../src/errors.ts';
import { syntheticLog } from './synthetic.ts';
import { recencyMultipliers, recencyOf, recencyWeights } from '../../src/train/recency.ts';
import { foldInUsers } from '../../src/train/fold_in_users.ts';

const cfg: AlsConfig = { alpha: 2, unobservedWeight: 0.3, reg: 0.05, regExponent: 1, cgSteps: 3 };

/** The row's normal equations built densely and solved by Cholesky: what CG must converge to. */
function exactRow(other: Float32Array, cols: number[], weights: number[], numOther: number, c: AlsConfig, d: number): Float64Array {
  const m = new Float64Array(d * d);
  const rhs = new Float64Array(d);
  const lambda = c.reg * Math.pow(cols.length + c.unobservedWeight * numOther, c.regExponent);
  for (let i = 0; i < numOther; i++) {
    const k = cols.indexOf(i);
    const conf = k >= 0 ? 1 + c.alpha * weights[k] : c.unobservedWeight;
    for (let a = 0; a < d; a++) {
      if (k >= 0) rhs[a] += conf * other[i * d + a];
      for (let b = 0; b < d; b++) m[a * d + b] += conf * other[i * d + a] * other[i * d + b];
    }
  }
  for (let a = 0; a < d; a++) m[a * d + a] += lambda;
  return cholSolve(cholesky(m, d), d, rhs);
}

describe('implicit ALS', () => {
  it('groups pairs into rows and sums repeated weights', () => {
    const r = weightedRows(Int32Array.of(1, 0, 1, 1), Int32Array.of(3, 2, 0, 3), Float32Array.of(1, 0.5, 2, 4), 3);
    expect([...r.offsets]).toEqual([0, 1, 3, 3]);
    expect([...r.cols]).toEqual([2, 0, 3]);
    expect([...r.weights]).toEqual([0.5, 2, 5]);
  });

  it('converges to the exact least-squares row solution with enough CG steps', () => {
    const d = 5;
    const p = createParams({ numUsers: 2, numItems: 7, dim: d, seed: 3, scale: 0.5 });
    const rows = weightedRows(Int32Array.of(0, 0, 1), Int32Array.of(1, 4, 6), Float32Array.of(1, 3, 1), 2);
    alsHalfStep(p.userEmb, p.itemEmb, rows, 7, { ...cfg, cgSteps: 3 * d }, d);
    const want = exactRow(p.itemEmb, [1, 4], [1, 3], 7, cfg, d);
    for (let a = 0; a < d; a++) expect(p.userEmb[a]).toBeCloseTo(want[a], 5);
  });

  it('lowers its loss every iteration and learns the latent tastes through pretrain', async () => {
    const log = syntheticLog();
    const losses: number[] = [];
    const { params, report } = await pretrain(log, { solver: 'als', alsAlpha: 0, alsUnobserved: 0.1, dim: 8, epochs: 6, l2: 0.01, seed: 2, onEpoch: (e) => losses.push(e.loss) });
    for (let k = 1; k < losses.length; k++) expect(losses[k]).toBeLessThanOrEqual(losses[k - 1] + 1e-6);
    expect(report.trainer).toBe('als-cg');
    expect([...params.w]).toEqual(new Array(8).fill(1));
    const block = log.itemIds.length / 4;
    let good = 0;
    let total = 0;
    for (let u = 0; u < log.numUsers; u += 3) {
      const g = log.groupOf[u];
      for (let i = g * block; i < (g + 1) * block; i++, total++) good += scorePair(params, u, i) > scorePair(params, u, ((g + 1) % 4) * block + (i % block)) ? 1 : 0;
    }
    expect(good / total).toBeGreaterThan(0.9);
    const byUser = weightedRows(log.users, log.items, undefined, params.numUsers);
    expect(alsLoss(params, byUser, { alpha: 0, unobservedWeight: 0.1, reg: 0.01, regExponent: 1, cgSteps: 3 })).toBeCloseTo(losses[losses.length - 1], 6);
  });

  it('folds users into a shipped ALS model in closed form, close to the users it trained', async () => {
    const log = syntheticLog();
    const { model, params } = await pretrain(log, { solver: 'als', dim: 8, epochs: 8, seed: 4 });
    const folded = await foldInUsers(model, log, log.numUsers);
    let cos = 0;
    for (let u = 0; u < log.numUsers; u++) {
      const a = params.userEmb.subarray(u * 8, u * 8 + 8);
      const b = folded.userEmb.subarray(u * 8, u * 8 + 8);
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let j = 0; j < 8; j++) {
        ab += a[j] * b[j];
        aa += a[j] * a[j];
        bb += b[j] * b[j];
      }
      cos += ab / Math.sqrt(aa * bb) / log.numUsers;
    }
    expect(cos).toBeGreaterThan(0.95);
  });

  it('refuses APR with ALS by name', async () => {
    await expect(pretrain(syntheticLog(), { solver: 'als', advEps: 0.1 })).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('recency weighting', () => {
  it('boosts each user\u2019s latest interactions, by time then log order', () => {
    const users = Int32Array.of(0, 1, 0, 0, 1);
    const times = Float64Array.of(30, NaN, 10, 20, NaN);
    const m = recencyMultipliers(users, times, 2, { boost: 2, halfLife: 1 });
    // user 0 by time: n2 (age 2), n3 (age 1), n0 (age 0); user 1 by log order: n1 (age 1), n4 (age 0)
    expect([...m]).toEqual([3, 2, 1.5, 2, 3]);
    expect([...recencyMultipliers(users, times, 2, { boost: 0, halfLife: 1 })]).toEqual([1, 1, 1, 1, 1]);
  });

  it('builds its options from a recipe or a model’s hyper-parameters, off without a boost', () => {
    expect(recencyOf({ recencyBoost: 4 })).toEqual({ boost: 4, halfLife: 5 });
    expect(recencyOf({ recencyBoost: 19, recencyHalfLife: 2 })).toEqual({ boost: 19, halfLife: 2 });
    expect(recencyOf({ recencyBoost: 0, recencyHalfLife: 2 })).toBeUndefined();
    expect(recencyOf({})).toBeUndefined();
    const w = Float32Array.of(2, 2);
    expect(recencyWeights(Int32Array.of(0, 0), undefined, 1, undefined, w)).toBe(w);
  });

  it('changes what ALS learns only through the weights, and refuses a zero half-life by name', async () => {
    const log = syntheticLog();
    const plain = await pretrain(log, { solver: 'als', alsAlpha: 1, dim: 4, epochs: 2 });
    const recent = await pretrain(log, { solver: 'als', alsAlpha: 1, dim: 4, epochs: 2, recencyBoost: 4 });
    expect(Array.from(recent.model.itemEmb)).not.toEqual(Array.from(plain.model.itemEmb));
    expect(recent.model.hyperParameters?.recencyBoost).toBe(4);
    await expect(pretrain(log, { solver: 'als', recencyBoost: 1, recencyHalfLife: 0 })).rejects.toBeInstanceOf(InvalidInputError);
  });
});
