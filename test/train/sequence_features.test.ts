import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { InvalidInputError } from '../../src/errors.ts';
import { createRng } from '../../src/model/rng.ts';
import { encodeSequence, scoreSequence } from '../../src/model/sequence/encode.ts';
import { adamStep, createAdam } from '../../src/train/sequence/adam.ts';
import { createFeatureFusion, itemFeatures } from '../../src/train/sequence/item_features.ts';
import { trainSequenceModel } from '../../src/train/sequence/index.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('item attribute tokens of the sequence trainer', () => {
  it('keeps tokens shared by at least minCount items, per item in vocabulary order', () => {
    const f = itemFeatures([{ brand: 'acme', tags: '1|2' }, { brand: 'acme', tags: '2' }, undefined, { brand: 'zen' }])!;
    expect(f.vocab).toEqual(['brand=acme', 'tag=2']);
    expect(f.rows.map((r) => [...r])).toEqual([[0, 1], [0, 1], [], []]);
    expect(itemFeatures([{ brand: 'a' }, { brand: 'b' }])).toBeUndefined();
  });

  it('one step moves E by Adam on the composed gradient, each token by Adam on the mean of its items\' gradients, and leaves E + mean(A) in the table', () => {
    const dim = 3;
    const rows = [Int32Array.of(0, 1), Int32Array.of(1), Int32Array.of()];
    const rng = createRng(4);
    const flat = Float32Array.from({ length: 2 + rows.length * dim + 2 }, () => rng.normal()); // item table at offset 2
    const grad = Float32Array.from(flat, () => rng.normal());
    const fusion = createFeatureFusion({ vocab: ['a', 'b'], rows }, flat, 2, dim);
    const before = flat.slice();
    const adam = createAdam(flat.length, 0.1);
    fusion.step(adam, flat, grad);
    // the expected result: plain Adam on every parameter (E included), and on A from zero
    const expectE = before.slice();
    adamStep(createAdam(flat.length, 0.1), expectE, grad);
    const g = (i: number, k: number): number => grad[2 + i * dim + k];
    const tokenGrad = Float32Array.from({ length: 2 * dim }, (_, n) => {
      const t = Math.floor(n / dim);
      const k = n % dim;
      return rows.reduce((a, r, i) => a + (r.includes(t) ? g(i, k) / r.length : 0), 0);
    });
    const expectA = new Float32Array(2 * dim);
    adamStep(createAdam(expectA.length, 0.1), expectA, tokenGrad);
    for (let n = 0; n < 2; n++) expect(flat[n]).toBeCloseTo(expectE[n], 6);
    for (let n = 2 + rows.length * dim; n < flat.length; n++) expect(flat[n]).toBeCloseTo(expectE[n], 6);
    for (let n = 0; n < 2 * dim; n++) expect(fusion.tokens[n]).toBeCloseTo(expectA[n], 6);
    expect(fusion.tokens.some((x) => x !== 0)).toBe(true);
    rows.forEach((r, i) => {
      for (let k = 0; k < dim; k++) {
        const mean = r.length ? [...r].reduce((a, t) => a + expectA[t * dim + k], 0) / r.length : 0;
        expect(flat[2 + i * dim + k]).toBeCloseTo(expectE[2 + i * dim + k] + mean, 5);
      }
    });
  });

  it('with few clicks per item, the attribute tokens keep a history\'s recommendations within its attributes\' group', async () => {
    // 60 items in 3 groups (the attribute); each history stays in one group; 45 histories of 5: under 4 clicks per item
    const rng = createRng(7);
    const group = (i: number): number => Math.floor(i / 20);
    const seqs = Array.from({ length: 45 }, (_, u) => Int32Array.from({ length: 5 }, () => (u % 3) * 20 + rng.int(20)));
    const attrs = Array.from({ length: 60 }, (_, i) => ({ group: `g${group(i)}` }));
    const held = Array.from({ length: 30 }, (_, n) => Array.from({ length: 3 }, () => (n % 3) * 20 + rng.int(20)));
    const opts = { dim: 8, maxLen: 5, blocks: 1, heads: 1, ffnDim: 8, epochs: 20, batchSize: 16, lr: 0.01, loss: 'full' as const, dropout: 0, seed: 3 };
    const inGroup = async (withTokens: boolean): Promise<number> => {
      const { params, report } = await trainSequenceModel(seqs, 60, { ...opts, ...(withTokens ? { itemFeatures: itemFeatures(attrs)! } : {}) });
      if (withTokens) expect(report.settings).toMatchObject({ itemFeatures: { tokens: 3, itemsWithTokens: 60 } });
      let hits = 0;
      for (const h of held) {
        const s = scoreSequence(params, encodeSequence(params, h));
        const top = [...s.keys()].sort((x, y) => s[y] - s[x]).slice(0, 10);
        hits += top.filter((i) => group(i) === group(h[0])).length;
      }
      return hits / (held.length * 10);
    };
    const plain = await inGroup(false);
    const fused = await inGroup(true);
    expect(fused).toBeGreaterThan(0.9);
    expect(fused).toBeGreaterThan(plain + 0.1);
  });

  it('refuses tokens that do not fit the catalogue', async () => {
    const seqs = [Int32Array.of(0, 1, 2)];
    await expect(trainSequenceModel(seqs, 3, { epochs: 1, itemFeatures: { vocab: ['a'], rows: [Int32Array.of(0)] } })).rejects.toThrow(/1 rows for 3 items/);
    await expect(trainSequenceModel(seqs, 3, { epochs: 1, itemFeatures: { vocab: ['a'], rows: [Int32Array.of(0), Int32Array.of(1), Int32Array.of()] } })).rejects.toThrow(InvalidInputError);
  });
});
