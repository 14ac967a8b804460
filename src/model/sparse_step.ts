/**
 * One synchronous mini-batch step with hand-written gradients and row-sparse updates: every sample's gradient
 * is computed from the parameters as they were before the step, summed per touched row, then only those rows
 * (and their optimiser state) are written. This is the plain-TypeScript reference that every TF.js backend
 * kernel must match, and the fast path on the CPU.
 *
 * Loss per sample n (weight c_n, default 1):
 *   bce: c_n · (softplus(s) − y·s) on s = s(u_n, i_n)
 *   bpr: c_n · softplus(−(s(u_n,i_n) − s(u_n,j_n))) with j_n = negItems[n]
 * plus L2 `λ/2‖θ‖²` on each touched embedding row, once per occurrence.
 */
import type { CfParams } from './cf_model.ts';
import { sigmoid, softplus } from './cf_model.ts';

export type LossKind = 'bce' | 'bpr';
export type OptimizerKind = 'sgd' | 'adagrad';

export interface StepConfig {
  loss: LossKind;
  optimizer: OptimizerKind;
  /** Learning rate of user rows (p). */
  lrUser: number;
  /** Learning rate of item rows and item biases (q, b_i); 0 freezes the global item knowledge. */
  lrItem: number;
  /** Learning rate of the dense top layer (w, b); 0 freezes it. */
  lrDense: number;
  l2User: number;
  l2Item: number;
}

export const DEFAULT_STEP: StepConfig = {
  loss: 'bce',
  optimizer: 'adagrad',
  lrUser: 0.1,
  lrItem: 0.1,
  lrDense: 0.01,
  l2User: 1e-4,
  l2Item: 1e-4,
};

/** Adagrad accumulators, one per parameter, touched only for the rows in a batch ("lazy"). */
export interface AdagradState {
  userAcc: Float32Array;
  itemAcc: Float32Array;
  itemBiasAcc: Float32Array;
  wAcc: Float32Array;
  biasAcc: Float32Array;
}

export const ADAGRAD_INIT = 0.1;
export const ADAGRAD_EPS = 1e-7;

export function createAdagradState(p: CfParams): AdagradState {
  const f = (n: number): Float32Array => new Float32Array(n).fill(ADAGRAD_INIT);
  return {
    userAcc: f(p.userEmb.length),
    itemAcc: f(p.itemEmb.length),
    itemBiasAcc: f(p.itemBias.length),
    wAcc: f(p.w.length),
    biasAcc: f(1),
  };
}

export interface TrainBatch {
  users: Int32Array;
  /** The (positive, for BPR) item of each sample. */
  items: Int32Array;
  /** BCE targets, 1 or 0 (ignored by BPR). */
  labels: Float32Array;
  /** BPR negatives, one per sample. */
  negItems?: Int32Array;
  /** Per-sample loss weights (event type, recency, truncation); 1 when absent. */
  weights?: Float32Array;
}

/** Scratch buffers reused across steps so the hot loop allocates nothing. */
interface Scratch {
  userSlot: Int32Array;
  itemSlot: Int32Array;
  gUser: Float32Array;
  gItem: Float32Array;
  gItemBias: Float32Array;
  userRows: Int32Array;
  itemRows: Int32Array;
}
const scratchFor = new WeakMap<CfParams, Scratch>();

function getScratch(p: CfParams, batch: number): Scratch {
  let s = scratchFor.get(p);
  const d = p.dim;
  const cap = 2 * batch;
  if (!s || s.userSlot.length < p.numUsers || s.itemSlot.length < p.numItems || s.itemRows.length < cap) {
    s = {
      userSlot: new Int32Array(p.numUsers).fill(-1),
      itemSlot: new Int32Array(p.numItems).fill(-1),
      gUser: new Float32Array(cap * d),
      gItem: new Float32Array(cap * d),
      gItemBias: new Float32Array(cap),
      userRows: new Int32Array(cap),
      itemRows: new Int32Array(cap),
    };
    scratchFor.set(p, s);
  }
  return s;
}

/**
 * Applies one step in place to `p` (and `state` for Adagrad); returns the mean weighted loss of the batch
 * evaluated before the update.
 *
 * @example
 * const p = createParams({ numUsers: 2, numItems: 3, dim: 4 });
 * const loss = sparseStep(p, createAdagradState(p), { users: Int32Array.of(0), items: Int32Array.of(2),
 *   labels: Float32Array.of(1) }, DEFAULT_STEP);
 */
