import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs'; // registers the gradients
import { chooseBackend } from '../../src/kernels/index.ts';
import { createRng } from '../../src/model/rng.ts';
import { fullSoftmaxLoss, softmaxCrossEntropyRows } from '../../src/train/sequence/simd/softmax_ce.ts';

function random(n: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => scale * rng.normal());
}

/** Mean cross-entropy and its gradient by the definition, in float64. */
function reference(x: Float32Array, bias: Float32Array, targets: Int32Array, rows: number, n: number, eps = 0) {
  const grad = new Float64Array(rows * n);
  const biasGrad = new Float64Array(n);
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const z = Array.from({ length: n }, (_, j) => x[r * n + j] + bias[j]);
    const max = Math.max(...z);
    const sum = z.reduce((s, v) => s + Math.exp(v - max), 0);
    // cross-entropy against (1 − ε)·onehot + ε/n
    for (let j = 0; j < n; j++) loss += ((j === targets[r] ? 1 - eps : 0) + eps / n) * (Math.log(sum) + max - z[j]);
    for (let j = 0; j < n; j++) {
      const g = (Math.exp(z[j] - max) / sum - (j === targets[r] ? 1 - eps : 0) - eps / n) / rows;
      grad[r * n + j] = g;
      biasGrad[j] += g;
    }
  }
  return { loss: loss / rows, grad, biasGrad };
}

function maxAbsDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let m = got.length === want.length ? 0 : Infinity;
  for (let q = 0; q < got.length; q++) m = Math.max(m, Math.abs(got[q] - want[q]));
  return m;
}

describe('softmax_ce.wat (the full softmax cross-entropy and its gradient in one pass)', () => {
  // n 37 leaves a tail of one lane after the four-wide loop; n 3 is all tail; spreads up to ±60 test exp's range
  for (const [rows, n, spread] of [[5, 37, 1], [3, 3, 4], [16, 64, 20], [2, 11, 60]] as const)
    it(`${rows} rows × ${n} items, logits spread ${spread}: the definition's loss, gradient and bias gradient`, () => {
      const x = random(rows * n, rows + n, spread);
      const bias = random(n, n, 0.5);
      const rng = createRng(7);
      const targets = Int32Array.from({ length: rows }, () => rng.int(n));
      const want = reference(x, bias, targets, rows, n);
      const biasGrad = new Float32Array(n).fill(0.25); // added to, not overwritten
      const grad = x.slice();
      const loss = softmaxCrossEntropyRows(grad, bias, targets, rows, n, biasGrad);
      expect(Math.abs(loss - want.loss)).toBeLessThan(1e-5 * (1 + want.loss));
      expect(maxAbsDiff(grad, want.grad)).toBeLessThan(1e-6);
      expect(maxAbsDiff(biasGrad.map((g) => g - 0.25), want.biasGrad)).toBeLessThan(1e-6);
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += grad[r * n + j];
        expect(Math.abs(s)).toBeLessThan(1e-6); // softmax sums to one, less the one-hot
      }
    });

  it('with label smoothing ε: the cross-entropy against (1 − ε)·onehot + ε/n, its gradient and bias gradient', () => {
    const [rows, n] = [6, 29];
    const x = random(rows * n, 5, 3);
    const bias = random(n, 6, 0.5);
    const targets = Int32Array.from({ length: rows }, (_, r) => (r * 5) % n);
    for (const eps of [0.1, 0.5]) {
      const want = reference(x, bias, targets, rows, n, eps);
      const biasGrad = new Float32Array(n);
      const grad = x.slice();
      const loss = softmaxCrossEntropyRows(grad, bias, targets, rows, n, biasGrad, eps);
      expect(Math.abs(loss - want.loss)).toBeLessThan(1e-5 * (1 + want.loss));
      expect(maxAbsDiff(grad, want.grad)).toBeLessThan(1e-6);
      expect(maxAbsDiff(biasGrad, want.biasGrad)).toBeLessThan(1e-6);
      expect(Math.abs(loss - reference(x, bias, targets, rows, n).loss)).toBeGreaterThan(1e-3); // it changed the loss
    }
  });

  it('reuses its memory across calls of different sizes, and stays finite on logits far past exp’s range', () => {
    softmaxCrossEntropyRows(random(64 * 500, 1), random(500, 2), new Int32Array(64), 64, 500, new Float32Array(500));
    const x = Float32Array.from([1e4, -1e4, 0, 3, -200, 200]);
    const grad = x.slice();
    const loss = softmaxCrossEntropyRows(grad, new Float32Array(3), Int32Array.from([2, 1]), 2, 3, new Float32Array(3));
    const want = reference(x, new Float32Array(3), Int32Array.from([2, 1]), 2, 3);
    expect(Number.isFinite(loss)).toBe(true);
    expect(Math.abs(loss - want.loss)).toBeLessThan(1e-3);
    expect(maxAbsDiff(grad, want.grad)).toBeLessThan(1e-6);
  });
});

