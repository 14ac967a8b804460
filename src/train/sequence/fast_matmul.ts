/**
 * Dense products whose backward pass stays on the wasm backend's fast path.
 *
 * tfjs-backend-wasm multiplies with XNNPACK only when neither operand is transposed and both are 2-D (batch 1);
 * every other product runs a scalar triple loop. TF.js's own gradient of `matMul(a, b)` is `matMul(dy, b, false,
 * true)` and `matMul(a, dy, true, false)` — both on the slow loop. Measured on a quiet machine for a `[3200, 64]`
 * activation and a `[64, 64]` weight: `dy · Wᵀ` 2.6 GFLOP/s, `dy · transpose(W)` 10.8; `xᵀ · dy` 2.8,
 * `transpose(x) · dy` 29.6 (the transpose copied out first, then XNNPACK). Same maths; only the order of the sums
 * differs.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * `a · b` for `a [n, k]`, `b [k, m]`; its gradients are `dy · bᵀ` and `aᵀ · dy` with the transposes copied out.
 *
 * @example
 * const y = matMul2d(x, w); // as tf.matMul(x, w), with a backward pass 4-10x faster on wasm
 */
export const matMul2d = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b] = args as tf.Tensor2D[];
  const save = args[2] as tf.GradSaveFunc;
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, tf.transpose(saved[1] as tf.Tensor2D)),
      tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy as tf.Tensor2D),
    ],
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;

/** `a · bᵀ` for `a [n, k]`, `b [m, k]` (e.g. hidden states against item embeddings), on the fast path both ways. */
export function matMulTransposed(a: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return matMul2d(a, tf.transpose(b));
}
