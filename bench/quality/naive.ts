/**
 * The naive TF.js training path the quality bench compares against: `optimizer.minimize` over `tf.gather`
 * lookups with dense Adam (explicit epsilon, see ENGINE_NOTES), on the same mini-batches as tastebud's
 * trainer. Only a few batches are timed: the point is samples/s, not a trained model.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { TrainBatch } from '../../src/model/sparse_step.ts';
import { createParams } from '../../src/model/cf_model.ts';
import { createNaiveTrainer } from '../lib/naive.ts';
import { registerWasmUnsortedSegmentSum } from '../../src/kernels/unsorted_segment_sum_wasm.ts';

/** One naive training step per call; `dispose` frees the variables. */
export interface NaiveStepper {
  step(batch: TrainBatch): Promise<void>;
  dispose(): void;
}

/**
 * Sets up the naive path on `backend`: variables for the whole tables, dense Adam with explicit epsilon.
 *
 * @example
 * const naive = await createNaiveTfjs('wasm', { numUsers, numItems, dim: 64 });
 * await naive.step(batch);
 */
export async function createNaiveTfjs(backend: 'cpu' | 'wasm', shape: { numUsers: number; numItems: number; dim: number }): Promise<NaiveStepper> {
  // wasm paths even for cpu: a registered wasm backend that cannot find its binary leaves tf.ready() pending forever
  const require = createRequire(import.meta.url);
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/');
  if (backend === 'wasm') registerWasmUnsortedSegmentSum();
  await tf.setBackend(backend);
  await tf.ready();
  // the same naive trainer the kernel bench uses (one definition of "naive"); @tensorflow/tfjs above registers
  // the gradients that tfjs-core alone lacks
  const trainer = createNaiveTrainer(createParams({ ...shape, seed: 1 }), 1e-3);
  return {
    async step(batch) {
      await trainer.step(batch);
    },
    dispose: () => trainer.dispose(),
  };
}
