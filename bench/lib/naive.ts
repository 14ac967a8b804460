/**
 * The naive TF.js path the kernels are measured against: `optimizer.minimize` over `tf.gather` lookups (whose
 * gradient is a dense table), dense Adam with an explicit epsilon (webgl would otherwise use 1e-4), and
 * `tf.topk` for the scan.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CfParams } from '../../src/model/cf_model.ts';
import type { TrainBatch } from '../../src/model/sparse_step.ts';

export interface NaiveTrainer {
  step(b: TrainBatch): Promise<number>;
  dispose(): void;
}

/**
 * @example
 * const naive = createNaiveTrainer(params);
 * await naive.step(batch); // one minimize() of mean BCE, Adam(0.01, eps 1e-7)
 */
export function createNaiveTrainer(p: CfParams, lr = 0.01): NaiveTrainer {
  const d = p.dim;
  const U = tf.variable(tf.tensor2d(p.userEmb, [p.numUsers, d]));
  const V = tf.variable(tf.tensor2d(p.itemEmb, [p.numItems, d]));
  const ib = tf.variable(tf.tensor1d(p.itemBias));
  const w = tf.variable(tf.tensor1d(p.w));
  const b = tf.variable(tf.tensor1d(p.bias));
  const opt = tf.train.adam(lr, 0.9, 0.999, 1e-7);
  return {
    async step(batch) {
      const u = tf.tensor1d(batch.users, 'int32');
      const i = tf.tensor1d(batch.items, 'int32');
      const y = tf.tensor1d(batch.labels);
      const loss = opt.minimize(() => {
        const s = tf.add(tf.add(tf.sum(tf.mul(tf.mul(tf.gather(U, u), tf.gather(V, i)), w), 1), tf.gather(ib, i)), b);
        return tf.losses.sigmoidCrossEntropy(y, s) as tf.Scalar;
      }, true)!;
      const v = (await loss.data())[0];
      tf.dispose([u, i, y, loss]);
      return v;
    },
    dispose() {
      opt.dispose();
      tf.dispose([U, V, ib, w, b]);
    },
  };
}

/** `tf.topk` over `V z + b` (no exclusion support), read back. */
export async function naiveTopK(V: tf.Tensor2D, b: tf.Tensor1D, z: Float32Array, k: number): Promise<Int32Array> {
  const r = tf.tidy(() => tf.topk(tf.add(tf.reshape(tf.matMul(tf.tensor2d(z, [1, z.length]), V, false, true), [-1]), b), k));
  const [idx] = await Promise.all([r.indices.data(), r.values.data()]);
  tf.dispose([r.indices, r.values]);
  return idx as Int32Array;
}
