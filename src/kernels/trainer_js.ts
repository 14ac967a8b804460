/**
 * Sparse trainer for the cpu and wasm backends: every step is one `TastebudSparseStep` kernel call that updates
 * the tensors' storage in place (see `sparse_step_js_kernel.ts`). The fast path on those backends.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CfParams } from '../model/cf_model.ts';
import type { AdagradState, StepConfig, TrainBatch } from '../model/sparse_step.ts';
import { checkBatch } from './batch_plan.ts';
import { downloadParams, downloadState, disposeParams, uploadParams } from './param_tensors.ts';
import { registerSparseStepKernels, SPARSE_STEP_KERNEL } from './sparse_step_js_kernel.ts';
import type { SparseStepJob } from './sparse_step_js_kernel.ts';
import type { SparseTrainer } from './types.ts';
import { BackendError } from '../errors.ts';

/**
 * @example
 * await tf.setBackend('wasm');
 * const trainer = createJsSparseTrainer(params, DEFAULT_STEP);
 * const loss = await trainer.step(batch);
 */
export function createJsSparseTrainer(params: CfParams, cfg: StepConfig, state?: AdagradState | null): SparseTrainer {
  const backend = tf.getBackend();
  if (backend !== 'cpu' && backend !== 'wasm')
    throw new BackendError(`the JS sparse-step kernel runs on cpu or wasm, not ${backend}; use createSparseTrainer()`);
  registerSparseStepKernels();
  const t = uploadParams(params, state);
  const job: SparseStepJob = {
    batch: { users: new Int32Array(0), items: new Int32Array(0), labels: new Float32Array(0) },
    cfg: { ...cfg },
    view: { ...params },
    state: { userAcc: params.userEmb, itemAcc: params.itemEmb, itemBiasAcc: params.itemBias, wAcc: params.w, biasAcc: params.bias },
  };
  let disposed = false;
  return {
    kind: 'js-kernel',
    async step(batch: TrainBatch) {
      if (disposed) throw new BackendError('trainer used after dispose()');
      checkBatch(params, batch, cfg);
      if (batch.users.length === 0) return 0;
      job.batch = batch;
      const out = tf.engine().runKernel(SPARSE_STEP_KERNEL, { ...t }, { job } as never) as tf.Tensor;
      const loss = (await out.data())[0];
      out.dispose();
      return loss;
    },
    read: () => downloadParams(t, params),
    readState: () => downloadState(t),
    dispose() {
      if (!disposed) disposeParams(t);
      disposed = true;
    },
  };
}
