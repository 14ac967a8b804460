/**
 * Sparse trainer from stock TF.js ops, for webgl and as the generic fallback on any backend: gather the unique
 * rows a batch touches, compute the hand-written gradients, sum them per unique row, then write only those rows
 * (and their Adagrad accumulators) back. No dense gradient of a table is ever formed. webgl gets its own sum
 * and write ops (see `segmentSum`, `updateRows`): its scatter costs table x rows.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CfParams } from '../model/cf_model.ts';
import { ADAGRAD_EPS } from '../model/sparse_step.ts';
import type { AdagradState, StepConfig, TrainBatch } from '../model/sparse_step.ts';
import { BackendError } from '../errors.ts';
import { planBatch } from './batch_plan.ts';
import type { BatchPlan } from './batch_plan.ts';
import { downloadParams, downloadState, disposeParams, uploadParams } from './param_tensors.ts';
import type { ParamTensors } from './param_tensors.ts';
import type { SparseTrainer } from './types.ts';

interface Grads {
  loss: tf.Scalar;
  gUser: tf.Tensor2D;
  gItem: tf.Tensor2D;
  gItemBias: tf.Tensor1D;
  gW: tf.Tensor1D;
  gB: tf.Tensor1D;
}

/**
 * Sums rows of `x` per slot. `scatterND` adds duplicate indices and is linear in the batch on cpu, wasm and
 * webgpu (the cpu backend's `unsortedSegmentSum` costs segments x batch: tens of seconds for 1,024 samples).
 * webgl's scatter loops over every update for every output element, so there a one-hot matMul does the sum.
 */
function segmentSum(x: tf.Tensor, slots: tf.Tensor1D, n: number): tf.Tensor {
  if (tf.getBackend() !== 'webgl') return tf.scatterND(tf.expandDims(slots, 1), x, [n, ...x.shape.slice(1)]);
  const oneHot = tf.cast(tf.oneHot(slots, n), 'float32');
  if (x.rank === 1) return tf.reshape(tf.matMul(oneHot, tf.reshape(x, [-1, 1]), true, false), [n]);
  return tf.matMul(oneHot, x as tf.Tensor2D, true, false);
}

/** Per-sample gradients from the pre-step parameters, summed per unique row. */
function gradients(t: ParamTensors, plan: BatchPlan, cfg: StepConfig): Grads {
  const nU = plan.userRows.length;
  const nI = plan.itemRows.length;
  const uSlot = tf.tensor1d(plan.userSlot, 'int32');
  const iSlot = tf.tensor1d(plan.itemSlot, 'int32');
  const c = tf.tensor1d(plan.weights);
  const Ur = tf.gather(t.userEmb, tf.tensor1d(plan.userRows, 'int32'));
  const iRows = tf.tensor1d(plan.itemRows, 'int32');
  const Vr = tf.gather(t.itemEmb, iRows);
  const br = tf.gather(t.itemBias, iRows);
  const Pu = tf.gather(Ur, uSlot);
  const Qi = tf.gather(Vr, iSlot);
  const bi = tf.gather(br, iSlot);
  const wPu: tf.Tensor2D = tf.mul(Pu, t.w);
  let diff: tf.Tensor2D = Qi;
  let lossVec: tf.Tensor1D;
  let g: tf.Tensor1D;
  let Q = Qi;
  let seg = iSlot;
  let gQ: tf.Tensor2D;
  let gb: tf.Tensor1D;
  if (!plan.bpr) {
    const s = tf.add(tf.add(tf.sum(tf.mul(wPu, Qi), 1), bi), t.bias);
    const y = tf.tensor1d(plan.labels);
    lossVec = tf.mul(c, tf.sub(tf.softplus(s), tf.mul(y, s)));
    g = tf.mul(c, tf.sub(tf.sigmoid(s), y));
    gQ = tf.mul(wPu, tf.expandDims(g, 1));
    gb = g;
  } else {
    const jSlot = tf.tensor1d(plan.negSlot, 'int32');
    const Qj: tf.Tensor2D = tf.gather(Vr, jSlot);
    diff = tf.sub(Qi, Qj);
    const x = tf.add(tf.sum(tf.mul(wPu, diff), 1), tf.sub(bi, tf.gather(br, jSlot)));
    lossVec = tf.mul(c, tf.softplus(tf.neg(x)));
    g = tf.mul(c, tf.sub(tf.sigmoid(x), 1));
    const gPos: tf.Tensor2D = tf.mul(wPu, tf.expandDims(g, 1));
    gQ = tf.concat([gPos, tf.neg(gPos)]) as tf.Tensor2D;
    gb = tf.concat([g, tf.neg(g)]);
    Q = tf.concat([Qi, Qj]) as tf.Tensor2D;
    seg = tf.concat([iSlot, jSlot]);
  }
  const g2 = tf.expandDims(g, 1);
  const gPu: tf.Tensor2D = tf.add(tf.mul(tf.mul(diff, t.w), g2), tf.mul(Pu, cfg.l2User));
  return {
    loss: tf.mean(lossVec),
    gUser: segmentSum(gPu, uSlot, nU) as tf.Tensor2D,
    gItem: segmentSum(tf.add(gQ, tf.mul(Q, cfg.l2Item)), seg, nI) as tf.Tensor2D,
    gItemBias: segmentSum(gb, seg, nI) as tf.Tensor1D,
    gW: tf.sum(tf.mul(tf.mul(Pu, diff), g2), 0),
    gB: plan.bpr ? tf.zeros([1]) : tf.reshape(tf.sum(g), [1]),
  };
}

