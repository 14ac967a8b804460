import { describe, expect, it } from 'vitest';
import { pretrain, pretrainLoopOnly } from '../../src/train/pretrain.ts';
import type { SgdPool } from '../../src/train/sgd_loop.ts';
import { createSgdPool } from '../../src/cli/sgd_pool.ts';
import { shared } from '../../src/cli/als_pool.ts';
import { createParams } from '../../src/model/cf_model.ts';
import type { CfParams } from '../../src/model/cf_model.ts';
import { createRng, shuffleInPlace } from '../../src/model/rng.ts';
import { createUniformSampler } from '../../src/model/samplers.ts';
import { createAdagradState, sparseStep } from '../../src/model/sparse_step.ts';
import type { StepConfig } from '../../src/model/sparse_step.ts';
import { createBatchBuilder } from '../../src/train/batches.ts';
import { buildUserItemIndex } from '../../src/train/user_index.ts';
import { sgdStepper, sgdThreads, shareCuts, stepRange, threadRng } from '../../src/train/sgd_loop.ts';
import type { SgdSetup } from '../../src/train/sgd_loop.ts';
import { syntheticLog } from './synthetic.ts';

const cfg: StepConfig = { loss: 'bce', optimizer: 'adagrad', lrUser: 0.05, lrItem: 0.05, lrDense: 0.005, l2User: 1e-4, l2Item: 1e-4 };

/** Share of users whose mean score over their own taste's items beats the mean over the other items. */
function inGroupShare(p: CfParams, groupOf: Int32Array, groups: number): number {
  const block = Math.floor(p.numItems / groups);
  let good = 0;
  for (let u = 0; u < p.numUsers; u++) {
    let inside = 0;
    let outside = 0;
    for (let i = 0; i < p.numItems; i++) {
      let s = p.itemBias[i];
      for (let f = 0; f < p.dim; f++) s += p.w[f] * p.userEmb[u * p.dim + f] * p.itemEmb[i * p.dim + f];
      if (Math.floor(i / block) === groupOf[u]) inside += s / block;
      else outside += s / (p.numItems - block);
    }
    if (inside > outside) good++;
  }
  return good / p.numUsers;
}

