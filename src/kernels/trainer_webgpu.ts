/**
 * Sparse trainer on webgpu: parameters, Adagrad state and scratch in one flat GPU buffer, updated in place by the
 * four WGSL programs of `sparse_step_wgsl.ts`. Per step the host uploads one int and one float buffer (the batch
 * and its CSR row lists) and reads back one float (the loss) with `await data()` — never `dataSync()`, which
 * destroys the device here (ENGINE_NOTES).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CfParams } from '../model/cf_model.ts';
import { ADAGRAD_EPS, createAdagradState } from '../model/sparse_step.ts';
import type { AdagradState, StepConfig, TrainBatch } from '../model/sparse_step.ts';
import { BackendError } from '../errors.ts';
import { planBatch, rowLists } from './batch_plan.ts';
import type { BatchPlan } from './batch_plan.ts';
import { stepProgram, UNIFORM_FIELDS, WG } from './sparse_step_wgsl.ts';
import type { Phase, StepProgram, UniformName } from './sparse_step_wgsl.ts';
import type { SparseTrainer } from './types.ts';

interface WebGpuBackend {
  device: { limits: { maxStorageBufferBindingSize: number } };
  runWebGPUProgram(p: StepProgram, inputs: tf.TensorInfo[], dtype: 'float32', uniforms: { type: string; data: number[] }[], out: tf.TensorInfo): tf.TensorInfo;
  tensorMap: { get(id: unknown): { values: unknown } | undefined };
}

/** Offsets of every region of the flat state buffer (scratch sized for `cap` samples). */
export function stateLayout(p: Pick<CfParams, 'numUsers' | 'numItems' | 'dim'>, cap: number): Record<string, number> {
  const d = p.dim;
  const o: Record<string, number> = {};
  let at = 0;
  const put = (k: string, n: number): void => {
    o[k] = at;
    at += n;
  };
  put('oU', p.numUsers * d);
  put('oV', p.numItems * d);
  put('oIb', p.numItems);
  put('oW', d);
  put('oB', 1);
  put('oUa', p.numUsers * d);
  put('oVa', p.numItems * d);
  put('oIba', p.numItems);
  put('oWa', d);
  put('oBa', 1);
  put('oG', cap);
  put('oL', cap);
  put('oGr', 3 * cap * d);
  put('oGib', 3 * cap);
  put('oGw', d);
  put('oGB', 1);
  put('oLoss', 1);
  o.size = at;
  return o;
}

function packState(p: CfParams, s: AdagradState, lay: Record<string, number>): Float32Array {
  const buf = new Float32Array(lay.size);
  const parts: [string, Float32Array][] = [
    ['oU', p.userEmb], ['oV', p.itemEmb], ['oIb', p.itemBias], ['oW', p.w], ['oB', p.bias],
    ['oUa', s.userAcc], ['oVa', s.itemAcc], ['oIba', s.itemBiasAcc], ['oWa', s.wAcc], ['oBa', s.biasAcc],
  ];
  for (const [k, a] of parts) buf.set(a, lay[k]);
  return buf;
}

/** The int plan: samples [u, i, j], then rows [row, isItem, start, end], then CSR entries. */
function packPlan(plan: BatchPlan): { ints: Int32Array; floats: Float32Array; nRows: number; oRows: number; oCsr: number } {
  const B = plan.size;
  const { users, items } = rowLists(plan);
  const nUR = plan.userRows.length;
  const nRows = nUR + plan.itemRows.length;
  const oRows = 3 * B;
  const oCsr = oRows + 4 * nRows;
  const ints = new Int32Array(oCsr + users.entries.length + items.entries.length);
  const floats = new Float32Array(2 * B);
  for (let n = 0; n < B; n++) {
    ints[3 * n] = plan.userRows[plan.userSlot[n]];
    ints[3 * n + 1] = plan.itemRows[plan.itemSlot[n]];
    ints[3 * n + 2] = plan.bpr ? plan.itemRows[plan.negSlot[n]] : -1;
    floats[2 * n] = plan.labels[n];
    floats[2 * n + 1] = plan.weights[n];
  }
  for (let r = 0; r < nRows; r++) {
    const isItem = r >= nUR;
    const k = isItem ? r - nUR : r;
    const lists = isItem ? items : users;
    const base = isItem ? users.entries.length : 0;
    ints.set([isItem ? plan.itemRows[k] : plan.userRows[k], isItem ? 1 : 0, base + lists.start[k], base + lists.start[k + 1]], oRows + 4 * r);
  }
  ints.set(users.entries, oCsr);
  ints.set(items.entries, oCsr + users.entries.length);
  return { ints, floats, nRows, oRows, oCsr };
}

