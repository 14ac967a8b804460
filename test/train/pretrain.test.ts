import { describe, expect, it } from 'vitest';
import { pretrain } from '../../src/train/pretrain.ts';
import { scorePair } from '../../src/model/cf_model.ts';
import { InvalidInputError } from '../../src/errors.ts';
import { syntheticLog } from './synthetic.ts';
import { buildUserItemIndex } from '../../src/train/user_index.ts';

/** Mean over users of: fraction of own-taste unseen items scored above other-taste items (AUC-like). */
function tasteAuc(log: ReturnType<typeof syntheticLog>, params: Parameters<typeof scorePair>[0]): number {
  const block = log.itemIds.length / 4;
  let good = 0;
  let total = 0;
  for (let u = 0; u < log.numUsers; u += 3) {
    const g = log.groupOf[u];
    for (let i = g * block; i < (g + 1) * block; i++) {
      const j = ((g + 1) % 4) * block + (i % block);
      good += scorePair(params, u, i) > scorePair(params, u, j) ? 1 : 0;
      total++;
    }
  }
  return good / total;
}

describe('pretrain', () => {
  const log = syntheticLog();

  it('learns the latent tastes (BCE and BPR)', async () => {
    for (const loss of ['bce', 'bpr'] as const) {
      const { params, report } = await pretrain(log, { dim: 8, epochs: 15, loss, seed: 5, batchSize: 64, lr: 0.1 });
      expect(report.epochs).toHaveLength(15);
      expect(report.epochs[14].loss).toBeLessThan(report.epochs[0].loss);
      expect(tasteAuc(log, params)).toBeGreaterThan(0.85);
    }
  });

  it('is deterministic under a seed and differs across seeds', async () => {
    const a = await pretrain(log, { dim: 4, epochs: 2, seed: 9 });
    const b = await pretrain(log, { dim: 4, epochs: 2, seed: 9 });
    const c = await pretrain(log, { dim: 4, epochs: 2, seed: 10 });
    expect(Array.from(a.model.itemEmb)).toEqual(Array.from(b.model.itemEmb));
    expect(a.model.modelVersion).toBe(b.model.modelVersion);
    expect(a.model.modelVersion).not.toBe(c.model.modelVersion);
  });

  it('fills the global model: prior, popularity, hyper-parameters, report', async () => {
    const { model, params } = await pretrain(log, { dim: 4, epochs: 1, seed: 2, modelVersion: 'v-test' });
    expect(model.modelVersion).toBe('v-test');
    expect(model.itemIds).toEqual(log.itemIds);
    const counts = new Array(log.itemIds.length).fill(0);
    log.items.forEach((i) => counts[i]++);
    expect(Array.from(model.popularity)).toEqual(counts);
    let mean0 = 0;
    for (let u = 0; u < params.numUsers; u++) mean0 += params.userEmb[u * 4];
    expect(model.priorUser[0]).toBeCloseTo(mean0 / params.numUsers, 5);
    expect(model.hyperParameters).toMatchObject({ dim: 4, loss: 'bce', seed: 2 });
    expect(model.trainingReport).toMatchObject({ numInteractions: log.users.length, numItems: 60 });
  });

  it('early-stops on a validation metric and keeps the best epoch', async () => {
    const scripted = [0.1, 0.5, 0.4, 0.3, 0.2, 0.9];
    const seen: number[] = [];
    const { report } = await pretrain(log, {
      dim: 4, epochs: 6, seed: 1, patience: 2,
      validate: (_p, e) => scripted[e - 1],
      onEpoch: (e) => seen.push(e.epoch),
    });
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(report.bestEpoch).toBe(2);
    expect(report.bestValidation).toBe(0.5);
    expect(report.stoppedEarly).toBe(true);
  });

  it('runs APR and still learns', async () => {
    const { params } = await pretrain(log, { dim: 8, epochs: 15, seed: 5, batchSize: 64, lr: 0.1, advEps: 0.1, advReg: 1, advStartEpoch: 5 });
    expect(tasteAuc(log, params)).toBeGreaterThan(0.85);
  });

  it('never samples a user\'s own positives as negatives', async () => {
    const idx = buildUserItemIndex(log.users, log.items, log.numUsers);
    const { createBatchBuilder } = await import('../../src/train/batches.ts');
    const { createUniformSampler } = await import('../../src/model/samplers.ts');
    const { createRng } = await import('../../src/model/rng.ts');
    const b = createBatchBuilder(log, idx, createUniformSampler(60), { loss: 'bce', negatives: 4, batchSize: 50 });
    const order = Int32Array.from({ length: 50 }, (_, k) => k);
    const batch = b.build(order, 0, 50, createRng(1));
    expect(batch.users.length).toBe(250);
    for (let r = 0; r < batch.users.length; r++) expect(idx.has(batch.users[r], batch.items[r])).toBe(batch.labels[r] === 1);
  });

  it('rejects malformed interactions with InvalidInputError', async () => {
    await expect(pretrain({ users: Int32Array.of(0), items: Int32Array.of(5), itemIds: ['a'] })).rejects.toThrow(InvalidInputError);
    await expect(pretrain({ users: Int32Array.of(0, 1), items: Int32Array.of(0), itemIds: ['a'] })).rejects.toThrow(/same length/);
    await expect(pretrain({ users: Int32Array.of(0), items: Int32Array.of(0), itemIds: ['a'] }, { dim: 0 })).rejects.toThrow(/dim/);
  });

  it('fits an attribute projection that places an item near its attribute peers', async () => {
    const attrs = log.itemIds.map((_, i) => ({ category: `c${Math.floor(i / 15)}`, brand: `b${i % 3}` }));
    const { model } = await pretrain({ ...log, itemAttributes: attrs }, { dim: 8, epochs: 10, seed: 5, batchSize: 64, lr: 0.1 });
    const proj = model.attributeProjection!;
    expect(proj.vocab).toContain('category=c0');
    const { projectAttributes } = await import('../../src/train/attribute_projection.ts');
    const v = projectAttributes(proj, { category: 'c2', brand: 'b1' })!;
    // cosine with own-category items beats other categories
    const cos = (i: number): number => {
      let a = 0, na = 0, nb = 0;
      for (let j = 0; j < 8; j++) { const q = model.itemEmb[i * 8 + j]; a += q * v.vector[j]; na += q * q; nb += v.vector[j] ** 2; }
      return a / Math.sqrt(na * nb);
    };
    const mean = (lo: number): number => { let s = 0; for (let i = lo; i < lo + 15; i++) s += cos(i); return s / 15; };
    expect(mean(30)).toBeGreaterThan(mean(0) + 0.3);
    expect(projectAttributes(proj, { category: 'unknown' })).toBeNull();
  });
});
