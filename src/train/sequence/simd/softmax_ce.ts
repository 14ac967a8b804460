/**
 * The full softmax's cross-entropy with its gradient computed in the forward pass, on 128-bit wasm SIMD
 * (softmax_ce.wat), for the sequence trainer.
 *
 * Written with TF.js ops, `logsumexp(h·Eᵀ + b) − logit[target]` makes about nine passes over the `[positions,
 * items]` logits (the bias's add, `logSumExp`'s max, subtract, exp and sum, and the gradient's subtract, exp,
 * multiply and column sum), each a scalar loop allocating a full-size tensor: on ML-1M (1,600 positions × 3,706
 * items per thread) they took 2.4x the time of the loss's three products. Here the forward pass is one product
 * (XNNPACK) and one pass over the logits that leaves the gradient `(softmax − onehot) / positions` in place, so the
 * backward pass is two products.
 */
import * as tf from '@tensorflow/tfjs-core';
import { instantiateKernel, reserveKernelMemory } from './instantiate.ts';
import type { KernelMemory, WasmBackendHeap } from './instantiate.ts';
import { SOFTMAX_CE_WASM_BASE64 } from './softmax_ce_wasm.ts';

/**
 * Extra target mass moved between items of the same rows (loss.ts `futureTargets`): row `rows[q]`'s target
 * distribution gains `mass[q]` on item `items[q]` (negative: loses it). Each row's masses sum to 0, so the
 * distribution stays one.
 */
export interface TargetMass {
  rows: Int32Array;
  items: Int32Array;
  mass: Float32Array;
}

interface SoftmaxCeExports extends KernelMemory {
  softmax_ce(x: number, bias: number, targets: number, col: number, out: number, rows: number, n: number, inv: number): void;
}

let kernel: SoftmaxCeExports | null = null;
let enabled = true;

/**
 * Whether the trainer's full-softmax loss takes this path (loss.ts; default on). Benches turn it off to time the
 * TF.js ops side by side in one process (`npm run bench:sequence-bmm`).
 */
export function useFusedSoftmax(on?: boolean): boolean {
  if (on !== undefined) enabled = on;
  return enabled;
}

function softmaxCeKernel(): SoftmaxCeExports {
  return (kernel ??= instantiateKernel<SoftmaxCeExports>(SOFTMAX_CE_WASM_BASE64));
}

/**
 * For `rows` rows of `logits` (`[rows, n]`, without the bias): overwrites each row with the gradient of the mean
 * cross-entropy `(softmax(row + bias) − onehot(target)) / rows`, adds the gradient's column sums into `biasGrad`
 * (`[n]`) and returns the mean loss. Targets must be in `[0, n)` (the trainer's batches are). With `smoothing` ε > 0
 * the target distribution is `(1 − ε)·onehot + ε/n` (label smoothing): the loss gains `ε·(z_target − mean z)` per
 * row and the gradient `ε·(onehot − 1/n) / rows`. With `moved` (TargetMass) each row's target distribution also
 * gains `mass` on `items`: the loss gains `−mass·z_item` per entry and the gradient `−mass / rows` at that cell.
 *
 * @example
 * const g = new Float32Array(n);
 * const loss = softmaxCrossEntropyRows(logits, bias, targets, targets.length, n, g); // logits now the gradient
 */
