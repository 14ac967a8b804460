/**
 * The model parameters and Adagrad state as separate TF.js tensors (the layout the cpu/wasm JS kernel and the
 * gather + scatter path share), and copying them back to plain typed arrays.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CfParams } from '../model/cf_model.ts';
import { createAdagradState } from '../model/sparse_step.ts';
import type { AdagradState } from '../model/sparse_step.ts';

export interface ParamTensors {
  userEmb: tf.Tensor2D;
  itemEmb: tf.Tensor2D;
  itemBias: tf.Tensor1D;
  w: tf.Tensor1D;
  bias: tf.Tensor1D;
  userAcc: tf.Tensor2D;
  itemAcc: tf.Tensor2D;
  itemBiasAcc: tf.Tensor1D;
  wAcc: tf.Tensor1D;
  biasAcc: tf.Tensor1D;
}

/**
 * Uploads copies of `p` and `state` (fresh Adagrad state when absent): the cpu backend keeps the array it is
 * given as the tensor's storage, and the kernels write in place, so the caller's arrays must not be shared.
 *
 * @example
 * const t = uploadParams(createParams({ numUsers: 4, numItems: 5, dim: 8 }));
 * t.itemEmb.shape; // [5, 8]
 */
export function uploadParams(p: CfParams, state?: AdagradState | null): ParamTensors {
  const s = state ?? createAdagradState(p);
  const d = p.dim;
  const m = (a: Float32Array, rows: number): tf.Tensor2D => tf.tensor2d(a.slice(), [rows, d], 'float32');
  const v = (a: Float32Array): tf.Tensor1D => tf.tensor1d(a.slice(), 'float32');
  return {
    userEmb: m(p.userEmb, p.numUsers),
    itemEmb: m(p.itemEmb, p.numItems),
    itemBias: v(p.itemBias),
    w: v(p.w),
    bias: v(p.bias),
    userAcc: m(s.userAcc, p.numUsers),
    itemAcc: m(s.itemAcc, p.numItems),
    itemBiasAcc: v(s.itemBiasAcc),
    wAcc: v(s.wAcc),
    biasAcc: v(s.biasAcc),
  };
}

/** Reads a float tensor into a fresh array (never the backend's own storage, never dataSync). */
export async function readFloats(t: tf.Tensor): Promise<Float32Array> {
  return new Float32Array((await t.data()) as Float32Array);
}

/**
 * Copies the parameters back to plain arrays.
 *
 * @example
 * const p2 = await downloadParams(t, p); // same shapes as p, current values
 */
export async function downloadParams(t: ParamTensors, shape: CfParams): Promise<CfParams> {
  const [userEmb, itemEmb, itemBias, w, bias] = await Promise.all([t.userEmb, t.itemEmb, t.itemBias, t.w, t.bias].map(readFloats));
  return { numUsers: shape.numUsers, numItems: shape.numItems, dim: shape.dim, userEmb, itemEmb, itemBias, w, bias };
}

/** Copies the Adagrad state back to plain arrays. */
export async function downloadState(t: ParamTensors): Promise<AdagradState> {
  const [userAcc, itemAcc, itemBiasAcc, wAcc, biasAcc] = await Promise.all(
    [t.userAcc, t.itemAcc, t.itemBiasAcc, t.wAcc, t.biasAcc].map(readFloats),
  );
  return { userAcc, itemAcc, itemBiasAcc, wAcc, biasAcc };
}

export function disposeParams(t: ParamTensors): void {
  for (const x of Object.values(t)) x.dispose();
}