/** theta - lr g (SGD) or theta - lr g / (sqrt(acc + g²) + eps) (Adagrad); returns [theta', acc']. */
function applyUpdate<T extends tf.Tensor>(theta: T, acc: T, g: T, lr: number, adagrad: boolean): [T, T] {
  if (!adagrad) return [tf.sub(theta, tf.mul(g, lr)), acc];
  const a = tf.add(acc, tf.square(g)) as T;
  return [tf.sub(theta, tf.div(tf.mul(g, lr), tf.add(tf.sqrt(a), ADAGRAD_EPS))), a];
}

/**
 * Writes `rows` of `table` (and its accumulator) with their updated values. `tensorScatterUpdate` is linear on
 * cpu, wasm and webgpu; webgl's loops over every update for every table element, so there each table row picks
 * its new value by `slotOf` (-1 keeps the old one): one gather + where, linear in the table (and slower than
 * the scatter on cpu/wasm).
 */
function updateRows<T extends tf.Tensor>(table: T, acc: T, rows: Int32Array, slotOf: () => Int32Array, g: T, lr: number, adagrad: boolean): [T, T] {
  const flat = tf.tensor1d(rows, 'int32');
  const [newRows, newAcc] = applyUpdate(tf.gather(table, flat) as T, tf.gather(acc, flat) as T, g, lr, adagrad);
  let write: (t: T, v: T) => T;
  if (tf.getBackend() === 'webgl') {
    const map = tf.tensor1d(slotOf(), 'int32');
    const touched = tf.reshape(tf.greaterEqual(map, tf.scalar(0, 'int32')), table.rank === 2 ? [-1, 1] : [-1]);
    const at = tf.maximum(map, tf.scalar(0, 'int32'));
    write = (t, v) => tf.where(touched, tf.gather(v, at), t) as T;
  } else {
    const idx = tf.reshape(flat, [rows.length, 1]);
    write = (t, v) => tf.tensorScatterUpdate(t, idx, v) as T;
  }
  return [write(table, newRows), adagrad ? write(acc, newAcc) : acc];
}

/** Per table row: its slot among `rows`, or -1. */
function slotMap(rows: Int32Array, tableSize: number): Int32Array {
  const m = new Int32Array(tableSize).fill(-1);
  for (let k = 0; k < rows.length; k++) m[rows[k]] = k;
  return m;
}

/**
 * Pads the unique rows to a power of two with rows the batch does not touch (their gradient is 0, so they are
 * rewritten unchanged). webgl compiles a shader per tensor shape; without buckets every batch with a new
 * number of unique rows paid a compile (~1 s on SwiftShader).
 */
export function padRows(rows: Int32Array, tableSize: number): Int32Array {
  let bucket = 8;
  while (bucket < rows.length) bucket *= 2;
  bucket = Math.min(bucket, tableSize);
  if (bucket <= rows.length) return rows;
  const out = new Int32Array(bucket);
  out.set(rows);
  const used = new Set(rows);
  for (let r = 0, k = rows.length; k < bucket; r++) if (!used.has(r)) out[k++] = r;
  return out;
}

function stepTensors(t: ParamTensors, plan: BatchPlan, cfg: StepConfig): { loss: tf.Scalar; next: ParamTensors } {
  const ada = cfg.optimizer === 'adagrad';
  const gr = gradients(t, plan, cfg);
  const next = { ...t };
  const userSlots = (): Int32Array => slotMap(plan.userRows, t.userEmb.shape[0]);
  [next.userEmb, next.userAcc] = updateRows(t.userEmb, t.userAcc, plan.userRows, userSlots, gr.gUser, cfg.lrUser, ada);
  if (cfg.lrItem !== 0) {
    let memo: Int32Array | null = null;
    const itemSlots = (): Int32Array => (memo ??= slotMap(plan.itemRows, t.itemEmb.shape[0]));
    [next.itemEmb, next.itemAcc] = updateRows(t.itemEmb, t.itemAcc, plan.itemRows, itemSlots, gr.gItem, cfg.lrItem, ada);
    [next.itemBias, next.itemBiasAcc] = updateRows(t.itemBias, t.itemBiasAcc, plan.itemRows, itemSlots, gr.gItemBias, cfg.lrItem, ada);
  }
  if (cfg.lrDense !== 0) {
    [next.w, next.wAcc] = applyUpdate(t.w, t.wAcc, gr.gW, cfg.lrDense, ada);
    if (!plan.bpr) [next.bias, next.biasAcc] = applyUpdate(t.bias, t.biasAcc, gr.gB, cfg.lrDense, ada);
  }
  return { loss: gr.loss, next };
}

/**
 * @example
 * await tf.setBackend('webgl');
 * const trainer = createTensorSparseTrainer(params, { ...DEFAULT_STEP, loss: 'bpr' });
 * await trainer.step({ users, items, labels, negItems });
 */
export function createTensorSparseTrainer(params: CfParams, cfg: StepConfig, state?: AdagradState | null): SparseTrainer {
  let t = uploadParams(params, state);
  let disposed = false;
  return {
    kind: 'gather-scatter',
    async step(batch: TrainBatch) {
      if (disposed) throw new BackendError('trainer used after dispose()');
      const plan = planBatch(params, batch, cfg);
      if (plan.size === 0) return 0;
      plan.userRows = padRows(plan.userRows, params.numUsers);
      plan.itemRows = padRows(plan.itemRows, params.numItems);
      const { loss, next } = tf.tidy(() => stepTensors(t, plan, cfg) as never) as { loss: tf.Scalar; next: ParamTensors };
      for (const k of Object.keys(t) as (keyof ParamTensors)[]) if (next[k] !== t[k]) t[k].dispose();
      t = next;
      const v = (await loss.data())[0];
      loss.dispose();
      return v;
    },
    read: () => downloadParams(t, params),
    readState: () => downloadState(t),
    dispose() {
      if (!disposed) disposeParams(t);
      disposed = true;
    },
  };
}