export function softmaxCrossEntropyRows(
  logits: Float32Array,
  bias: Float32Array,
  targets: Int32Array,
  rows: number,
  n: number,
  biasGrad: Float32Array,
  smoothing = 0,
  moved?: TargetMass,
): number {
  const k = softmaxCeKernel();
  // the moved mass's share of the loss, read before the kernel overwrites the logits: −Σ mass·z_item
  let shifted = 0;
  if (moved) {
    for (let q = 0; q < moved.rows.length; q++) {
      const item = moved.items[q];
      shifted -= moved.mass[q] * (logits[moved.rows[q] * n + item] + bias[item]);
    }
  }
  // label smoothing's share of the loss, read before the kernel overwrites the logits: Σ_r ε·(z_target − mean z)
  let smoothed = 0;
  if (smoothing > 0) {
    let biasSum = 0;
    for (let j = 0; j < n; j++) biasSum += bias[j];
    for (let r = 0; r < rows; r++) {
      let s = biasSum;
      for (let j = r * n, end = j + n; j < end; j++) s += logits[j];
      smoothed += smoothing * (logits[r * n + targets[r]] + bias[targets[r]] - s / n);
    }
  }
  const x = 0;
  const b = rows * n * 4;
  const t = b + n * 4;
  const col = t + rows * 4;
  const out = col + n * 4;
  reserveKernelMemory(k, out + rows * 8);
  const f32 = new Float32Array(k.memory.buffer);
  f32.set(logits.subarray(0, rows * n), x / 4);
  f32.set(bias.subarray(0, n), b / 4);
  new Int32Array(k.memory.buffer).set(targets.subarray(0, rows), t / 4);
  f32.fill(0, col / 4, col / 4 + n);
  k.softmax_ce(x, b, t, col, out, rows, n, 1 / rows);
  logits.set(f32.subarray(x / 4, x / 4 + rows * n));
  for (let j = 0; j < n; j++) biasGrad[j] += f32[col / 4 + j];
  if (smoothing > 0) {
    const spread = smoothing / (n * rows);
    for (let q = 0, end = rows * n; q < end; q++) logits[q] -= spread;
    for (let r = 0; r < rows; r++) {
      logits[r * n + targets[r]] += smoothing / rows;
      biasGrad[targets[r]] += smoothing / rows;
    }
    for (let j = 0; j < n; j++) biasGrad[j] -= smoothing / n;
  }
  if (moved) {
    for (let q = 0; q < moved.rows.length; q++) {
      const item = moved.items[q];
      const g = moved.mass[q] / rows;
      logits[moved.rows[q] * n + item] -= g;
      biasGrad[item] -= g;
    }
  }
  let loss = smoothed + shifted;
  for (let r = 0; r < rows; r++) loss += Math.log(f32[out / 4 + 2 * r]) + f32[out / 4 + 2 * r + 1];
  return loss / rows;
}

/**
 * Mean over the rows of `h` (`[P, dim]`) of `logsumexp(h·Eᵀ + b) − (h·Eᵀ + b)[target]` against every item of `emb`
 * (`[N, dim]`) and `bias` (`[N]`): the value of `logSumExp(logits) − gather(logits, target)`, its gradients
 * from `softmaxCrossEntropyRows`. On the wasm backend the logits' own buffer becomes the gradient (one copy in and
 * one out of the kernel's memory); elsewhere they are read back and written anew.
 *
 * @example
 * const loss = fullSoftmaxLoss(h, vars.item_emb, vars.item_bias, batch.targets);
 */
export function fullSoftmaxLoss(
  h: tf.Tensor2D,
  emb: tf.Tensor2D,
  bias: tf.Tensor1D,
  targets: Int32Array,
  smoothing = 0,
  moved?: TargetMass,
): tf.Scalar {
  const rows = h.shape[0];
  const n = emb.shape[0];
  if (targets.length !== rows) throw new Error(`fullSoftmaxLoss: ${targets.length} targets for ${rows} rows`);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [hh, ee, bb] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    let grad = tf.matMul(hh, tf.transpose(ee));
    const biasGrad = new Float32Array(n);
    let loss: number;
    if (tf.getBackend() === 'wasm') {
      // the product is this function's own tensor, read by nothing else: its buffer takes the gradient in place
      const heap = (tf.backend() as unknown as WasmBackendHeap).typedArrayFromHeap(grad) as Float32Array;
      loss = softmaxCrossEntropyRows(heap, bb.dataSync() as Float32Array, targets, rows, n, biasGrad, smoothing, moved);
    } else {
      const values = grad.dataSync().slice() as Float32Array;
      loss = softmaxCrossEntropyRows(values, bb.dataSync() as Float32Array, targets, rows, n, biasGrad, smoothing, moved);
      grad.dispose();
      grad = tf.tensor2d(values, [rows, n]);
    }
    save([hh, ee, grad, tf.tensor1d(biasGrad)]);
    return {
      value: tf.scalar(loss),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sh, se, g, gb] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        return [
          tf.mul(tf.matMul(g, se), dy),
          // (hᵀ · g)ᵀ: both products non-transposed, XNNPACK's fast path on wasm (fast_matmul.ts)
          tf.mul(tf.transpose(tf.matMul(tf.transpose(sh), g)), dy),
          tf.mul(gb, dy),
        ];
      },
    };
  }) as (h: tf.Tensor, emb: tf.Tensor, bias: tf.Tensor) => tf.Scalar;
  return f(h, emb, bias);
}
