import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  createSequenceParams,
  encodeSequence,
  scoreSequence,
  validateSequenceParams,
} from '../../src/model/sequence/encode.ts';
import type { SequenceConfig, SequenceParams } from '../../src/model/sequence/types.ts';
import { InvalidInputError } from '../../src/errors.ts';
import { createRng } from '../../src/model/rng.ts';

const config: SequenceConfig = { numItems: 40, dim: 8, maxLen: 6, blocks: 2, heads: 2, ffnDim: 12 };

/** Fresh params with every LayerNorm and bias perturbed, so the test reads them all (init leaves them 1 / 0). */
function randomParams(c: SequenceConfig, seed: number): SequenceParams {
  const p = createSequenceParams(c, seed);
  const rng = createRng(seed + 100);
  const jitter = (a: Float32Array): void => a.forEach((v, i) => (a[i] = v + rng.normal() * 0.3));
  for (const b of p.blocks) Object.values(b).forEach(jitter);
  [p.posEmb, p.lnfGamma, p.lnfBeta, p.itemBias!].forEach(jitter);
  return p;
}

/** The forward of types.ts written independently with TF.js ops (cpu backend), for the whole window at once. */
function tfEncode(p: SequenceParams, items: number[], row = -1): Float32Array {
  const { dim, maxLen, heads } = p.config;
  const win = items.slice(-maxLen);
  const T = win.length;
  return tf.tidy(() => {
    const t = (a: Float32Array, shape: number[]): tf.Tensor => tf.tensor(a, shape);
    const ln = (x: tf.Tensor, g: Float32Array, b: Float32Array): tf.Tensor => {
      const { mean, variance } = tf.moments(x, -1, true);
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-6))), t(g, [dim])), t(b, [dim]));
    };
    const emb = tf.gather(t(p.itemEmb, [p.config.numItems, dim]), tf.tensor1d(win, 'int32'));
    const pos = tf.slice(t(p.posEmb, [maxLen, dim]), [maxLen - T, 0], [T, dim]);
    let x: tf.Tensor = tf.add(tf.mul(emb, Math.sqrt(dim)), pos);
    const hs = dim / heads;
    const mask = tf.linalg.bandPart(tf.ones([T, T]), -1, 0); // lower triangle: s <= t
    const negInf = tf.mul(tf.sub(1, mask), -1e9);
    for (const b of p.blocks) {
      const z = ln(x, b.ln1Gamma, b.ln1Beta);
      const proj = (w: Float32Array, bias: Float32Array): tf.Tensor =>
        tf.transpose(tf.reshape(tf.add(tf.matMul(z as tf.Tensor2D, t(w, [dim, dim]) as tf.Tensor2D), t(bias, [dim])), [T, heads, hs]), [1, 0, 2]);
      const q = proj(b.wq, b.bq);
      const k = proj(b.wk, b.bk);
      const v = proj(b.wv, b.bv);
      const logits = tf.add(tf.div(tf.matMul(q as tf.Tensor3D, k as tf.Tensor3D, false, true), Math.sqrt(hs)), negInf);
      const ctx = tf.matMul(tf.softmax(logits) as tf.Tensor3D, v as tf.Tensor3D);
      const merged = tf.reshape(tf.transpose(ctx, [1, 0, 2]), [T, dim]);
      x = tf.add(x, tf.add(tf.matMul(merged as tf.Tensor2D, t(b.wo, [dim, dim]) as tf.Tensor2D), t(b.bo, [dim])));
      const z2 = ln(x, b.ln2Gamma, b.ln2Beta);
      const pre = tf.add(tf.matMul(z2 as tf.Tensor2D, t(b.w1, [dim, p.config.ffnDim]) as tf.Tensor2D), t(b.b1, [p.config.ffnDim]));
      const gelu = tf.mul(tf.mul(pre, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(pre, tf.mul(0.044715, tf.pow(pre, 3)))))));
      x = tf.add(x, tf.add(tf.matMul(gelu as tf.Tensor2D, t(b.w2, [p.config.ffnDim, dim]) as tf.Tensor2D), t(b.b2, [dim])));
    }
    const last = tf.slice(x, [row < 0 ? T - 1 : row, 0], [1, dim]);
    return ln(last, p.lnfGamma, p.lnfBeta).dataSync() as Float32Array;
  });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('encodeSequence (plain-TypeScript reference forward)', () => {
  it('matches an independent TF.js forward within 1e-5, short and full windows', () => {
    const p = randomParams(config, 3);
    for (const items of [[5], [1, 2, 3], [39, 0, 7, 7, 12, 3], [4, 8, 15, 16, 23, 38, 2, 9]]) {
      const h = encodeSequence(p, items);
      const ref = tfEncode(p, items);
      expect(h.length).toBe(config.dim);
      for (let k = 0; k < config.dim; k++) expect(Math.abs(h[k] - ref[k])).toBeLessThan(1e-5);
    }
  });

  it('reads only the newest maxLen items', () => {
    const p = randomParams(config, 4);
    const tail = [9, 8, 7, 6, 5, 4];
    const a = encodeSequence(p, [1, 2, ...tail]);
    const b = encodeSequence(p, [33, ...tail]);
    expect([...a]).toEqual([...encodeSequence(p, tail)]);
    expect([...b]).toEqual([...a]);
  });

  it('is causal: a position never reads the items after it', () => {
    // Without position embeddings, the history [3, 1, 4] is what position 2 of [3, 1, 4, 1, 5] reads if the mask
    // holds: the TF.js forward over the longer window, read at row 2, must equal the reference on the prefix.
    const p = randomParams(config, 5);
    p.posEmb.fill(0);
    const hPrefix = encodeSequence(p, [3, 1, 4]);
    const row2 = tfEncode(p, [3, 1, 4, 1, 5], 2);
    hPrefix.forEach((v, k) => expect(Math.abs(v - row2[k])).toBeLessThan(1e-5));
    // ... while the newest position does read everything before it.
    const hLonger = encodeSequence(p, [3, 1, 4, 1, 5]);
    expect(hLonger.some((v, k) => Math.abs(v - hPrefix[k]) > 1e-3)).toBe(true);
    expect(encodeSequence(p, [2, 1, 4, 1, 5]).some((v, k) => Math.abs(v - hLonger[k]) > 1e-3)).toBe(true);
  });

  it('scores every item as h · itemEmb[j] + itemBias[j]', () => {
    const p = randomParams(config, 6);
    const h = encodeSequence(p, [1, 2]);
    const s = scoreSequence(p, h);
    expect(s.length).toBe(config.numItems);
    let dot = p.itemBias![17];
    for (let k = 0; k < config.dim; k++) dot += h[k] * p.itemEmb[17 * config.dim + k];
    expect(s[17]).toBeCloseTo(dot, 5);
    const noBias = { ...p, itemBias: undefined };
    expect(scoreSequence(noBias, h)[17]).toBeCloseTo(dot - p.itemBias![17], 5);
  });

  it('refuses empty histories and out-of-range items with InvalidInputError', () => {
    const p = createSequenceParams(config);
    expect(() => encodeSequence(p, [])).toThrow(InvalidInputError);
    expect(() => encodeSequence(p, [1, 40])).toThrow(/outside 0\.\.39/);
    expect(() => encodeSequence(p, [-1])).toThrow(InvalidInputError);
    expect(() => encodeSequence(p, [1.5])).toThrow(InvalidInputError);
    expect(() => scoreSequence(p, new Float32Array(3))).toThrow(InvalidInputError);
    // Out-of-range items outside the window are never read, so they do not fail the call.
    expect(encodeSequence(p, [999, 1, 2, 3, 4, 5, 6]).length).toBe(config.dim);
  });
});

