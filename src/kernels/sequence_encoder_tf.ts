/**
 * The sequence encoder's forward pass (`src/model/sequence/types.ts`) as TF.js ops on the active backend
 * (webgpu, webgl, wasm or cpu). All positions of the window go through each block in one pass: batched
 * matMuls over the heads and an additive causal mask. Only the final block is cut to the newest position
 * (its keys and values still come from every position), since `h` reads nothing else.
 *
 * Shapes are bucketed (16, 32, 64, 128 … up to `maxLen`) and the history is left-padded to its bucket, so a
 * history that grows by one click per `track` reuses the same compiled GPU programs instead of compiling a
 * new set per length. Padding rows are masked out as keys; as queries they spread evenly over the padding
 * before them (the mask there is MASKED, not -Infinity), so no softmax row is empty: an all -Infinity row would
 * give NaN, and `0 · NaN` in the next matMul would poison the real rows.
 *
 * The input rows `itemEmb[i]·sqrt(dim) + posEmb[pos]` are assembled in TypeScript (a gather of T rows is
 * cheaper than holding a second copy of the catalogue on the device), `1/sqrt(dim/heads)` is folded into
 * `wq`/`bq` at upload, and `q`, `k`, `v` share one `[dim, 3·dim]` matMul.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SequenceBlockParams, SequenceParams } from '../model/sequence/types.ts';

/** Large enough that `exp` underflows to 0, small enough for float16 textures (webgl on some GPUs). */
const MASKED = -3e4;
const LN_EPS = 1e-6;
const GELU_C = Math.sqrt(2 / Math.PI);

interface BlockTensors {
  ln1g: tf.Tensor1D;
  ln1b: tf.Tensor1D;
  wqkv: tf.Tensor2D;
  bqkv: tf.Tensor1D;
  /** The `q` and `kv` halves apart, for the last block (`q` of one row only). */
  wq: tf.Tensor2D;
  bq: tf.Tensor1D;
  wkv: tf.Tensor2D;
  bkv: tf.Tensor1D;
  wo: tf.Tensor2D;
  bo: tf.Tensor1D;
  ln2g: tf.Tensor1D;
  ln2b: tf.Tensor1D;
  w1: tf.Tensor2D;
  b1: tf.Tensor1D;
  w2: tf.Tensor2D;
  b2: tf.Tensor1D;
}

export interface SequenceTensors {
  blocks: BlockTensors[];
  lnfg: tf.Tensor1D;
  lnfb: tf.Tensor1D;
  /** Causal masks per bucket length: `[L, L]`, 0 on and below the diagonal, MASKED above. */
  causal: Map<number, tf.Tensor2D>;
}

/** Window length the history is padded to: the next power of two from 16, capped at `maxLen`. */
export function bucketLength(t: number, maxLen: number): number {
  let l = 16;
  while (l < t) l *= 2;
  return Math.min(l, maxLen);
}

/** `[dim, a]` and `[dim, b]` side by side as `[dim, a + b]`. */
function concatColumns(parts: { w: Float32Array; cols: number }[], dim: number): Float32Array {
  const width = parts.reduce((s, p) => s + p.cols, 0);
  const out = new Float32Array(dim * width);
  for (let r = 0; r < dim; r++) {
    let o = r * width;
    for (const p of parts) {
      out.set(p.w.subarray(r * p.cols, (r + 1) * p.cols), o);
      o += p.cols;
    }
  }
  return out;
}

function uploadBlock(b: SequenceBlockParams, dim: number, ffn: number, qScale: number): BlockTensors {
  const wq = b.wq.map((v) => v * qScale);
  const bq = b.bq.map((v) => v * qScale);
  const wkv = concatColumns([{ w: b.wk, cols: dim }, { w: b.wv, cols: dim }], dim);
  const bkv = Float32Array.of(...b.bk, ...b.bv);
  return {
    ln1g: tf.tensor1d(b.ln1Gamma),
    ln1b: tf.tensor1d(b.ln1Beta),
    wqkv: tf.tensor2d(concatColumns([{ w: wq, cols: dim }, { w: wkv, cols: 2 * dim }], dim), [dim, 3 * dim]),
    bqkv: tf.tensor1d(Float32Array.of(...bq, ...bkv)),
    wq: tf.tensor2d(wq, [dim, dim]),
    bq: tf.tensor1d(bq),
    wkv: tf.tensor2d(wkv, [dim, 2 * dim]),
    bkv: tf.tensor1d(bkv),
    wo: tf.tensor2d(b.wo, [dim, dim]),
    bo: tf.tensor1d(b.bo),
    ln2g: tf.tensor1d(b.ln2Gamma),
    ln2b: tf.tensor1d(b.ln2Beta),
    w1: tf.tensor2d(b.w1, [dim, ffn]),
    b1: tf.tensor1d(b.b1),
    w2: tf.tensor2d(b.w2, [ffn, dim]),
    b2: tf.tensor1d(b.b2),
  };
}

/** Uploads the encoder's weights once (the item table stays on the host side: rows are gathered in TS). */
export function uploadSequenceTensors(p: SequenceParams): SequenceTensors {
  const { dim, heads, ffnDim } = p.config;
  const qScale = 1 / Math.sqrt(dim / heads);
  return {
    blocks: p.blocks.map((b) => uploadBlock(b, dim, ffnDim, qScale)),
    lnfg: tf.tensor1d(p.lnfGamma),
    lnfb: tf.tensor1d(p.lnfBeta),
    causal: new Map(),
  };
}

