import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createSequenceParams, encodeSequence } from '../../src/model/sequence/encode.ts';
import type { SequenceConfig, SequenceParams } from '../../src/model/sequence/types.ts';
import { createRng } from '../../src/model/rng.ts';
import { createSequenceVariables, forwardSequences } from '../../src/train/sequence/tf_forward.ts';
import type { SequenceVariables } from '../../src/train/sequence/tf_forward.ts';
import { futureTargets, nextItemLoss } from '../../src/train/sequence/loss.ts';
import { useFusedSoftmax } from '../../src/train/sequence/simd/softmax_ce.ts';
import type { SequenceLossKind } from '../../src/train/sequence/loss.ts';
import { cropWindows, epochBatches, trainingWindows } from '../../src/train/sequence/batches.ts';
import { encodeHistoriesTf, trainSequenceModel } from '../../src/train/sequence/index.ts';
import { InvalidInputError } from '../../src/errors.ts';
import { walkSequences } from '../sequence/fixture.ts';

const config: SequenceConfig = { numItems: 12, dim: 8, maxLen: 5, blocks: 2, heads: 2, ffnDim: 12 };

function jittered(seed: number): SequenceParams {
  const p = createSequenceParams(config, seed);
  const rng = createRng(seed + 9);
  const jitter = (a: Float32Array): void => a.forEach((v, i) => (a[i] = v + rng.normal() * 0.2));
  for (const b of p.blocks) Object.values(b).forEach(jitter);
  [p.posEmb, p.lnfGamma, p.lnfBeta, p.itemBias!].forEach(jitter);
  return p;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('sequence trainer: batched TF.js forward vs the reference', () => {
  it('encodes padded, mixed-length batches exactly as encodeSequence does', () => {
    const p = jittered(1);
    const histories = [[3], [1, 2, 3, 4, 5, 6, 7], [11, 0], [4, 4, 4], [9, 8, 7, 6, 5]];
    const h = encodeHistoriesTf(p, histories, 3);
    histories.forEach((items, u) => {
      const ref = encodeSequence(p, items);
      for (let k = 0; k < config.dim; k++) expect(Math.abs(h[u * config.dim + k] - ref[k])).toBeLessThan(1e-5);
    });
  });
});

/** The loss of one fixed batch as a function of the variables (dropout off, fixed negatives). */
function batchLoss(v: SequenceVariables, kind: SequenceLossKind): () => tf.Scalar {
  const windows = trainingWindows([Int32Array.of(1, 2, 3, 4, 5, 6, 7), Int32Array.of(8, 9, 1), Int32Array.of(0, 11, 10, 2)], config.maxLen);
  const [batch] = epochBatches(windows, 1000, createRng(1));
  return () => {
    const hidden = forwardSequences(v, config, tf.tensor2d(batch.items, [batch.rows, batch.width], 'int32'), tf.tensor2d(batch.valid, [batch.rows, batch.width]), { dropout: 0 });
    const h = tf.gather(tf.reshape(hidden, [-1, config.dim]), tf.tensor1d(batch.positions, 'int32')) as tf.Tensor2D;
    return nextItemLoss(v, h, tf.tensor1d(batch.targets, 'int32'), kind, tf.tensor1d([2, 5, 7, 1, 0], 'int32'));
  };
}

describe('sequence trainer: autodiff gradients vs central finite differences', () => {
  for (const kind of ['full', 'sampled'] as const) {
    it(`${kind} softmax: every tensor kind, sampled coordinates`, () => {
      const v = createSequenceVariables(jittered(2));
      const f = batchLoss(v, kind);
      const { grads } = tf.variableGrads(f, Object.values(v));
      const names = ['item_emb', 'item_bias', 'pos_emb', 'lnf_gamma', 'block0/wq', 'block0/bk', 'block0/ln1Gamma', 'block1/w1', 'block1/b2', 'block1/wo'];
      const rng = createRng(3);
      const eps = 1e-2;
      for (const name of names) {
        const variable = v[name];
        const g = grads[variable.name].dataSync();
        const base = variable.dataSync().slice();
        for (let trial = 0; trial < 3; trial++) {
          const i = rng.int(base.length);
          const at = (delta: number): number => {
            const w = base.slice();
            w[i] += delta;
            variable.assign(tf.tensor(w, variable.shape));
            return tf.tidy(() => f().dataSync()[0]);
          };
          const numeric = (at(eps) - at(-eps)) / (2 * eps);
          variable.assign(tf.tensor(base, variable.shape));
          expect(Math.abs(numeric - g[i]), `${name}[${i}] numeric ${numeric} autodiff ${g[i]}`).toBeLessThan(2e-3 + 0.03 * Math.abs(numeric));
        }
      }
    });
  }
});

describe('nextItemLoss: the binary cross-entropy term', () => {
  const softplus = (x: number): number => Math.log1p(Math.exp(x));
  it('adds w · (mean softplus(-target logit) + mean softplus(negative logits)) to the sampled softmax', () => {
    const p = jittered(4);
    const v = createSequenceVariables(p);
    const h = tf.tensor2d(Array.from({ length: 3 * config.dim }, (_, k) => Math.sin(k)), [3, config.dim]);
    const targets = [3, 6, 9];
    const negs = [2, 5, 7, 1, 0];
    const loss = (w: number): number => tf.tidy(() => nextItemLoss(v, h, tf.tensor1d(targets, 'int32'), 'sampled', tf.tensor1d(negs, 'int32'), undefined, w).dataSync()[0]);
    const hv = h.dataSync();
    const logit = (row: number, item: number): number => {
      let s = p.itemBias![item];
      for (let k = 0; k < config.dim; k++) s += hv[row * config.dim + k] * p.itemEmb[item * config.dim + k];
      return s;
    };
    let bce = 0;
    targets.forEach((t, r) => (bce += softplus(-logit(r, t)) / targets.length + negs.reduce((a, j) => a + softplus(logit(r, j)), 0) / (targets.length * negs.length)));
    expect(bce).toBeGreaterThan(0.1);
    expect(loss(0.5) - loss(0)).toBeCloseTo(0.5 * bce, 4);
    expect(loss(2) - loss(0)).toBeCloseTo(2 * bce, 4);
  });
  it('is rejected outside 0..100', async () => {
    await expect(trainSequenceModel([Int32Array.of(1, 2, 3)], 5, { epochs: 1, bceWeight: -1 })).rejects.toThrow(InvalidInputError);
  });
});

describe('nextItemLoss: label smoothing of the full softmax', () => {
  it('the fused pass and the TF.js ops agree on value and gradients, and ε moves both', () => {
    const v = createSequenceVariables(jittered(6));
    const h = tf.tensor2d(Array.from({ length: 4 * config.dim }, (_, k) => Math.cos(k)), [4, config.dim]);
    const targets = tf.tensor1d([3, 6, 9, 1], 'int32');
    const run = (fused: boolean, eps: number) => {
      useFusedSoftmax(fused);
      try {
        const { value, grads } = tf.variableGrads(() => nextItemLoss(v, h, targets, 'full', undefined, undefined, 0, eps), [v.item_emb, v.item_bias]);
        return { value: value.dataSync()[0], grads: Object.values(grads).map((g) => g.dataSync()) };
      } finally {
        useFusedSoftmax(true);
      }
    };
    const [plain, fused, ops] = [run(true, 0), run(true, 0.3), run(false, 0.3)];
    expect(Math.abs(fused.value - ops.value)).toBeLessThan(1e-5);
    fused.grads.forEach((g, q) => g.forEach((x, i) => expect(Math.abs(x - ops.grads[q][i])).toBeLessThan(1e-6)));
    expect(Math.abs(fused.value - plain.value)).toBeGreaterThan(1e-3);
  });
  it('is refused by name with the sampled loss or outside [0, 1)', async () => {
    await expect(trainSequenceModel([Int32Array.of(1, 2, 3)], 5, { epochs: 1, loss: 'sampled', labelSmoothing: 0.1 })).rejects.toThrow(/labelSmoothing needs loss 'full'/);
    await expect(trainSequenceModel([Int32Array.of(1, 2, 3)], 5, { epochs: 1, loss: 'full', labelSmoothing: 1 })).rejects.toThrow(InvalidInputError);
  });
});

describe('trainingWindows', () => {
  const transitions = (ws: Int32Array[]): string[] => ws.flatMap((w) => Array.from(w.subarray(1), (t, k) => `${w[k]}>${t}`)).sort();
  it('newest: one window of the newest maxLen + 1 items per history', () => {
    expect(trainingWindows([Int32Array.of(1, 2, 3, 4, 5, 6), Int32Array.of(7)], 2).map((w) => Array.from(w))).toEqual([[4, 5, 6]]);
  });
  it('all: every transition of every history is a target exactly once, in windows of at most maxLen + 1', () => {
    const rng = createRng(5);
    for (const maxLen of [1, 2, 3, 7]) {
      const seqs = Array.from({ length: 6 }, (_, u) => Int32Array.from({ length: u * 4 }, () => rng.int(50)));
      const ws = trainingWindows(seqs, maxLen, 'all');
      expect(ws.every((w) => w.length >= 2 && w.length <= maxLen + 1)).toBe(true);
      expect(transitions(ws)).toEqual(transitions(seqs.filter((s) => s.length >= 2)));
    }
    expect(trainingWindows([Int32Array.of(1, 2, 3, 4, 5, 6)], 2, 'all').map((w) => Array.from(w))).toEqual([[4, 5, 6], [2, 3, 4], [1, 2]]);
  });
  it('crop: one full window per history, the newest half of the time, every full window reachable', () => {
    const seq = Int32Array.from({ length: 10 }, (_, t) => t);
    const rng = createRng(9);
    const ends = new Map<number, number>();
    for (let e = 0; e < 4000; e++) {
      const ws = cropWindows([seq, Int32Array.of(1, 2), Int32Array.of(3)], 3, rng);
      expect(ws.length).toBe(2); // the one-item history gives none
      expect(Array.from(ws[1])).toEqual([1, 2]); // a history shorter than a window is taken whole
      const w = ws[0];
      expect(w.length).toBe(4);
      expect(Array.from(w)).toEqual(Array.from({ length: 4 }, (_, k) => w[0] + k)); // contiguous
      ends.set(w[3], (ends.get(w[3]) ?? 0) + 1);
    }
    // ends 3..9: the newest (9) with 1/2 + 1/14, each earlier one 1/14
    expect([...ends.keys()].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(ends.get(9)! / 4000).toBeGreaterThan(0.52);
    expect(ends.get(9)! / 4000).toBeLessThan(0.62);
    for (const end of [3, 4, 5, 6, 7, 8]) expect(ends.get(end)! / 4000).toBeGreaterThan(0.05);
  });
  it('crop: `newest` sets the share of windows ending at the newest click (0: uniform ends, 1: as `newest`)', () => {
    const seq = Int32Array.from({ length: 10 }, (_, t) => t);
    const share = (newest: number): number => {
      const rng = createRng(4);
      let n = 0;
      for (let e = 0; e < 4000; e++) if (cropWindows([seq], 3, rng, newest)[0][3] === 9) n++;
      return n / 4000;
    };
    expect(share(1)).toBe(1);
    expect(share(0)).toBeGreaterThan(0.1); // 1/7 by chance of the uniform end
    expect(share(0)).toBeLessThan(0.19);
    expect(share(0.25)).toBeGreaterThan(0.3); // 1/4 + 3/4 · 1/7
    expect(share(0.25)).toBeLessThan(0.39);
  });
  it('prefix: a short history\'s random window ends anywhere from its second click; a long one keeps maxLen + 1 items', () => {
    const short = Int32Array.of(5, 6, 7, 8);
    const long = Int32Array.from({ length: 10 }, (_, t) => t);
    const rng = createRng(3);
    const shortEnds = new Map<number, number>();
    const longEnds = new Map<number, number>();
    for (let e = 0; e < 6000; e++) {
      const [s, l] = cropWindows([short, long], 3, rng, 0.5, true);
      expect(Array.from(s)).toEqual(Array.from(short.subarray(0, s.length))); // a prefix, from the first click
      expect(l.length).toBe(Math.min(4, l[l.length - 1] + 1)); // the window before the end, at most maxLen + 1 items
      shortEnds.set(s.length, (shortEnds.get(s.length) ?? 0) + 1);
      longEnds.set(l[l.length - 1], (longEnds.get(l[l.length - 1]) ?? 0) + 1);
    }
    // short: ends 2..4, the whole history with 1/2 + 1/6, each shorter prefix 1/6 (crop would take it whole)
    expect([...shortEnds.keys()].sort()).toEqual([2, 3, 4]);
    expect(shortEnds.get(4)! / 6000).toBeGreaterThan(0.62);
    expect(shortEnds.get(4)! / 6000).toBeLessThan(0.71);
    for (const n of [2, 3]) expect(shortEnds.get(n)! / 6000).toBeGreaterThan(0.13);
    // long: every end from the second item (index 1) to the newest (9), where crop's earliest is index 3
    expect([...longEnds.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // without the flag the short history is taken whole, as under crop
    expect(cropWindows([short], 3, createRng(3), 0, false).map((w) => w.length)).toEqual([4]);
  });
  it('prefix: the trainer trains on it and rejects an unknown window kind by name', async () => {
    const seqs = Array.from({ length: 12 }, (_, u) => Int32Array.from({ length: 6 }, (_, t) => (u + t) % 7));
    const { report } = await trainSequenceModel(seqs, 7, { dim: 8, heads: 1, ffnDim: 8, blocks: 1, maxLen: 5, epochs: 2, windows: 'prefix', loss: 'full' });
    expect(report.epochs).toBe(2);
    expect((report.losses as number[]).every((l) => Number.isFinite(l))).toBe(true);
    await expect(trainSequenceModel(seqs, 7, { epochs: 1, windows: 'prefixes' as never })).rejects.toThrow(/unknown windows 'prefixes'/);
  });
  it('crop: a share outside 0..1 is rejected by the trainer', async () => {
    await expect(trainSequenceModel([Int32Array.of(1, 2, 3)], 5, { epochs: 1, cropNewest: 1.5 })).rejects.toThrow(InvalidInputError);
  });
});

describe('epochBatches', () => {
  it('packs windows of neighbouring lengths, so short prefix windows are barely padded, and keeps every target once', () => {
    const rng = createRng(4);
    const histories = Array.from({ length: 600 }, (_, u) => Int32Array.from({ length: 2 + rng.int(12) }, (_, t) => (u + t) % 50));
    const windows = cropWindows(histories, 50, rng, 0.5, true);
    const batches = epochBatches(windows, 64, createRng(2));
    const real = batches.reduce((a, b) => a + b.targets.length, 0);
    const cells = batches.reduce((a, b) => a + b.rows * b.width, 0);
    expect(real).toBe(windows.reduce((a, w) => a + w.length - 1, 0));
    for (const b of batches) expect(b.rows * b.width <= 64 || b.rows === 1).toBe(true);
    // buckets of 8 lengths padded these to about 1.5x their positions
    expect(cells / real).toBeLessThan(1.05);
  });
});

describe('trainSequenceModel', () => {
  it('learns a deterministic next-item rule and reports what it did', async () => {
    // each sequence walks the catalogue in steps of +1 (mod 12): the next item is fully determined by the last.
    const sequences = walkSequences(60, 12, 6);
    const epochs: number[] = [];
    const { params, report } = await trainSequenceModel(sequences, 12, {
      dim: 16, maxLen: 5, blocks: 1, heads: 2, ffnDim: 16, epochs: 40, batchSize: 16, lr: 5e-3, dropout: 0, loss: 'full',
      onEpoch: ({ loss }) => void epochs.push(loss),
    });
    expect(report.epochs).toBe(40);
    expect(epochs[39]).toBeLessThan(epochs[0] / 4);
    let hits = 0;
    for (let s = 0; s < 12; s++) {
      const h = encodeSequence(params, [s, (s + 1) % 12, (s + 2) % 12]);
      let best = 0;
      let bestScore = -Infinity;
      for (let j = 0; j < 12; j++) {
        let sc = params.itemBias![j];
        for (let k = 0; k < 16; k++) sc += h[k] * params.itemEmb[j * 16 + k];
        if (sc > bestScore) [best, bestScore] = [j, sc];
      }
      if (best === (s + 3) % 12) hits++;
    }
    expect(hits).toBeGreaterThanOrEqual(11);
  });

  it('refuses bad input with named errors', async () => {
    await expect(trainSequenceModel([Int32Array.of(1)], 5)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(trainSequenceModel([Int32Array.of(1, 7)], 5)).rejects.toThrow(/outside 0\.\.4/);
    await expect(trainSequenceModel([Int32Array.of(1, 2)], 5, { lr: -1 })).rejects.toThrow(/lr > 0/);
    await expect(trainSequenceModel([Int32Array.of(1, 2)], 5, { dim: 6, heads: 4 })).rejects.toThrow(/multiple of heads/);
    await expect(trainSequenceModel([Int32Array.of(1, 2)], 5, { init: 'he' as 'fanIn' })).rejects.toThrow(/unknown init 'he'/);
    await expect(trainSequenceModel([Int32Array.of(1, 2)], 5, { lrDecay: 2 })).rejects.toThrow(/lrDecay must be 0\.\.1/);
  });

  it('anneals the learning rate to nothing over the last lrDecay of the run', async () => {
    // Same data, seed and epochs: the last epoch's steps move the weights far less when the rate has decayed.
    const sequences = Array.from({ length: 24 }, (_, u) => Int32Array.from({ length: 5 }, (_, t) => (u + t) % 9));
    const base = { dim: 8, maxLen: 4, blocks: 1, heads: 1, ffnDim: 8, epochs: 6, batchSize: 8, lr: 1e-2, dropout: 0, loss: 'full' } as const;
    const lastStep = async (lrDecay: number): Promise<number> => {
      const snaps: Float32Array[] = [];
      await trainSequenceModel(sequences, 9, { ...base, lrDecay, onEpoch: ({ snapshot }) => void snaps.push(snapshot().itemEmb) });
      const [a, b] = snaps.slice(-2);
      return a.reduce((m, x, i) => m + Math.abs(x - b[i]), 0);
    };
    const constant = await lastStep(0);
    const linear = await lastStep(0.5);
    expect(linear).toBeLessThan(constant / 3);
  });

  it('returns the mean of the parameters after each step of the last averageTail of the run, and the last step apart', async () => {
    // one batch per epoch, so each epoch's snapshot is one step's parameters; the tail of 0.5 is epochs 4-6's steps
    const sequences = Array.from({ length: 24 }, (_, u) => Int32Array.from({ length: 5 }, (_, t) => (u + t) % 9));
    const base = { dim: 8, maxLen: 4, blocks: 1, heads: 1, ffnDim: 8, epochs: 6, batchSize: 24, lr: 1e-2, dropout: 0, loss: 'full' } as const;
    const snaps: Float32Array[] = [];
    const run = await trainSequenceModel(sequences, 9, { ...base, averageTail: 0.5, onEpoch: ({ snapshot }) => void snaps.push(snapshot().itemEmb) });
    expect(run.report.averagedSteps).toBe(3);
    const mean = snaps[3].map((_, i) => (snaps[3][i] + snaps[4][i] + snaps[5][i]) / 3);
    run.params.itemEmb.forEach((v, i) => expect(v).toBeCloseTo(mean[i], 5));
    expect(run.lastIterate!.itemEmb).toEqual(snaps[5]);
    // averaging takes nothing from the random streams: without it the run ends at the same last step
    const plain = await trainSequenceModel(sequences, 9, base);
    expect(plain.lastIterate).toBeUndefined();
    expect(plain.params.itemEmb).toEqual(snaps[5]);
    await expect(trainSequenceModel(sequences, 9, { ...base, averageTail: 1.5 })).rejects.toThrow(/averageTail must be 0\.\.1/);
  });
});

describe('nextItemLoss: target mass moved onto the following clicks (futureWeight)', () => {
  it('the fused pass and the TF.js ops agree on value and gradients, and α moves both', () => {
    const v = createSequenceVariables(jittered(7));
    const h = tf.tensor2d(Array.from({ length: 5 * config.dim }, (_, k) => Math.sin(k * 0.7)), [5, config.dim]);
    const targetIds = Int32Array.of(3, 6, 9, 1, 6);
    const targets = tf.tensor1d(targetIds, 'int32');
    const moved = futureTargets(Int32Array.of(0, 1, 2, 4, 5), targetIds, 3, 0.4, 2);
    const run = (fused: boolean, m?: typeof moved) => {
      useFusedSoftmax(fused);
      try {
        const { value, grads } = tf.variableGrads(() => nextItemLoss(v, h, targets, 'full', undefined, undefined, 0, 0, m), [v.item_emb, v.item_bias]);
        return { value: value.dataSync()[0], grads: Object.values(grads).map((g) => g.dataSync()) };
      } finally {
        useFusedSoftmax(true);
      }
    };
    const [plain, fused, ops] = [run(true), run(true, moved), run(false, moved)];
    expect(Math.abs(fused.value - ops.value)).toBeLessThan(1e-5);
    fused.grads.forEach((g, q) => g.forEach((x, i) => expect(Math.abs(x - ops.grads[q][i])).toBeLessThan(1e-6)));
    expect(Math.abs(fused.value - plain.value)).toBeGreaterThan(1e-3);
  });
  it('trains, and is refused by name with the sampled loss or outside [0, 1)', async () => {
    const { report } = await trainSequenceModel(walkSequences(20, 12, 8, 3), 12, { epochs: 2, loss: 'full', futureWeight: 0.3, futureWindow: 3, dim: 8, ffnDim: 8, maxLen: 6 });
    expect((report.losses as number[]).every(Number.isFinite)).toBe(true);
    await expect(trainSequenceModel([Int32Array.of(1, 2, 3)], 5, { epochs: 1, loss: 'sampled', futureWeight: 0.1 })).rejects.toThrow(/futureWeight needs loss 'full'/);
    await expect(trainSequenceModel([Int32Array.of(1, 2, 3)], 5, { epochs: 1, loss: 'full', futureWeight: 1 })).rejects.toThrow(InvalidInputError);
    await expect(trainSequenceModel([Int32Array.of(1, 2, 3)], 5, { epochs: 1, loss: 'full', futureWeight: 0.1, futureWindow: 0 })).rejects.toThrow(/futureWindow/);
  });
});

describe('trainSequenceModel: a sample as large as the catalogue', () => {
  it('trains on the full softmax and says so; a smaller sample stays sampled', async () => {
    const data = walkSequences(16, 12, 6, 4);
    const base = { epochs: 1, dim: 8, ffnDim: 8, maxLen: 5, blocks: 1, dropout: 0, loss: 'sampled' as const };
    const big = await trainSequenceModel(data, 12, { ...base, negatives: 12 });
    expect((big.report.settings as { loss: string }).loss).toBe('full');
    expect(String(big.report.sampledAsFull)).toMatch(/12 negatives >= 12 items/);
    // the same run as asking for the full softmax outright
    const full = await trainSequenceModel(data, 12, { ...base, loss: 'full', negatives: 12 });
    expect(big.report.losses).toEqual(full.report.losses);
    const small = await trainSequenceModel(data, 12, { ...base, negatives: 11 });
    expect((small.report.settings as { loss: string }).loss).toBe('sampled');
    expect(small.report.sampledAsFull).toBeUndefined();
  });
});
