/**
 * Adversarial Personalized Ranking (He et al., SIGIR 2018) on top of the reference sparse step: perturb each
 * touched embedding row along its normalised loss gradient, `Δ = ε·g/‖g‖`, take a step of `λ_adv·L(θ+Δ)`
 * at the perturbed point, then remove Δ. The net update is `θ ← θ − η·λ_adv·∇L(θ+Δ)`, i.e. APR's
 * adversarial term trained alternately with the ordinary step (which the caller runs first).
 */
import type { CfParams } from '../model/cf_model.ts';
import { sigmoid } from '../model/cf_model.ts';
import type { AdagradState, StepConfig, TrainBatch } from '../model/sparse_step.ts';
import { sparseStep } from '../model/sparse_step.ts';

export interface AprOptions {
  /** Perturbation size ε (L2 norm per row). */
  advEps: number;
  /** Weight λ_adv of the adversarial loss. */
  advReg: number;
}

interface Rows {
  slot: Int32Array;
  rows: number[];
  grad: Float32Array;
}

/**
 * Returns a function running one APR step for a batch (after the ordinary `sparseStep`).
 *
 * @example
 * const apr = createAprStep(params, { advEps: 0.5, advReg: 1 });
 * sparseStep(params, state, batch, cfg);
 * apr(state, batch, cfg); // adversarial loss at θ+Δ
 */
export function createAprStep(
  p: CfParams,
  opts: AprOptions,
): (state: AdagradState | null, b: TrainBatch, cfg: StepConfig) => number {
  const users: Rows = { slot: new Int32Array(p.numUsers).fill(-1), rows: [], grad: new Float32Array(0) };
  const items: Rows = { slot: new Int32Array(p.numItems).fill(-1), rows: [], grad: new Float32Array(0) };
  let weights = new Float32Array(0);
  return (state, b, cfg) => {
    const B = b.users.length;
    if (B === 0 || opts.advEps <= 0 || opts.advReg <= 0) return 0;
    ensure(users, 2 * B * p.dim);
    ensure(items, 2 * B * p.dim);
    accumulateGradients(p, b, cfg, users, items);
    const du = perturbations(users, p.dim, opts.advEps);
    const di = perturbations(items, p.dim, opts.advEps);
    shift(p.userEmb, users, du, p.dim, 1);
    shift(p.itemEmb, items, di, p.dim, 1);
    if (weights.length < B) weights = new Float32Array(B);
    for (let n = 0; n < B; n++) weights[n] = opts.advReg * (b.weights ? b.weights[n] : 1);
    const loss = sparseStep(p, state, { ...b, weights: weights.subarray(0, B) }, { ...cfg, l2User: 0, l2Item: 0 });
    shift(p.userEmb, users, du, p.dim, -1);
    shift(p.itemEmb, items, di, p.dim, -1);
    reset(users);
    reset(items);
    return loss;
  };
}

function ensure(r: Rows, size: number): void {
  if (r.grad.length < size) r.grad = new Float32Array(size);
}

function slotOf(r: Rows, row: number, d: number): number {
  let k = r.slot[row];
  if (k < 0) {
    k = r.rows.length;
    r.slot[row] = k;
    r.rows.push(row);
    r.grad.fill(0, k * d, k * d + d);
  }
  return k * d;
}

function reset(r: Rows): void {
  for (const row of r.rows) r.slot[row] = -1;
  r.rows.length = 0;
}

/** Gradients of the batch loss w.r.t. each touched user and item row (no L2: ε follows the data loss). */
function accumulateGradients(p: CfParams, b: TrainBatch, cfg: StepConfig, users: Rows, items: Rows): void {
  const d = p.dim;
  const { userEmb: U, itemEmb: V, w } = p;
  for (let n = 0; n < b.users.length; n++) {
    const u = b.users[n];
    const i = b.items[n];
    const c = b.weights ? b.weights[n] : 1;
    const uo = u * d;
    const io = i * d;
    const ku = slotOf(users, u, d);
    const ki = slotOf(items, i, d);
    if (cfg.loss === 'bce') {
      let s = p.itemBias[i] + p.bias[0];
      for (let j = 0; j < d; j++) s += w[j] * U[uo + j] * V[io + j];
      const g = c * (sigmoid(s) - b.labels[n]);
      for (let j = 0; j < d; j++) {
        users.grad[ku + j] += g * w[j] * V[io + j];
        items.grad[ki + j] += g * w[j] * U[uo + j];
      }
    } else {
      const jn = b.negItems![n];
      const jo = jn * d;
      const kj = slotOf(items, jn, d);
      let x = p.itemBias[i] - p.itemBias[jn];
      for (let j = 0; j < d; j++) x += w[j] * U[uo + j] * (V[io + j] - V[jo + j]);
      const g = c * (sigmoid(x) - 1);
      for (let j = 0; j < d; j++) {
        users.grad[ku + j] += g * w[j] * (V[io + j] - V[jo + j]);
        items.grad[ki + j] += g * w[j] * U[uo + j];
        items.grad[kj + j] -= g * w[j] * U[uo + j];
      }
    }
  }
}

function perturbations(r: Rows, d: number, eps: number): Float32Array {
  const out = new Float32Array(r.rows.length * d);
  for (let k = 0; k < r.rows.length; k++) {
    let norm = 0;
    for (let j = 0; j < d; j++) norm += r.grad[k * d + j] ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    for (let j = 0; j < d; j++) out[k * d + j] = (eps * r.grad[k * d + j]) / norm;
  }
  return out;
}

function shift(table: Float32Array, r: Rows, delta: Float32Array, d: number, sign: 1 | -1): void {
  for (let k = 0; k < r.rows.length; k++) {
    const o = r.rows[k] * d;
    for (let j = 0; j < d; j++) table[o + j] += sign * delta[k * d + j];
  }
}
