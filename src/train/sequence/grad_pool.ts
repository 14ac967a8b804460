/**
 * Where the trainer's gradients are computed. This file has the in-thread pool (`threads: 1`, pure: runs anywhere
 * TF.js does); the CLI's `src/cli/sequence_threads.ts` has the data-parallel one across `worker_threads`. Both fill
 * one gradient array per thread for the shares of a batch; the trainer averages them and steps Adam.
 */
import { InvalidInputError } from '../../errors.ts';
import type { SequenceConfig } from '../../model/sequence/types.ts';
import type { FlatLayout } from './flat_params.ts';
import { unflattenParams } from './flat_params.ts';
import { batchGradients, loadVariables } from './gradients.ts';
import type { GradientJob, GradientSettings } from './gradients.ts';
import { createSequenceVariables } from './tf_forward.ts';
import { installSimdBatchMatMul } from './simd/batch_matmul.ts';
import { installZeroCopyIdentity } from './wasm_identity.ts';

export interface ShareResult {
  loss: number;
  /** Target positions in the share (its weight in the batch mean). */
  count: number;
}

export interface GradientPool {
  threads: number;
  /** One gradient array per thread, filled by `step` for the shares it ran. */
  grads: Float32Array[];
  /** Runs share k on thread k (at most `threads` shares). */
  step(jobs: GradientJob[]): Promise<ShareResult[]>;
  dispose(): Promise<void>;
}

export interface PoolSetup {
  config: SequenceConfig;
  layout: FlatLayout;
  settings: GradientSettings;
  /** The parameters; a SharedArrayBuffer-backed array when threads > 1. */
  params: Float32Array;
  /** TF.js backend for the workers (the caller's active one). */
  backend: string;
}

/** Makes the pool the trainer computes gradients with (`threads` from the options). */
export type GradientPoolFactory = (threads: number, setup: PoolSetup) => Promise<GradientPool>;

/** Gradients in this thread (the default; `threads` above 1 needs a factory that has threads, see the CLI's). */
export async function createLocalPool(threads: number, setup: PoolSetup): Promise<GradientPool> {
  if (threads !== 1) throw new InvalidInputError(`threads ${threads} needs a threaded gradient pool (the CLI's trainSequenceModelThreaded)`);
  const { config, layout, settings, params } = setup;
  installZeroCopyIdentity();
  installSimdBatchMatMul();
  const vars = createSequenceVariables(unflattenParams(params, layout, config));
  const grad = new Float32Array(layout.size);
  return {
    threads: 1,
    grads: [grad],
    step: async (jobs) => {
      loadVariables(vars, layout, params);
      return [{ loss: batchGradients(vars, config, layout, settings, jobs[0], grad), count: jobs[0].batch.targets.length }];
    },
    dispose: async () => Object.values(vars).forEach((v) => v.dispose()),
  };
}

