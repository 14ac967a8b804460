/**
 * `TastebudSparseStep`: the plain-TypeScript sparse step run as a TF.js kernel on the cpu and wasm backends,
 * directly on the tensors' backing buffers (cpu: the backend's value arrays; wasm: views of the heap), so the
 * parameters are updated in place with no copies and no dense gradients. The maths is `sparseStep` itself, so
 * these backends match the reference by construction.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { CfParams } from '../model/cf_model.ts';
import { sparseStep } from '../model/sparse_step.ts';
import type { AdagradState, StepConfig, TrainBatch } from '../model/sparse_step.ts';

export const SPARSE_STEP_KERNEL = 'TastebudSparseStep';

/** The tensors a step reads and writes, in a fixed order. */
export const STEP_INPUTS = ['userEmb', 'itemEmb', 'itemBias', 'w', 'bias', 'userAcc', 'itemAcc', 'itemBiasAcc', 'wAcc', 'biasAcc'] as const;

/** What travels in the kernel's attrs (not serialisable attributes: the kernel runs in-thread). */
export interface SparseStepJob {
  batch: TrainBatch;
  cfg: StepConfig;
  /** Reused every step so `sparseStep`'s per-params scratch buffers are reused too. */
  view: CfParams;
  state: AdagradState;
}

interface CpuBackend {
  data: { get(id: unknown): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): TensorInfo;
}
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

function stepOn(backendName: 'cpu' | 'wasm'): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const job = (attrs as unknown as { job: SparseStepJob }).job;
    const t = inputs as unknown as Record<(typeof STEP_INPUTS)[number], TensorInfo>;
    let out: TensorInfo | null = null;
    let buf: (x: TensorInfo) => Float32Array;
    if (backendName === 'wasm') {
      const be = backend as unknown as WasmBackend;
      out = be.makeOutput([], 'float32'); // first: allocating may grow the heap and detach older views
      buf = (x) => be.typedArrayFromHeap(x);
    } else {
      const be = backend as unknown as CpuBackend;
      buf = (x) => be.data.get(x.dataId).values;
    }
    const { view, state } = job;
    view.userEmb = buf(t.userEmb);
    view.itemEmb = buf(t.itemEmb);
    view.itemBias = buf(t.itemBias);
    view.w = buf(t.w);
    view.bias = buf(t.bias);
    state.userAcc = buf(t.userAcc);
    state.itemAcc = buf(t.itemAcc);
    state.itemBiasAcc = buf(t.itemBiasAcc);
    state.wAcc = buf(t.wAcc);
    state.biasAcc = buf(t.biasAcc);
    const loss = sparseStep(view, state, job.batch, job.cfg);
    if (out) {
      (backend as unknown as WasmBackend).typedArrayFromHeap(out)[0] = loss;
      return out;
    }
    return (backend as unknown as CpuBackend).makeTensorInfo([], 'float32', Float32Array.of(loss));
  };
}

/**
 * Registers `TastebudSparseStep` for cpu and wasm (idempotent).
 *
 * @example
 * registerSparseStepKernels();
 * const loss = tf.engine().runKernel(SPARSE_STEP_KERNEL, tensors, { job } as never) as tf.Tensor;
 */
export function registerSparseStepKernels(): void {
  for (const backendName of ['cpu', 'wasm'] as const) {
    if (tf.getKernel(SPARSE_STEP_KERNEL, backendName)) continue;
    tf.registerKernel({ kernelName: SPARSE_STEP_KERNEL, backendName, kernelFunc: stepOn(backendName) });
  }
}
