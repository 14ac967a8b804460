/**
 * The sequence model's prior user vector p_0, fitted to what shoppers click first. p_0 is what the engine ranks with
 * before a shopper's first known click, and what a short history's encoding is shrunk toward (κ, `priorClicks`).
 * The mean encoded training history, the earlier p_0, answers another question ("a typical long history") and on
 * ML-1M ranked the first clicks far below a popularity list (docs/sequence-runtime.md). Here p_0 maximises the
 * likelihood of each training history's first `clicks` items under the model's own scores:
 *   p_0 = argmin_p  −Σ_i c_i · log softmax(E·p + b)_i + (λ/2)·‖p‖²
 * where c_i counts item i among the first clicks. p is shared by every target, so the loss needs one pass over the
 * item table per step, not one per event: the counts are its only contact with the log. Convex; Newton to the optimum.
 */
import { cholesky, cholSolve } from '../engine/fold_in.ts';
import { InvalidInputError } from '../errors.ts';

export interface StartPriorOptions {
  /** How many of each history's first items are targets (default 5: the first clicks a shelf must serve). */
  clicks?: number;
  /** Newton steps at most (default 50; it stops at the optimum, in about 5-15 on trained tables). */
  steps?: number;
  /** λ, the ridge on p (default 1e-3, per target). */
  l2?: number;
}

export interface StartPrior {
  prior: Float32Array;
  /** Mean negative log-likelihood of the first clicks at the end, and under the uniform ranking (log N), for reports. */
  loss: number;
  uniformLoss: number;
  targets: number;
  steps: number;
}

/**
 * Fits p_0 to the first clicks of `sequences` (item rows, oldest first) against the item table `itemEmb`
 * ([numItems × dim], row-major) and `itemBias`. Undefined when no history has an item.
 *
 * @example
 * const fit = fitStartPrior(params.itemEmb, params.itemBias, 64, sequences);
 * if (fit) model.priorUser = fit.prior;
 */
export function fitStartPrior(
  itemEmb: Float32Array,
  itemBias: Float32Array | undefined,
  dim: number,
  sequences: readonly ArrayLike<number>[],
  o: StartPriorOptions = {},
): StartPrior | undefined {
  const clicks = o.clicks ?? 5;
  const maxSteps = o.steps ?? 50;
  const l2 = o.l2 ?? 1e-3;
  if (!(clicks >= 1) || !Number.isInteger(clicks)) throw new InvalidInputError(`fitStartPrior: clicks must be an integer >= 1, got ${clicks}`);
  const n = itemEmb.length / dim;
  if (!Number.isInteger(n) || (itemBias && itemBias.length !== n)) throw new InvalidInputError(`fitStartPrior: an item table of ${itemEmb.length} floats does not hold rows of ${dim} (bias ${itemBias?.length})`);
  const counts = new Float64Array(n);
  let targets = 0;
  for (const s of sequences) {
    for (let t = 0; t < Math.min(clicks, s.length); t++) {
      const row = s[t];
      if (row < 0 || row >= n) throw new InvalidInputError(`fitStartPrior: item row ${row} outside the table of ${n}`);
      counts[row]++;
      targets++;
    }
  }
  if (targets === 0) return undefined;
  for (let i = 0; i < n; i++) counts[i] /= targets;

  // Damped Newton: the loss is convex in p's `dim` numbers, so its Hessian Eᵀ(diag(s) − s·sᵀ)E + λI (one pass over
  // the table, N·d²/2) gives the optimum in a few steps where a first-order method needs thousands on a table of
  // small rows. A step that does not lower the loss is halved (Armijo).
  let p = new Float64Array(dim);
  const soft = new Float64Array(n);
  const evaluate = (q: Float64Array): number => {
    // scores, log-sum-exp, and the loss at q; leaves softmax(E·q + b) in `soft`
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      let z = itemBias ? itemBias[i] : 0;
      const off = i * dim;
      for (let j = 0; j < dim; j++) z += itemEmb[off + j] * q[j];
      soft[i] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(soft[i] - max);
    const lse = max + Math.log(sum);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      if (counts[i] > 0) loss -= counts[i] * (soft[i] - lse);
      soft[i] = Math.exp(soft[i] - lse);
    }
    for (let j = 0; j < dim; j++) loss += 0.5 * l2 * q[j] * q[j];
    return loss;
  };
  let loss = evaluate(p);
  let steps = 0;
  const grad = new Float64Array(dim);
  const mean = new Float64Array(dim);
  const hess = new Float64Array(dim * dim);
  for (; steps < maxSteps; steps++) {
    grad.fill(0);
    mean.fill(0);
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      const si = soft[i];
      const g = si - counts[i];
      const off = i * dim;
      for (let a = 0; a < dim; a++) {
        const ea = itemEmb[off + a];
        grad[a] += g * ea;
        mean[a] += si * ea;
        const w = si * ea;
        if (w !== 0) for (let b = 0; b <= a; b++) hess[a * dim + b] += w * itemEmb[off + b];
      }
    }
    for (let a = 0; a < dim; a++) {
      grad[a] += l2 * p[a];
      for (let b = 0; b <= a; b++) hess[a * dim + b] -= mean[a] * mean[b];
      hess[a * dim + a] += l2;
    }
    const dir = cholSolve(cholesky(hess, dim), dim, grad);
    let decrease = 0;
    for (let a = 0; a < dim; a++) decrease += grad[a] * dir[a];
    if (!(decrease > 1e-12)) break; // the Newton decrement: at the optimum
    let t = 1;
    let next = p;
    let nextLoss = loss;
    for (let tries = 0; tries < 30; tries++, t /= 2) {
      const q = p.map((x, a) => x - t * dir[a]);
      const l = evaluate(q);
      if (l <= loss - 0.25 * t * decrease) {
        next = q;
        nextLoss = l;
        break;
      }
    }
    if (next === p) break; // no step along the Newton direction lowers the loss (rounding): at the optimum
    p = next;
    loss = nextLoss;
  }
  const prior = Float32Array.from(p);
  if (!prior.every(Number.isFinite)) return undefined;
  return { prior, loss, uniformLoss: Math.log(n), targets, steps };
}