describe('createSequenceParams / validateSequenceParams', () => {
  it('initialises LayerNorms to identity and is reproducible by seed', () => {
    const a = createSequenceParams(config, 7);
    expect([...a.blocks[1].ln2Gamma]).toEqual(new Array(config.dim).fill(1));
    expect([...a.lnfBeta]).toEqual(new Array(config.dim).fill(0));
    expect([...createSequenceParams(config, 7).itemEmb]).toEqual([...a.itemEmb]);
    expect([...createSequenceParams(config, 8).itemEmb]).not.toEqual([...a.itemEmb]);
    expect(() => validateSequenceParams(a)).not.toThrow();
  });

  it('draws matrices Xavier-uniform or, with init fanIn, uniform ±1/√fanIn with biases too', () => {
    const maxAbs = (a: Float32Array): number => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    const x = createSequenceParams(config, 3);
    const f = createSequenceParams(config, 3, 'fanIn');
    const { dim, ffnDim } = config;
    expect(maxAbs(x.blocks[0].w2)).toBeLessThanOrEqual(Math.sqrt(6 / (dim + ffnDim)));
    expect(maxAbs(x.blocks[0].w2)).toBeGreaterThan(1 / Math.sqrt(ffnDim)); // Xavier reaches past fanIn's bound
    expect(maxAbs(f.blocks[0].w2)).toBeLessThanOrEqual(1 / Math.sqrt(ffnDim));
    expect(maxAbs(x.blocks[0].b1)).toBe(0);
    expect(maxAbs(f.blocks[0].b1)).toBeGreaterThan(0);
    expect(maxAbs(f.blocks[0].b1)).toBeLessThanOrEqual(1 / Math.sqrt(dim));
    expect(() => validateSequenceParams(f)).not.toThrow();
  });

  it('names the tensor whose length disagrees with the config', () => {
    const p = createSequenceParams(config);
    p.blocks[1].w1 = new Float32Array(5);
    expect(() => validateSequenceParams(p)).toThrow(/seq\/block1\/w1 has 5 values, the config needs 96/);
    const q = createSequenceParams(config);
    q.posEmb = new Float32Array(3);
    expect(() => validateSequenceParams(q)).toThrow(InvalidInputError);
    const r = createSequenceParams(config);
    r.blocks.pop();
    expect(() => validateSequenceParams(r)).toThrow(/1 blocks, the config needs 2/);
    expect(() => createSequenceParams({ ...config, heads: 3 })).toThrow(/multiple of heads/);
  });
});