describe('the sampled-loss trainer on worker threads', () => {
  it('cuts an epoch into whole batches, every positive once', () => {
    expect(shareCuts(10_000, 2, 1024)).toEqual([0, 5120, 10_000]);
    expect(shareCuts(100, 3, 1024)).toEqual([0, 0, 100, 100]);
    const cuts = shareCuts(7777, 4, 64);
    expect(cuts[0]).toBe(0);
    expect(cuts[4]).toBe(7777);
    for (let t = 1; t < 4; t++) expect(cuts[t] % 64).toBe(0);
  });

  it('uses threads from 50,000 interactions, when a pool is given and no TF.js trainer', () => {
    const createSgdPool = (): never => {
      throw new Error('unused');
    };
    expect(sgdThreads(49_999, { threads: 2, createSgdPool, createTrainer: undefined })).toBe(1);
    expect(sgdThreads(50_000, { threads: 2, createSgdPool, createTrainer: undefined })).toBe(2);
    expect(sgdThreads(10, { threads: -2, createSgdPool, createTrainer: undefined })).toBe(2);
    expect(sgdThreads(50_000, { threads: 2, createSgdPool: undefined, createTrainer: undefined })).toBe(1);
  });

  it('keeps the one-thread loop the plain composition of its pieces (same shuffle, negatives, steps)', async () => {
    const log = syntheticLog({ numUsers: 60, numItems: 40, perUser: 8 });
    const data = { users: log.users, items: log.items, itemIds: log.itemIds, numUsers: log.numUsers };
    const run = await pretrain(data, { dim: 8, epochs: 2, seed: 5, negatives: 3, batchSize: 32, lr: 0.05, l2: 1e-4 });
    // the same epochs written out with the trainer's pieces
    const p = createParams({ numUsers: log.numUsers, numItems: 40, dim: 8, seed: 5, scale: 0.1 });
    const state = createAdagradState(p);
    const rng = createRng(5 ^ 0x9e3779b9);
    const builder = createBatchBuilder(data, buildUserItemIndex(data.users, data.items, log.numUsers), createUniformSampler(40), { loss: 'bce', negatives: 3, batchSize: 32 });
    const order = Int32Array.from({ length: data.users.length }, (_, k) => k);
    for (let e = 0; e < 2; e++) {
      shuffleInPlace(order, rng);
      for (let from = 0; from < order.length; from += 32) sparseStep(p, state, builder.build(order, from, Math.min(order.length, from + 32), rng), cfg);
    }
    expect(Array.from(run.params.itemEmb)).toEqual(Array.from(p.itemEmb));
    expect(Array.from(run.params.userEmb)).toEqual(Array.from(p.userEmb));
  });

  it('steps in a worker exactly what the same share steps inline (one thread, the same random stream)', async () => {
    const log = syntheticLog({ numUsers: 50, numItems: 30, perUser: 6 });
    const setupOf = (p: CfParams, share: <T extends Float32Array | Int32Array>(a: T) => T): SgdSetup => {
      const index = buildUserItemIndex(log.users, log.items, log.numUsers);
      const state = createAdagradState(p);
      return {
        params: p,
        state: { userAcc: share(state.userAcc), itemAcc: share(state.itemAcc), itemBiasAcc: share(state.itemBiasAcc), wAcc: share(state.wAcc), biasAcc: share(state.biasAcc) },
        users: share(log.users),
        items: share(log.items),
        indexOffsets: share(index.offsets),
        indexItems: share(index.items),
        counts: null,
        order: share(shuffleInPlace(Int32Array.from({ length: log.users.length }, (_, k) => k), createRng(9))),
        batch: { loss: 'bce', negatives: 2, batchSize: 16 },
        cfg,
        apr: { advEps: 0.05, advReg: 1, advStartEpoch: 1 },
        seed: 3,
      };
    };
    const inline = createParams({ numUsers: log.numUsers, numItems: 30, dim: 6, seed: 2 });
    const inlineSetup = setupOf(inline, <T extends Float32Array | Int32Array>(a: T): T => a.slice() as T);
    const expected = await stepRange(sgdStepper(inlineSetup), inlineSetup.order, 0, log.users.length, threadRng(3, 0), 1);
    const remote = createParams({ numUsers: log.numUsers, numItems: 30, dim: 6, seed: 2 });
    for (const key of ['userEmb', 'itemEmb', 'itemBias', 'w', 'bias'] as const) remote[key] = shared(remote[key]);
    const pool = createSgdPool(1);
    try {
      await pool.init(setupOf(remote, shared));
      const [got] = await pool.epoch([{ epoch: 1, from: 0, to: log.users.length }]);
      expect(got.samples).toBe(expected.samples);
      expect(got.lossSum).toBeCloseTo(expected.lossSum, 10);
      expect(Array.from(remote.itemEmb)).toEqual(Array.from(inline.itemEmb));
      expect(Array.from(remote.userEmb)).toEqual(Array.from(inline.userEmb));
      expect(Array.from(remote.w)).toEqual(Array.from(inline.w));
      await expect(pool.epoch([])).rejects.toThrow(/0 shares for 1 threads/);
    } finally {
      await pool.close();
    }
  }, 30_000);

  it('learns the planted tastes on 2 threads as well as on one, every positive stepped once per epoch', async () => {
    const groups = 4;
    const log = syntheticLog({ numUsers: 160, numItems: 80, groups, perUser: 14, noise: 0.05 });
    const data = { users: log.users, items: log.items, itemIds: log.itemIds, numUsers: log.numUsers };
    const opts = { dim: 8, epochs: 12, seed: 2, negatives: 4, batchSize: 64, lr: 0.05, l2: 1e-4 };
    const one = await pretrain(data, opts);
    const two = await pretrain(data, { ...opts, threads: -2, createSgdPool });
    expect(two.report.epochs.length).toBe(12);
    two.report.epochs.forEach((e, k) => expect(e.samples).toBe(one.report.epochs[k].samples));
    expect(two.report.epochs[11].loss).toBeLessThan(two.report.epochs[0].loss * 0.8);
    expect(Math.abs(two.report.epochs[11].loss - one.report.epochs[11].loss)).toBeLessThan(0.1 * one.report.epochs[11].loss);
    for (const t of [two.params.userEmb, two.params.itemEmb, two.params.w]) expect(t.every(Number.isFinite)).toBe(true);
    const shareOne = inGroupShare(one.params, log.groupOf, groups);
    const shareTwo = inGroupShare(two.params, log.groupOf, groups);
    expect(shareOne).toBeGreaterThan(0.9);
    expect(shareTwo).toBeGreaterThan(shareOne - 0.05);
  }, 60_000);

  it('closes its threads when an epoch fails, and trains the tables a caller hands it in place', async () => {
    const log = syntheticLog({ numUsers: 40, numItems: 20, perUser: 5 });
    const data = { users: log.users, items: log.items, itemIds: log.itemIds, numUsers: log.numUsers };
    let closed = 0;
    const counting = (n: number): SgdPool => {
      const pool = createSgdPool(n);
      return { ...pool, close: async () => void (closed++, await pool.close()) };
    };
    const failing = pretrain(data, { dim: 4, epochs: 3, threads: -2, createSgdPool: counting, validate: (_, epoch) => {
      if (epoch === 2) throw new Error('validation broke');
      return epoch;
    } });
    await expect(failing).rejects.toThrow(/validation broke/);
    expect(closed).toBe(1);
    const params = createParams({ numUsers: log.numUsers, numItems: 20, dim: 4, seed: 1 });
    const table = params.itemEmb;
    const start = table.slice();
    await pretrainLoopOnly(params, data, { epochs: 2, threads: -2, createSgdPool: counting });
    expect(closed).toBe(2);
    expect(params.itemEmb).toBe(table); // the caller's array, not a shared copy swapped in
    expect(table.buffer instanceof SharedArrayBuffer).toBe(false);
    expect(table.some((v, k) => v !== start[k])).toBe(true);
  }, 30_000);
});
