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
import type { TrainBatch } from '../src/model/sparse_step.ts';
import { registerWasmUnsortedSegmentSum } from '../src/kernels/unsorted_segment_sum_wasm.ts';

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
  const { numUsers, numItems, dim } = shape;
  const U = tf.variable(tf.randomNormal([numUsers, dim], 0, 0.1, 'float32', 1));
  const V = tf.variable(tf.randomNormal([numItems, dim], 0, 0.1, 'float32', 2));
  const ib = tf.variable(tf.zeros([numItems]));
  const w = tf.variable(tf.ones([dim]));
  const b = tf.variable(tf.zeros([1]));
  const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-7);
  return {
    async step(batch) {
      const users = tf.tensor1d(batch.users, 'int32');
      const items = tf.tensor1d(batch.items, 'int32');
      const labels = tf.tensor1d(batch.labels);
      const loss = opt.minimize(() => {
        const logits = tf.add(tf.add(tf.sum(tf.mul(tf.mul(tf.gather(U, users), tf.gather(V, items)), w), 1), tf.gather(ib, items)), b);
        return tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar;
      }, true);
      await loss!.data();
      tf.dispose([users, items, labels, loss!]);
    },
    dispose() {
      tf.dispose([U, V, ib, w, b]);
      opt.dispose();
    },
  };
}
