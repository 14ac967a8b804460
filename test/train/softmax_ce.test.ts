import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs'; // registers the gradients
import { chooseBackend } from '../../src/kernels/index.ts';
import { createRng } from '../../src/model/rng.ts';
import { fullSoftmaxLoss, softmaxCrossEntropyRows } from '../../src/train/sequence/simd/softmax_ce.ts';
import { futureTargets } from '../../src/train/sequence/loss.ts';

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

  it('with target mass moved onto the following clicks: the cross-entropy against that distribution', () => {
    // two rows of a batch 4 wide: row 0 has targets at columns 1..3, row 1 at 0..3
    const positions = Int32Array.of(1, 2, 3, 4, 5, 6, 7);
    const targets = Int32Array.of(4, 9, 4, 0, 2, 17, 8);
    const [rows, n] = [positions.length, 19];
    const x = random(rows * n, 8, 2);
    const bias = random(n, 9, 0.5);
    for (const [alpha, window] of [[0.3, 2], [0.6, 5]] as const) {
      const moved = futureTargets(positions, targets, 4, alpha, window);
      // the distribution by its definition: (1 − α)·onehot(next) + α·mean onehot(up to `window` following in the row)
      const q = new Float64Array(rows * n);
      for (let r = 0; r < rows; r++) {
        const row = Math.floor(positions[r] / 4);
        const following: number[] = [];
        for (let j = r + 1; j < rows && following.length < window && Math.floor(positions[j] / 4) === row; j++) following.push(targets[j]);
        const a = following.length > 0 ? alpha : 0;
        q[r * n + targets[r]] += 1 - a;
        for (const t of following) q[r * n + t] += a / following.length;
      }
      let wantLoss = 0;
      const wantGrad = new Float64Array(rows * n);
      const wantBias = new Float64Array(n);
      for (let r = 0; r < rows; r++) {
        const z = Array.from({ length: n }, (_, j) => x[r * n + j] + bias[j]);
        const max = Math.max(...z);
        const sum = z.reduce((acc, v) => acc + Math.exp(v - max), 0);
        for (let j = 0; j < n; j++) {
          wantLoss += (q[r * n + j] * (Math.log(sum) + max - z[j])) / rows;
          wantGrad[r * n + j] = (Math.exp(z[j] - max) / sum - q[r * n + j]) / rows;
          wantBias[j] += wantGrad[r * n + j];
        }
      }
      const biasGrad = new Float32Array(n);
      const grad = x.slice();
      const loss = softmaxCrossEntropyRows(grad, bias, targets, rows, n, biasGrad, 0, moved);
      expect(Math.abs(loss - wantLoss)).toBeLessThan(1e-5 * (1 + wantLoss));
      expect(maxAbsDiff(grad, wantGrad)).toBeLessThan(1e-6);
      expect(maxAbsDiff(biasGrad, wantBias)).toBeLessThan(1e-6);
      expect(Math.abs(loss - reference(x, bias, targets, rows, n).loss)).toBeGreaterThan(1e-3);
    }
  });

  it('futureTargets: masses sum to 0 per position, stay in the row, and leave a row\'s newest position alone', () => {
    const moved = futureTargets(Int32Array.of(2, 3, 5, 6, 7), Int32Array.of(10, 11, 12, 13, 14), 4, 0.5, 3);
    // positions 2, 3 are row 0 (3 follows 2); 5, 6, 7 row 1
    expect(Array.from(moved.rows)).toEqual([0, 0, 2, 2, 2, 3, 3]);
    expect(Array.from(moved.items)).toEqual([10, 11, 12, 13, 14, 13, 14]);
    expect(Array.from(moved.mass)).toEqual([-0.5, 0.5, -0.5, 0.25, 0.25, -0.5, 0.5]);
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
