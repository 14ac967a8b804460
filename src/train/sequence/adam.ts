/**
 * Adam on flat Float32Arrays, the same update as TF.js's `tf.train.adam` (bias-corrected moments, epsilon added to
 * the square root of the corrected second moment), so the trainer's threads can share one parameter array; with
 * `weightDecay` > 0, AdamW's decoupled decay (Loshchilov & Hutter; PyTorch's `AdamW`) on the `decayRanges`.
 */
export interface AdamState {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  m: Float32Array;
  v: Float32Array;
  /** Steps taken. */
  t: number;
  /** Decoupled weight decay λ: each step first scales the decayed parameters by `1 − lr·λ`. 0: plain Adam. */
  weightDecay: number;
  /** `[start, end)` index ranges of the parameters that decay (weight matrices and embeddings, not biases or norms). */
  decayRanges: [number, number][];
}

export function createAdam(size: number, lr: number, beta1 = 0.9, beta2 = 0.98, epsilon = 1e-8): AdamState {
  return { lr, beta1, beta2, epsilon, m: new Float32Array(size), v: new Float32Array(size), t: 0, weightDecay: 0, decayRanges: [] };
}

/**
 * One step: `params -= lr · m̂ / (sqrt(v̂) + ε)` with the gradient `grad` (same length as `params`), after
 * `params *= 1 − lr·λ` on the decay ranges (PyTorch's AdamW order).
 */
export function adamStep(s: AdamState, params: Float32Array, grad: Float32Array): void {
  s.t++;
  const { beta1: b1, beta2: b2, epsilon: eps, m, v } = s;
  const c1 = 1 / (1 - b1 ** s.t);
  const c2 = 1 / (1 - b2 ** s.t);
  const lr = s.lr;
  if (s.weightDecay > 0) {
    const keep = 1 - lr * s.weightDecay;
    for (const [a, b] of s.decayRanges) for (let i = a; i < b; i++) params[i] *= keep;
  }
  const n = params.length;
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    const mi = b1 * m[i] + (1 - b1) * g;
    const vi = b2 * v[i] + (1 - b2) * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i] -= (lr * (mi * c1)) / (Math.sqrt(vi * c2) + eps);
  }
}