export function sparseStep(p: CfParams, state: AdagradState | null, b: TrainBatch, cfg: StepConfig): number {
  const B = b.users.length;
  if (B === 0) return 0;
  if (cfg.optimizer === 'adagrad' && !state) throw new Error('sparseStep: adagrad needs an AdagradState');
  if (cfg.loss === 'bpr' && (!b.negItems || b.negItems.length !== B))
    throw new Error('sparseStep: bpr needs negItems with one negative per sample');
  const d = p.dim;
  const U = p.userEmb;
  const V = p.itemEmb;
  const w = p.w;
  const sc = getScratch(p, B);
  let nU = 0;
  let nI = 0;
  const slotU = (r: number): number => {
    let k = sc.userSlot[r];
    if (k < 0) {
      k = nU++;
      sc.userSlot[r] = k;
      sc.userRows[k] = r;
      sc.gUser.fill(0, k * d, k * d + d);
    }
    return k;
  };
  const slotI = (r: number): number => {
    let k = sc.itemSlot[r];
    if (k < 0) {
      k = nI++;
      sc.itemSlot[r] = k;
      sc.itemRows[k] = r;
      sc.gItem.fill(0, k * d, k * d + d);
      sc.gItemBias[k] = 0;
    }
    return k;
  };
  const gW = new Float64Array(d);
  let gB = 0;
  let lossSum = 0;
  const bpr = cfg.loss === 'bpr';
  for (let n = 0; n < B; n++) {
    const u = b.users[n];
    const i = b.items[n];
    const c = b.weights ? b.weights[n] : 1;
    const uo = u * d;
    const io = i * d;
    const ku = slotU(u) * d;
    const ki = slotI(i);
    if (!bpr) {
      let s = p.itemBias[i] + p.bias[0];
      for (let j = 0; j < d; j++) s += w[j] * U[uo + j] * V[io + j];
      const y = b.labels[n];
      lossSum += c * (softplus(s) - y * s);
      const g = c * (sigmoid(s) - y);
      const kio = ki * d;
      for (let j = 0; j < d; j++) {
        const pu = U[uo + j];
        const qi = V[io + j];
        sc.gUser[ku + j] += g * w[j] * qi + cfg.l2User * pu;
        sc.gItem[kio + j] += g * w[j] * pu + cfg.l2Item * qi;
        gW[j] += g * pu * qi;
      }
      sc.gItemBias[ki] += g;
      gB += g;
    } else {
      const jn = b.negItems![n];
      const jo = jn * d;
      const kj = slotI(jn);
      let x = p.itemBias[i] - p.itemBias[jn];
      for (let j = 0; j < d; j++) x += w[j] * U[uo + j] * (V[io + j] - V[jo + j]);
      lossSum += c * softplus(-x);
      const g = c * (sigmoid(x) - 1);
      const kio = ki * d;
      const kjo = kj * d;
      for (let j = 0; j < d; j++) {
        const pu = U[uo + j];
        const qi = V[io + j];
        const qj = V[jo + j];
        sc.gUser[ku + j] += g * w[j] * (qi - qj) + cfg.l2User * pu;
        sc.gItem[kio + j] += g * w[j] * pu + cfg.l2Item * qi;
        sc.gItem[kjo + j] += -g * w[j] * pu + cfg.l2Item * qj;
        gW[j] += g * pu * (qi - qj);
      }
      sc.gItemBias[ki] += g;
      sc.gItemBias[kj] -= g;
    }
  }
  const ada = cfg.optimizer === 'adagrad' ? state : null;
  applyRows(U, ada?.userAcc ?? null, sc.gUser, sc.userRows, nU, d, cfg.lrUser);
  if (cfg.lrItem !== 0) {
    applyRows(V, ada?.itemAcc ?? null, sc.gItem, sc.itemRows, nI, d, cfg.lrItem);
    applyRows(p.itemBias, ada?.itemBiasAcc ?? null, sc.gItemBias, sc.itemRows, nI, 1, cfg.lrItem);
  }
  if (cfg.lrDense !== 0) {
    for (let j = 0; j < d; j++) w[j] = update(w[j], gW[j], ada?.wAcc ?? null, j, cfg.lrDense);
    if (!bpr) p.bias[0] = update(p.bias[0], gB, ada?.biasAcc ?? null, 0, cfg.lrDense);
  }
  for (let k = 0; k < nU; k++) sc.userSlot[sc.userRows[k]] = -1;
  for (let k = 0; k < nI; k++) sc.itemSlot[sc.itemRows[k]] = -1;
  return lossSum / B;
}

function update(theta: number, g: number, acc: Float32Array | null, at: number, lr: number): number {
  if (!acc) return theta - lr * g;
  const a = acc[at] + g * g;
  acc[at] = a;
  return theta - (lr * g) / (Math.sqrt(a) + ADAGRAD_EPS);
}

function applyRows(
  table: Float32Array,
  acc: Float32Array | null,
  grads: Float32Array,
  rows: Int32Array,
  n: number,
  width: number,
  lr: number,
): void {
  for (let k = 0; k < n; k++) {
    const to = rows[k] * width;
    const go = k * width;
    for (let j = 0; j < width; j++) table[to + j] = update(table[to + j], grads[go + j], acc, to + j, lr);
  }
}
