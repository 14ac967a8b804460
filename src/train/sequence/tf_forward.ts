/**
 * The sequence model's forward pass in TF.js ops, batched over histories, for training by autodiff (and for
 * scoring validation users fast). Same maths as the plain-TypeScript reference `encodeSequence` (types.ts): the
 * contract test holds this forward to the reference and its gradients to finite differences.
 *
 * A batch is `L` columns wide (the longest history in it, ≤ maxLen), right-aligned: column c takes position
 * `maxLen - L + c`; shorter histories are left-padded and padding columns are masked out of every attention window.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SequenceConfig, SequenceParams } from '../../model/sequence/types.ts';
import { sequenceTensor, sequenceTensorShapes } from './flat_params.ts';
import { LN_EPS } from '../../model/sequence/encode.ts';
import { matMul2d } from './fast_matmul.ts';

export type SequenceVariables = Record<string, tf.Variable>;

/** One TF.js variable per tensor of `params`, named as in the artefact (`block0/wq`, `item_emb`, …). */
export function createSequenceVariables(params: SequenceParams): SequenceVariables {
  const v: SequenceVariables = {};
  for (const [name, shape] of sequenceTensorShapes(params.config)) {
    v[name] = tf.variable(tf.tensor(sequenceTensor(params, name), shape), true, `${name}#${Math.random().toString(36).slice(2)}`);
  }
  return v;
}

function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LN_EPS))), gamma), beta);
}

const GELU_C = Math.sqrt(2 / Math.PI);
/**
 * GELU, tanh form: `0.5·x·(1 + tanh(u)) = x·sigmoid(2u)`, `u = √(2/π)·(x + 0.044715·x³)`. Written with the sigmoid:
 * wasm's Tanh kernel took 3.6 ms for a `[1600, 128]` activation, its Sigmoid (XNNPACK) about 40 % of that.
 */
function gelu(x: tf.Tensor): tf.Tensor {
  const twoU = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), 2 * GELU_C);
  return tf.mul(x, tf.sigmoid(twoU));
}

export interface ForwardOptions {
  /** Dropout rate on the embeddings, attention output and feed-forward output (training only); 0 = off. */
  dropout: number;
  /** Seed for the dropout masks of this call. */
  seed?: number;
}

/**
 * Hidden states `[B, L, dim]` after the final LayerNorm for a batch of right-aligned histories.
 * `items` is `[B, L]` int32 (padding = any valid index, e.g. 0), `valid` `[B, L]` float32 (1 = real item).
 */
export function forwardSequences(
  v: SequenceVariables,
  config: SequenceConfig,
  items: tf.Tensor2D,
  valid: tf.Tensor2D,
  opts: ForwardOptions,
): tf.Tensor3D {
  const { dim, maxLen, heads } = config;
  const [B, L] = items.shape;
  const hs = dim / heads;
  let seed = opts.seed ?? 0;
  const drop = (t: tf.Tensor): tf.Tensor => (opts.dropout > 0 ? tf.dropout(t, opts.dropout, undefined, seed++) : t);
  const validCol = tf.expandDims(valid, 2); // [B, L, 1]
  const emb = tf.reshape(tf.gather(v.item_emb, tf.reshape(items, [B * L])), [B, L, dim]);
  const pos = tf.slice(v.pos_emb, [maxLen - L, 0], [L, dim]);
  let x: tf.Tensor = tf.mul(drop(tf.add(tf.mul(emb, Math.sqrt(dim)), pos)), validCol);
  // Additive mask [B, 1, L, L]: key s visible to query t iff s <= t and s is a real item.
  const causal = tf.linalg.bandPart(tf.ones([L, L]), -1, 0);
  const visible = tf.mul(tf.reshape(causal, [1, 1, L, L]), tf.reshape(valid, [B, 1, 1, L]));
  const maskAdd = tf.mul(tf.sub(1, visible), -1e9);
  const flat = (t: tf.Tensor): tf.Tensor2D => tf.reshape(t, [B * L, -1]);
  for (let i = 0; i < config.blocks; i++) {
    const w = (key: string): tf.Variable => v[`block${i}/${key}`];
    const z = flat(layerNorm(x, w('ln1Gamma'), w('ln1Beta')));
    const heads4 = (wk: string, bk: string): tf.Tensor4D =>
      tf.transpose(tf.reshape(tf.add(matMul2d(z, w(wk)), w(bk)), [B, L, heads, hs]), [0, 2, 1, 3]);
    const q = heads4('wq', 'bq');
    const k = heads4('wk', 'bk');
    const val = heads4('wv', 'bv');
    const logits = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hs)), maskAdd);
    const ctx = tf.matMul(tf.softmax(logits), val); // [B, heads, L, hs]
    const merged = tf.reshape(tf.transpose(ctx, [0, 2, 1, 3]), [B * L, dim]) as tf.Tensor2D;
    const a = tf.add(matMul2d(merged, w('wo')), w('bo'));
    x = tf.add(x, tf.reshape(drop(a), [B, L, dim]));
    const z2 = flat(layerNorm(x, w('ln2Gamma'), w('ln2Beta')));
    const hidden = gelu(tf.add(matMul2d(z2, w('w1')), w('b1'))) as tf.Tensor2D;
    const f = tf.add(matMul2d(hidden, w('w2')), w('b2'));
    x = tf.mul(tf.add(x, tf.reshape(drop(f), [B, L, dim])), validCol);
  }
  return layerNorm(x, v.lnf_gamma, v.lnf_beta) as tf.Tensor3D;
}