describe('fullSoftmaxLoss: value and gradients as TF.js computes logSumExp − the target logit', () => {
  const P = 24;
  const D = 8;
  const N = 45;
  const data = { h: random(P * D, 1, 0.7), e: random(N * D, 2, 0.7), b: random(N, 3, 0.3) };
  const targets = Int32Array.from({ length: P }, (_, i) => (i * 7 + 3) % N);
  const run = (fused: boolean, eps = 0) =>
    tf.tidy(() => {
      const h = tf.tensor2d(data.h, [P, D]);
      const e = tf.tensor2d(data.e, [N, D]);
      const b = tf.tensor1d(data.b);
      // a weight on the loss checks the upstream gradient is applied
      const f = (hh: tf.Tensor, ee: tf.Tensor, bb: tf.Tensor): tf.Scalar => {
        if (fused) return tf.mul(fullSoftmaxLoss(hh as tf.Tensor2D, ee as tf.Tensor2D, bb as tf.Tensor1D, targets, eps), 1.7);
        const logits = tf.add(tf.matMul(hh, ee, false, true), bb) as tf.Tensor2D;
        const labels = tf.add(tf.mul(tf.oneHot(tf.tensor1d(targets, 'int32'), N), 1 - eps), eps / N);
        const target = tf.sum(tf.mul(logits, labels), 1);
        return tf.mul(tf.mean(tf.sub(tf.logSumExp(logits, 1), target)), 1.7);
      };
      const { value, grads } = tf.valueAndGrads(f)([h, e, b]);
      return { value: value.dataSync()[0], grads: grads.map((g) => g.dataSync() as Float32Array) };
    });

  for (const backend of ['cpu', 'wasm'])
    it(`on ${backend}`, async () => {
      await tf.setBackend('cpu');
      const want = run(false);
      if (backend === 'wasm') expect((await chooseBackend(['wasm'])).backend).toBe('wasm');
      const before = tf.memory().numTensors;
      const got = run(true);
      expect(tf.memory().numTensors).toBe(before); // nothing leaked
      expect(Math.abs(got.value - want.value)).toBeLessThan(1e-5);
      got.grads.forEach((g, q) => expect(maxAbsDiff(g, want.grads[q])).toBeLessThan(1e-6));
      await tf.setBackend('cpu');
      const wantSmooth = run(false, 0.2);
      if (backend === 'wasm') await chooseBackend(['wasm']);
      const gotSmooth = run(true, 0.2);
      expect(Math.abs(gotSmooth.value - wantSmooth.value)).toBeLessThan(1e-5);
      expect(Math.abs(gotSmooth.value - got.value)).toBeGreaterThan(1e-3);
      gotSmooth.grads.forEach((g, q) => expect(maxAbsDiff(g, wantSmooth.grads[q])).toBeLessThan(1e-6));
      expect(() => fullSoftmaxLoss(tf.zeros([3, D]), tf.zeros([N, D]), tf.zeros([N]), new Int32Array(2))).toThrow(/2 targets for 3 rows/);
    });
});