export function disposeSequenceTensors(t: SequenceTensors): void {
  for (const b of t.blocks) for (const x of Object.values(b)) (x as tf.Tensor).dispose();
  t.lnfg.dispose();
  t.lnfb.dispose();
  for (const m of t.causal.values()) m.dispose();
  t.causal.clear();
}

function causalMask(t: SequenceTensors, l: number): tf.Tensor2D {
  let m = t.causal.get(l);
  if (!m) {
    const v = new Float32Array(l * l);
    for (let i = 0; i < l; i++) v.fill(MASKED, i * l + i + 1, (i + 1) * l);
    m = tf.keep(tf.tensor2d(v, [l, l]));
    t.causal.set(l, m);
  }
  return m;
}

/** LayerNorm over the last axis with population variance. */
function layerNorm(x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor2D {
  const c = tf.sub(x, tf.mean(x, -1, true));
  const v = tf.mean(tf.square(c), -1, true);
  return tf.add(tf.mul(tf.mul(c, tf.rsqrt(tf.add(v, LN_EPS))), g), b);
}

/** GELU, tanh approximation. */
function gelu(u: tf.Tensor2D): tf.Tensor2D {
  const inner = tf.mul(tf.add(u, tf.mul(tf.pow(u, 3), 0.044715)), GELU_C);
  return tf.mul(tf.mul(u, 0.5), tf.add(tf.tanh(inner), 1));
}

function ffn(x: tf.Tensor2D, b: BlockTensors): tf.Tensor2D {
  const z = layerNorm(x, b.ln2g, b.ln2b);
  const u = tf.fused.matMul({ a: z, b: b.w1, bias: b.b1 }) as tf.Tensor2D;
  return tf.add(x, tf.fused.matMul({ a: gelu(u), b: b.w2, bias: b.b2 })) as tf.Tensor2D;
}

/** `[rows, heads·dh]` → `[heads, rows, dh]`. */
function splitHeads(x: tf.Tensor2D, heads: number): tf.Tensor3D {
  const [rows, d] = x.shape;
  return tf.transpose(tf.reshape(x, [rows, heads, d / heads]), [1, 0, 2]);
}

function attend(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, mask: tf.Tensor, heads: number, b: BlockTensors): tf.Tensor2D {
  const rows = q.shape[0];
  const s = tf.add(tf.matMul(splitHeads(q, heads), splitHeads(k, heads), false, true), mask);
  const o = tf.matMul(tf.softmax(s), splitHeads(v, heads)); // [heads, rows, dh]
  const merged = tf.reshape(tf.transpose(o, [1, 0, 2]), [rows, q.shape[1]]);
  return tf.fused.matMul({ a: merged, b: b.wo, bias: b.bo }) as tf.Tensor2D;
}

/** A block over every row (all but the last block). */
function fullBlock(x: tf.Tensor2D, b: BlockTensors, mask: tf.Tensor, heads: number, dim: number): tf.Tensor2D {
  const qkv = tf.fused.matMul({ a: layerNorm(x, b.ln1g, b.ln1b), b: b.wqkv, bias: b.bqkv }) as tf.Tensor2D;
  const [q, k, v] = tf.split(qkv, [dim, dim, dim], 1) as tf.Tensor2D[];
  return ffn(tf.add(x, attend(q, k, v, mask, heads, b)), b);
}

/** The last block, for the newest row only (it attends to every unpadded row). */
function lastBlock(x: tf.Tensor2D, b: BlockTensors, keyMask: tf.Tensor, heads: number, dim: number): tf.Tensor2D {
  const l = x.shape[0];
  const z = layerNorm(x, b.ln1g, b.ln1b);
  const kv = tf.fused.matMul({ a: z, b: b.wkv, bias: b.bkv }) as tf.Tensor2D;
  const [k, v] = tf.split(kv, [dim, dim], 1) as tf.Tensor2D[];
  const zLast = tf.slice(z, [l - 1, 0], [1, dim]);
  const q = tf.fused.matMul({ a: zLast, b: b.wq, bias: b.bq }) as tf.Tensor2D;
  const xLast = tf.slice(x, [l - 1, 0], [1, dim]);
  return ffn(tf.add(xLast, attend(q, k, v, keyMask, heads, b)), b);
}

/**
 * `h` as a `[1, dim]` tensor (kept: the caller disposes it) from the padded input rows `x0` ([L, dim]) and the
 * key mask `keyMask` ([1, L], MASKED on padding).
 */
export function encodeTensors(t: SequenceTensors, p: SequenceParams, x0: Float32Array, keyMask: Float32Array): tf.Tensor2D {
  const { dim, heads } = p.config;
  const l = keyMask.length;
  return tf.tidy(() => {
    let x = tf.tensor2d(x0, [l, dim]);
    const keys = tf.tensor2d(keyMask, [1, l]);
    const n = t.blocks.length;
    if (n > 1) {
      const mask = tf.add(causalMask(t, l), keys);
      for (let k = 0; k < n - 1; k++) x = fullBlock(x, t.blocks[k], mask, heads, dim);
    }
    x = n > 0 ? lastBlock(x, t.blocks[n - 1], keys, heads, dim) : tf.slice(x, [l - 1, 0], [1, dim]);
    return layerNorm(x, t.lnfg, t.lnfb);
  });
}
