import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '../../src/model/rng.ts';
import { createSequenceParams } from '../../src/model/sequence/encode.ts';
import type { SequenceConfig } from '../../src/model/sequence/types.ts';
import { adamStep, createAdam } from '../../src/train/sequence/adam.ts';
import { epochBatches, trainingWindows } from '../../src/train/sequence/batches.ts';
import { flatLayout, flattenParams, unflattenParams } from '../../src/train/sequence/flat_params.ts';
import { splitBatch } from '../../src/train/sequence/gradients.ts';
import { trainSequenceModel } from '../../src/train/sequence/index.ts';
import { decayedRanges } from '../../src/train/sequence/train.ts';
import { createThreadPool, trainSequenceModelThreaded } from '../../src/cli/sequence_threads.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function sequences(n: number, seed: number): Int32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const start = rng.int(12);
    return Int32Array.from({ length: 2 + rng.int(6) }, (_, t) => (start + t * (1 + (start % 2))) % 12);
  });
}

describe('sequence trainer: plain Adam and the flat layout', () => {
  it('steps exactly as tf.train.adam (betas 0.9 / 0.98)', () => {
    const rng = createRng(3);
    const start = Float32Array.from({ length: 40 }, () => rng.normal());
    const grads = Array.from({ length: 4 }, () => Float32Array.from({ length: 40 }, () => rng.normal() * (rng.next() < 0.2 ? 0 : 1)));
    const v = tf.variable(tf.tensor1d(start));
    const opt = tf.train.adam(0.01, 0.9, 0.98, 1e-8);
    const flat = start.slice();
    const adam = createAdam(40, 0.01, 0.9, 0.98, 1e-8);
    for (const g of grads) {
      opt.applyGradients([{ name: v.name, tensor: tf.tensor1d(g) }]);
      adamStep(adam, flat, g);
    }
    const want = v.dataSync();
    let worst = 0;
    for (let i = 0; i < 40; i++) worst = Math.max(worst, Math.abs(want[i] - flat[i]));
    expect(worst).toBeLessThan(1e-6);
    expect(Math.abs(flat[0] - start[0])).toBeGreaterThan(1e-3); // it moved
  });

  it('with weightDecay, scales only the decay ranges by 1 - lr·λ before each Adam step (AdamW)', () => {
    const rng = createRng(5);
    const start = Float32Array.from({ length: 30 }, () => rng.normal());
    const grads = Array.from({ length: 3 }, () => Float32Array.from({ length: 30 }, () => rng.normal()));
    const v = tf.variable(tf.tensor1d(start));
    const opt = tf.train.adam(0.02, 0.9, 0.98, 1e-8);
    const decayed = (i: number): boolean => (i >= 4 && i < 10) || i >= 20;
    const flat = start.slice();
    const adam = createAdam(30, 0.02, 0.9, 0.98, 1e-8);
    adam.weightDecay = 0.5;
    adam.decayRanges = [[4, 10], [20, 30]];
    for (const g of grads) {
      v.assign(tf.tensor1d(Float32Array.from(v.dataSync(), (x, i) => (decayed(i) ? x * (1 - 0.02 * 0.5) : x))));
      opt.applyGradients([{ name: v.name, tensor: tf.tensor1d(g) }]);
      adamStep(adam, flat, g);
    }
    const want = v.dataSync();
    for (let i = 0; i < 30; i++) expect(Math.abs(want[i] - flat[i])).toBeLessThan(1e-6);
    // and the decay is what made the difference: plain Adam lands elsewhere on the decayed entries only
    const plain = start.slice();
    const plainAdam = createAdam(30, 0.02, 0.9, 0.98, 1e-8);
    for (const g of grads) adamStep(plainAdam, plain, g);
    expect(plain[0]).toBe(flat[0]);
    expect(Math.abs(plain[25] - flat[25])).toBeGreaterThan(1e-4);
  });

  it('decays the embeddings and weight matrices, not the biases or layer norms', () => {
    const config: SequenceConfig = { numItems: 9, dim: 8, maxLen: 4, blocks: 1, heads: 2, ffnDim: 12 };
    const layout = flatLayout(config);
    const ranges = decayedRanges(layout);
    const named = layout.tensors.filter((t) => ranges.some(([a]) => a === t.offset)).map((t) => t.name);
    expect(named).toEqual(['item_emb', 'pos_emb', 'block0/wq', 'block0/wk', 'block0/wv', 'block0/wo', 'block0/w1', 'block0/w2'].filter((n) => layout.tensors.some((t) => t.name === n)));
    expect(named).toContain('item_emb');
    expect(named.some((n) => /bias|beta|gamma|\/b/i.test(n))).toBe(false);
  });

  it('refuses a negative weightDecay by name', async () => {
    await expect(trainSequenceModel(sequences(4, 1), 12, { epochs: 1, weightDecay: -1 })).rejects.toThrow(/weightDecay/);
  });

  it('round-trips the parameters through one flat array', () => {
    const config: SequenceConfig = { numItems: 9, dim: 8, maxLen: 4, blocks: 2, heads: 2, ffnDim: 12 };
    const p = createSequenceParams(config, 4);
    const layout = flatLayout(config);
    const back = unflattenParams(flattenParams(p, layout), layout, config);
    expect(back.itemEmb).toEqual(p.itemEmb);
    expect(back.blocks[1].w1).toEqual(p.blocks[1].w1);
    expect(back.blocks[1].b1.length).toBe(12);
    expect(layout.size).toBe(layout.tensors.reduce((a, t) => a + t.size, 0));
  });
});