/**
 * @example
 * await tf.setBackend('webgpu');
 * const trainer = createWebGpuSparseTrainer(params, DEFAULT_STEP);
 * const loss = await trainer.step(batch); // 4 dispatches + 1 float read back
 */
export function createWebGpuSparseTrainer(params: CfParams, cfg: StepConfig, state?: AdagradState | null): SparseTrainer {
  if (tf.getBackend() !== 'webgpu') throw new BackendError(`the WGSL trainer needs the webgpu backend, not ${tf.getBackend()}`);
  const backend = tf.backend() as unknown as WebGpuBackend;
  let cap = 0;
  let lay = stateLayout(params, cap);
  const limit = backend.device.limits.maxStorageBufferBindingSize;
  // Parameters, Adagrad state and a 1,024-sample scratch must fit one storage binding (128 MiB by default).
  if (4 * stateLayout(params, 1024).size > limit)
    throw new BackendError(`the model needs ${4 * stateLayout(params, 1024).size} bytes in one WebGPU buffer; this device allows ${limit}`);
  let S = tf.tensor1d(packState(params, state ?? createAdagradState(params), lay));
  let disposed = false;
  const grow = (B: number): void => {
    cap = Math.max(B, 2 * cap, 64);
    const next = stateLayout(params, cap);
    const S2 = tf.tidy(() => tf.concat([tf.slice(S, 0, lay.oG), tf.zeros([next.size - next.oG])]));
    S.dispose();
    S = S2 as tf.Tensor1D;
    lay = next;
  };
  const run = (phase: Phase, groups: number, inputs: tf.Tensor[], uniforms: { type: string; data: number[] }[]): void => {
    backend.runWebGPUProgram(stepProgram(phase, lay.size, groups), inputs, 'float32', uniforms, S);
    // In-place writes are invisible to reads while the backend keeps a CPU copy of S (ENGINE_NOTES): drop it.
    const td = backend.tensorMap.get(S.dataId);
    if (td) td.values = null;
  };
  const slice = async (at: string, n: number): Promise<Float32Array> => {
    const t = tf.slice(S, lay[at], n);
    const v = new Float32Array((await t.data()) as Float32Array);
    t.dispose();
    return v;
  };
  return {
    kind: 'wgsl',
    async step(batch: TrainBatch) {
      if (disposed) throw new BackendError('trainer used after dispose()');
      const plan = planBatch(params, batch, cfg);
      const B = plan.size;
      if (B === 0) return 0;
      if (B > cap) grow(B);
      const pk = packPlan(plan);
      const values: Record<UniformName, number> = {
        ...(lay as Record<string, number>),
        dim: params.dim, nSamples: B, nRows: pk.nRows, oRows: pk.oRows, oCsr: pk.oCsr,
        bpr: plan.bpr ? 1 : 0, ada: cfg.optimizer === 'adagrad' ? 1 : 0,
        lrUser: cfg.lrUser, lrItem: cfg.lrItem, lrDense: cfg.lrDense, l2User: cfg.l2User, l2Item: cfg.l2Item, eps: ADAGRAD_EPS,
      } as Record<UniformName, number>;
      const uniforms = UNIFORM_FIELDS.map(([n, t]) => ({ type: t === 'f32' ? 'float32' : 'int32', data: [values[n]] }));
      const P = tf.tensor1d(pk.ints, 'int32');
      const F = tf.tensor1d(pk.floats, 'float32');
      run('score', Math.ceil(B / WG), [P, F], uniforms);
      run('rowGrads', pk.nRows, [P, F], uniforms);
      run('dense', 1, [P, F], uniforms);
      run('apply', pk.nRows + 1, [P, F], uniforms);
      P.dispose();
      F.dispose();
      return (await slice('oLoss', 1))[0];
    },
    async read() {
      const d = params.dim;
      const [userEmb, itemEmb, itemBias, w, bias] = await Promise.all([
        slice('oU', params.numUsers * d), slice('oV', params.numItems * d), slice('oIb', params.numItems), slice('oW', d), slice('oB', 1),
      ]);
      return { numUsers: params.numUsers, numItems: params.numItems, dim: d, userEmb, itemEmb, itemBias, w, bias };
    },
    async readState() {
      const d = params.dim;
      const [userAcc, itemAcc, itemBiasAcc, wAcc, biasAcc] = await Promise.all([
        slice('oUa', params.numUsers * d), slice('oVa', params.numItems * d), slice('oIba', params.numItems), slice('oWa', d), slice('oBa', 1),
      ]);
      return { userAcc, itemAcc, itemBiasAcc, wAcc, biasAcc };
    },
    dispose() {
      if (!disposed) S.dispose();
      disposed = true;
    },
  };
}
