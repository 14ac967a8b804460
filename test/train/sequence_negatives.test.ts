import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '../../src/model/rng.ts';
import { createSequenceParams } from '../../src/model/sequence/encode.ts';
import { buildBatch, trainingWindows } from '../../src/train/sequence/batches.ts';
import { drawNegatives, negativeLogQ } from '../../src/train/sequence/negatives.ts';
import { nextItemLoss } from '../../src/train/sequence/loss.ts';
import { createSequenceVariables } from '../../src/train/sequence/tf_forward.ts';
import { trainSequenceModel } from '../../src/train/sequence/index.ts';
import { walkSequences } from '../sequence/fixture.ts';

const windows = trainingWindows([Int32Array.of(0, 1, 1, 1), Int32Array.of(2, 1, 3), Int32Array.of(4, 4)], 5);

describe('mixed negatives', () => {
  it('logQ: log of each item\'s expected count among the negatives', () => {
    // targets: 1,1,1 | 1,3 | 4 → shares 4/6, 1/6, 1/6 of items 1, 3, 4
    const q = negativeLogQ(windows, 6, 8, 0.5);
    const expected = [0, 4 / 6, 0, 1 / 6, 1 / 6, 0].map((share) => Math.log(4 / 6 + 4 * share));
    q.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 5));
    for (const v of negativeLogQ(windows, 6, 8, 0)) expect(v).toBeCloseTo(Math.log(8 / 6), 6);
  });

  it('draws the uniform share first, then targets of the batch', () => {
    const batch = buildBatch(windows, 3);
    const rng = createRng(3);
    const all: number[] = [];
    for (let k = 0; k < 50; k++) {
      const n = drawNegatives(batch, 100, 10, 0.3, rng);
      expect(n.length).toBe(10);
      for (const id of n.subarray(7)) expect(Array.from(batch.targets)).toContain(id);
      all.push(...n.subarray(0, 7));
    }
    expect(all.every((id) => id >= 0 && id < 100)).toBe(true);
    expect(new Set(all).size).toBeGreaterThan(80); // uniform over the catalogue, not the batch's 6 targets
  });

  it('a uniform correction changes nothing; a popularity one lowers popular candidates\' logits', () => {
    const config = { numItems: 6, dim: 4, maxLen: 3, blocks: 1, heads: 1, ffnDim: 4 };
    const v = createSequenceVariables(createSequenceParams(config, 2));
    const h = tf.randomNormal([3, 4], 0, 1, 'float32', 5) as tf.Tensor2D;
    const targets = tf.tensor1d([1, 3, 4], 'int32');
    const negs = tf.tensor1d([0, 1, 2, 5], 'int32');
    const plain = nextItemLoss(v, h, targets, 'sampled', negs).dataSync()[0];
    const flat = nextItemLoss(v, h, targets, 'sampled', negs, tf.fill([6], Math.log(0.7)) as tf.Tensor1D).dataSync()[0];
    expect(flat).toBeCloseTo(plain, 5);
    const popular = tf.tensor1d([0, 3, 0, 0, 0, 0]); // item 1 "popular": its logit drops as target and as negative
    const corrected = nextItemLoss(v, h, targets, 'sampled', negs, popular).dataSync()[0];
    expect(Math.abs(corrected - plain)).toBeGreaterThan(1e-3);
  });

  it('a negative that is its row\'s own target drops out of that row\'s softmax only', () => {
    const config = { numItems: 6, dim: 4, maxLen: 3, blocks: 1, heads: 1, ffnDim: 4 };
    const v = createSequenceVariables(createSequenceParams(config, 2));
    const h = tf.randomNormal([2, 4], 0, 1, 'float32', 6) as tf.Tensor2D;
    const row = (p: number): tf.Tensor2D => tf.slice(h, [p, 0], [1, 4]);
    const loss = (hh: tf.Tensor2D, target: number, negs: number[]): number =>
      nextItemLoss(v, hh, tf.tensor1d([target], 'int32'), 'sampled', tf.tensor1d(negs, 'int32')).dataSync()[0];
    // row 0's target (1) is among the negatives twice, row 1's (3) not at all
    const both = nextItemLoss(v, h, tf.tensor1d([1, 3], 'int32'), 'sampled', tf.tensor1d([0, 1, 2, 1, 5], 'int32')).dataSync()[0];
    const row0 = loss(row(0), 1, [0, 2, 5]);
    const row1 = loss(row(1), 3, [0, 1, 2, 1, 5]);
    expect(both).toBeCloseTo((row0 + row1) / 2, 5);
    expect(Math.abs(loss(row(0), 1, [0, 1, 2, 1, 5]) - loss(row(0), 1, [0, 2, 5]))).toBeLessThan(1e-6);
    expect(Math.abs(row1 - loss(row(1), 3, [0, 2, 5]))).toBeGreaterThan(1e-4); // 1 is a real negative for row 1
  });

  it('trains with mixed negatives and refuses a share outside 0..1', async () => {
    const sequences = walkSequences(60, 12, 6);
    const losses: number[] = [];
    await trainSequenceModel(sequences, 12, {
      dim: 16, maxLen: 5, blocks: 1, heads: 2, ffnDim: 16, epochs: 15, batchSize: 16, lr: 5e-3, dropout: 0,
      loss: 'sampled', negatives: 8, negativeMix: 0.5, onEpoch: ({ loss }) => void losses.push(loss),
    });
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[14]).toBeLessThan(losses[0] / 2);
    await expect(trainSequenceModel(sequences, 12, { negativeMix: 2 })).rejects.toThrow(/negativeMix must be 0\.\.1/);
  });
});