describe('sequence trainer: batch shares', () => {
  it('cuts a batch into shares of whole rows that cover every target once', () => {
    const windows = trainingWindows(sequences(40, 2), 6);
    for (const batch of epochBatches(windows, 60, createRng(1))) {
      const shares = splitBatch(batch, 3);
      expect(shares.length).toBeLessThanOrEqual(3);
      expect(shares.reduce((a, s) => a + s.rows, 0)).toBe(batch.rows);
      const targets = shares.flatMap((s) => Array.from(s.targets));
      expect(targets).toEqual(Array.from(batch.targets));
      let row = 0;
      for (const s of shares) {
        for (let p = 0; p < s.positions.length; p++) {
          // the same item sits at the re-based position of the share as at the batch's
          expect(s.items[s.positions[p]]).toBe(batch.items[s.positions[p] + row * batch.width]);
        }
        row += s.rows;
      }
    }
  });
});

describe('sequence trainer: worker threads', () => {
  it('trains the same model on 2 threads as on 1 (no dropout, same seed)', async () => {
    const data = sequences(48, 7);
    const opts = { dim: 8, maxLen: 6, blocks: 1, heads: 2, ffnDim: 8, epochs: 3, batchSize: 8, lr: 5e-3, dropout: 0, loss: 'sampled' as const, negatives: 6 };
    const one = await trainSequenceModel(data, 12, { ...opts, threads: 1 });
    const two = await trainSequenceModelThreaded(data, 12, { ...opts, threads: 2 });
    expect(two.report.threads).toBe(2);
    const l1 = one.report.losses as number[];
    const l2 = two.report.losses as number[];
    l1.forEach((l, e) => expect(Math.abs(l - l2[e])).toBeLessThan(1e-3 * Math.abs(l)));
    let worst = 0;
    one.params.itemEmb.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - two.params.itemEmb[i]))));
    expect(worst).toBeLessThan(1e-3);
    expect(l1[2]).toBeLessThan(l1[0]); // and it learned something
  }, 60_000);

  it('names a thread that cannot start instead of hanging', async () => {
    const config: SequenceConfig = { numItems: 5, dim: 4, maxLen: 3, blocks: 1, heads: 1, ffnDim: 4 };
    const layout = flatLayout(config);
    const params = new Float32Array(new SharedArrayBuffer(layout.size * 4));
    flattenParams(createSequenceParams(config, 1), layout, params);
    const setup = { config, layout, params, settings: { loss: 'full' as const, negatives: 1, dropout: 0 }, backend: 'no-such-backend' };
    await expect(createThreadPool(2, setup)).rejects.toThrow(/sequence trainer thread failed.*no-such-backend/s);
  }, 30_000);

  it('refuses a thread count outside 1..64', async () => {
    await expect(trainSequenceModel([Int32Array.of(1, 2)], 5, { threads: 0 })).rejects.toThrow(/threads must be an integer/);
    await expect(trainSequenceModel([Int32Array.of(1, 2)], 5, { threads: 2 })).rejects.toThrow(/needs a threaded gradient pool/);
  });
});
