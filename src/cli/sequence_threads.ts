/**
 * The sequence trainer across `worker_threads`: data-parallel over each batch, each thread a TF.js instance of its
 * own on a share of the batch. The parameters live in one SharedArrayBuffer that only the main thread writes (Adam,
 * between steps); each worker writes its gradient into a shared array of its own. Shares draw the same sampled
 * negatives, so the averaged gradient is the whole batch's (up to dropout masks); `test/train/sequence_threads.test.ts`
 * holds it to the one-thread trainer.
 */
// The full package registers the gradients autodiff needs (in the worker threads too).
import '@tensorflow/tfjs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { unflattenParams } from '../train/sequence/flat_params.ts';
import { batchGradients, loadVariables } from '../train/sequence/gradients.ts';
import type { GradientJob } from '../train/sequence/gradients.ts';
import { createLocalPool } from '../train/sequence/grad_pool.ts';
import type { GradientPool, PoolSetup } from '../train/sequence/grad_pool.ts';
import { createSequenceVariables } from '../train/sequence/tf_forward.ts';
import { installSimdBatchMatMul } from '../train/sequence/simd/batch_matmul.ts';
import { installZeroCopyIdentity } from '../train/sequence/wasm_identity.ts';
import { trainSequenceModel } from '../train/sequence/train.ts';
import { callWorker, type WorkerReply } from './worker_call.ts';
import type { SequenceTrainOptions, SequenceTrainResult } from '../train/sequence/train.ts';

/** Every core of this machine, at most 4 (a batch is cut that many ways). */
export function defaultTrainerThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * `trainSequenceModel` with `threads` (default: `defaultTrainerThreads()`) worker threads.
 * @example
 * await chooseBackend(['wasm', 'cpu']);
 * const { params, report } = await trainSequenceModelThreaded(sequences, numItems, { threads: 2 });
 */
export function trainSequenceModelThreaded(
  sequences: Int32Array[],
  numItems: number,
  options: Partial<SequenceTrainOptions> = {},
): Promise<SequenceTrainResult> {
  return trainSequenceModel(sequences, numItems, { threads: defaultTrainerThreads(), ...options }, createThreadPool);
}

/** One thread: the in-thread pool; more: worker threads. */
export async function createThreadPool(threads: number, setup: PoolSetup): Promise<GradientPool> {
  return threads <= 1 ? createLocalPool(1, setup) : createWorkerPool(threads, setup);
}

type GradientReply = WorkerReply & { loss?: number };

async function createWorkerPool(threads: number, setup: PoolSetup): Promise<GradientPool> {
  const { layout, params } = setup;
  if (!(params.buffer instanceof SharedArrayBuffer)) throw new Error('threads > 1 needs parameters in a SharedArrayBuffer');
  const grads = Array.from({ length: threads }, () => new Float32Array(new SharedArrayBuffer(layout.size * 4)));
  const workers = grads.map(() => new Worker(new URL('./sequence_grad_worker.mjs', import.meta.url)));
  const call = (w: Worker, msg: object): Promise<GradientReply> => callWorker<GradientReply>(w, msg, 'sequence trainer thread failed');
  try {
    await Promise.all(workers.map((w, k) => call(w, { kind: 'init', ...setup, grad: grads[k] })));
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  return {
    threads,
    grads,
    step: async (jobs) => {
      const replies = await Promise.all(jobs.map((job, k) => call(workers[k], { kind: 'step', job })));
      return replies.map((r, k) => ({ loss: r.loss!, count: jobs[k].batch.targets.length }));
    },
    dispose: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** The worker side (sequence_grad_worker.mjs loads this): one TF.js instance computing gradients of its shares. */
export async function serveGradientWorker(port: MessagePort): Promise<void> {
  const { chooseBackend } = await import('../kernels/index.ts');
  let state: { setup: PoolSetup; grad: Float32Array; vars: ReturnType<typeof createSequenceVariables> } | null = null;
  port.on('message', async (msg: { kind: string; job?: GradientJob; grad?: Float32Array } & PoolSetup) => {
    try {
      if (msg.kind === 'init') {
        await chooseBackend([msg.backend as 'wasm']);
        installZeroCopyIdentity();
        installSimdBatchMatMul();
        const vars = createSequenceVariables(unflattenParams(msg.params, msg.layout, msg.config));
        state = { setup: msg, grad: msg.grad!, vars };
        port.postMessage({ ok: true });
        return;
      }
      if (!state) throw new Error('step before init');
      const { config, layout, settings, params } = state.setup;
      loadVariables(state.vars, layout, params);
      const loss = batchGradients(state.vars, config, layout, settings, msg.job!, state.grad);
      port.postMessage({ ok: true, loss });
    } catch (e) {
      port.postMessage({ ok: false, error: String(e instanceof Error ? e.stack : e) });
    }
  });
}
