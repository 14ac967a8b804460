import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs'; // registers the gradients
import { chooseBackend } from '../../src/kernels/index.ts';
import { createRng } from '../../src/model/rng.ts';
import { batchMatMulSimd, installSimdBatchMatMul, simdBatchMatMulCalls } from '../../src/train/sequence/simd/batch_matmul.ts';

function random(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** out[t] = op(A[t]) · op(B[t]) by the definition, in float64. */
function reference(a: Float32Array, b: Float32Array, batch: number, m: number, k: number, n: number, tA: boolean, tB: boolean): Float64Array {
  const out = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) {
          const av = tA ? a[t * k * m + q * m + i] : a[t * m * k + i * k + q];
          const bv = tB ? b[t * n * k + j * k + q] : b[t * k * n + q * n + j];
          s += av * bv;
        }
        out[(t * m + i) * n + j] = s;
      }
  return out;
}

function maxRelDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let m = got.length === want.length ? 0 : Infinity;
  for (let q = 0; q < got.length; q++) m = Math.max(m, Math.abs(got[q] - want[q]) / (1 + Math.abs(want[q])));
  return m;
}

describe('bmm.wat (batched products on wasm SIMD)', () => {
  it('is assembled from its .wat source (npm run build:wasm --check)', () => {
    expect(() => execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  const shapes: [number, number, number, number][] = [
    [1, 1, 1, 1],
    [3, 5, 7, 9],
    [2, 4, 8, 8],
    [64, 50, 32, 50],
    [4, 13, 1, 17],
    [2, 9, 33, 3],
  ];
  for (const [batch, m, k, n] of shapes)
    for (const [tA, tB] of [[false, false], [false, true], [true, false], [true, true]] as const)
      it(`[${batch}] ${m}x${k} · ${k}x${n}, transposeA ${tA}, transposeB ${tB}: the definition's numbers`, () => {
        const a = random(batch * m * k, batch + m);
        const b = random(batch * k * n, k + n);
        const out = new Float32Array(batch * m * n).fill(NaN);
        batchMatMulSimd(a, b, batch, m, k, n, tA, tB, out);
        expect(maxRelDiff(out, reference(a, b, batch, m, k, n, tA, tB))).toBeLessThan(1e-5);
      });

  it('reuses its memory across calls of different sizes (no stale padding)', () => {
    const big = new Float32Array(8 * 20 * 20);
    batchMatMulSimd(random(8 * 20 * 16, 1), random(8 * 16 * 20, 2), 8, 20, 16, 20, false, false, big);
    for (const [tA, tB] of [[false, false], [true, true]] as const) {
      const a = random(2 * 3 * 5, 3);
      const b = random(2 * 5 * 6, 4);
      const out = new Float32Array(2 * 3 * 6);
      batchMatMulSimd(a, b, 2, 3, 5, 6, tA, tB, out);
      expect(maxRelDiff(out, reference(a, b, 2, 3, 5, 6, tA, tB))).toBeLessThan(1e-5);
    }
  });
});

describe('installSimdBatchMatMul on tfjs-backend-wasm', () => {
  it('serves batched and transposed products, and attention gradients match the cpu backend', async () => {
    const attention = (q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Scalar =>
      tf.tidy(() => tf.sum(tf.mul(tf.matMul(tf.softmax(tf.matMul(q, k, false, true)), v), tf.reshape(tf.linspace(-1, 1, 6 * 7 * 5), [6, 7, 5]))));
    const data = [random(6 * 7 * 5, 11), random(6 * 7 * 5, 12), random(6 * 7 * 5, 13)];
    const gradsOn = (): Float32Array[] =>
      tf.tidy(() => {
        const [q, k, v] = data.map((d) => tf.tensor3d(d, [6, 7, 5]));
        return tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => attention(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D))([q, k, v]).map((g) => g.dataSync() as Float32Array);
      });
    await tf.setBackend('cpu');
    const want = gradsOn();
    const choice = await chooseBackend(['wasm']);
    expect(choice.backend).toBe('wasm');
    installSimdBatchMatMul();
    const before = simdBatchMatMulCalls();
    const got = gradsOn();
    // forward: 2 batched products; backward: 4
    expect(simdBatchMatMulCalls() - before).toBeGreaterThanOrEqual(6);
    got.forEach((g, q) => expect(maxRelDiff(g, want[q])).toBeLessThan(1e-4));
    // a plain 2-D product stays on TF.js's kernel
    const calls = simdBatchMatMulCalls();
    const x = tf.tensor2d(random(12, 5), [3, 4]);
    const w = tf.tensor2d(random(8, 6), [4, 2]);
    const y = tf.matMul(x, w);
    expect(maxRelDiff(y.dataSync(), reference(x.dataSync() as Float32Array, w.dataSync() as Float32Array, 1, 3, 4, 2, false, false))).toBeLessThan(1e-5);
    expect(simdBatchMatMulCalls()).toBe(calls);
    tf.dispose([x, w, y]);
  });
});
