/**
 * The plain-TypeScript reference forward pass of the sequence model (layouts in `types.ts`). Every other forward
 * pass (TF.js per backend, the trainer's fused kernels) is held to `encodeSequence` within a tolerance.
 *
 * It is written for clarity, not speed: one history at a time, every position of the window computed (causal
 * attention needs the keys and values of all of them), float64 accumulators.
 */
import { InvalidInputError } from '../../errors.ts';
import { createRng } from '../rng.ts';
import { BLOCK_KEYS } from './types.ts';
import type { SequenceBlockParams, SequenceConfig, SequenceParams } from './types.ts';

export const LN_EPS = 1e-6;
const GELU_C = Math.sqrt(2 / Math.PI);

/** Tanh approximation of GELU, as `types.ts` fixes it. */
export function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x)));
}

/**
 * How fresh matrices are drawn: `xavier` (Xavier-uniform, biases 0) or `fanIn` (uniform ±1/√fanIn for weights
 * and biases: PyTorch's `nn.Linear` default, about half Xavier's spread at dim 64).
 */
export type SequenceInit = 'xavier' | 'fanIn';

/**
 * Fresh parameters: item embeddings N(0, 1/dim) (so the input `itemEmb·sqrt(dim)` has unit-variance entries and
 * initial scores are O(1)), positions N(0, 0.02²), LayerNorm gamma 1 / beta 0, matrices Xavier-uniform and biases 0
 * (`init` 'xavier'), or weights and biases uniform ±1/√fanIn (`init` 'fanIn', the trainer's default).
 * Seeded, so runs are reproducible.
 *
 * @example
 * const p = createSequenceParams({ numItems: 3706, dim: 64, maxLen: 200, blocks: 2, heads: 2, ffnDim: 256 });
 */
export function createSequenceParams(config: SequenceConfig, seed = 1, init: SequenceInit = 'xavier'): SequenceParams {
  validateConfig(config);
  const { numItems, dim, maxLen, blocks, ffnDim } = config;
  const rng = createRng(seed);
  const normal = (n: number, std: number): Float32Array => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = rng.normal() * std;
    return a;
  };
  const uniform = (n: number, lim: number): Float32Array => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = (rng.next() * 2 - 1) * lim;
    return a;
  };
  const fanInOnly = init === 'fanIn';
  const xavier = (fanIn: number, fanOut: number): Float32Array =>
    uniform(fanIn * fanOut, fanInOnly ? 1 / Math.sqrt(fanIn) : Math.sqrt(6 / (fanIn + fanOut)));
  const bias = (fanIn: number, n: number): Float32Array => (fanInOnly ? uniform(n, 1 / Math.sqrt(fanIn)) : new Float32Array(n));
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
  const makeBlock = (): SequenceBlockParams => ({
    ln1Gamma: ones(dim),
    ln1Beta: new Float32Array(dim),
    wq: xavier(dim, dim),
    bq: bias(dim, dim),
    wk: xavier(dim, dim),
    bk: bias(dim, dim),
    wv: xavier(dim, dim),
    bv: bias(dim, dim),
    wo: xavier(dim, dim),
    bo: bias(dim, dim),
    ln2Gamma: ones(dim),
    ln2Beta: new Float32Array(dim),
    w1: xavier(dim, ffnDim),
    b1: bias(dim, ffnDim),
    w2: xavier(ffnDim, dim),
    b2: bias(ffnDim, dim),
  });
  return {
    config: { ...config },
    itemEmb: normal(numItems * dim, 1 / Math.sqrt(dim)),
    itemBias: new Float32Array(numItems),
    posEmb: normal(maxLen * dim, 0.02),
    blocks: Array.from({ length: blocks }, makeBlock),
    lnfGamma: ones(dim),
    lnfBeta: new Float32Array(dim),
  };
}

function validateConfig(c: SequenceConfig): void {
  for (const key of ['numItems', 'dim', 'maxLen', 'blocks', 'heads', 'ffnDim'] as const) {
    const v = c[key];
    if (!Number.isInteger(v) || v < (key === 'blocks' ? 0 : 1)) {
      throw new InvalidInputError(`sequence config ${key} must be a positive integer, got ${String(v)}`);
    }
  }
  if (c.dim % c.heads !== 0) {
    throw new InvalidInputError(`sequence config dim ${c.dim} must be a multiple of heads ${c.heads}`);
  }
}

/**
 * Checks every tensor's length against `params.config`; throws an InvalidInputError naming the first tensor that
 * disagrees (e.g. `seq/block1/w1`) and the lengths, so a corrupt artefact fails loudly instead of scoring NaN.
 */
export function validateSequenceParams(params: SequenceParams): void {
  const c = params.config;
  validateConfig(c);
  const { numItems, dim, maxLen, ffnDim } = c;
  const check = (name: string, a: Float32Array | undefined, n: number): void => {
    if (!(a instanceof Float32Array)) throw new InvalidInputError(`sequence tensor ${name} is missing`);
    if (a.length !== n) {
      throw new InvalidInputError(`sequence tensor ${name} has ${a.length} values, the config needs ${n}`);
    }
  };
  check('seq/item_emb', params.itemEmb, numItems * dim);
  if (params.itemBias !== undefined) check('seq/item_bias', params.itemBias, numItems);
  check('seq/pos_emb', params.posEmb, maxLen * dim);
  check('seq/lnf_gamma', params.lnfGamma, dim);
  check('seq/lnf_beta', params.lnfBeta, dim);
  if (!Array.isArray(params.blocks) || params.blocks.length !== c.blocks) {
    throw new InvalidInputError(`sequence model has ${params.blocks?.length} blocks, the config needs ${c.blocks}`);
  }
  const sizes: Record<(typeof BLOCK_KEYS)[number], number> = {
    ln1Gamma: dim, ln1Beta: dim, wq: dim * dim, bq: dim, wk: dim * dim, bk: dim, wv: dim * dim, bv: dim,
    wo: dim * dim, bo: dim, ln2Gamma: dim, ln2Beta: dim, w1: dim * ffnDim, b1: ffnDim, w2: ffnDim * dim, b2: dim,
  };
  params.blocks.forEach((b, i) => {
    for (const key of BLOCK_KEYS) check(`seq/block${i}/${key}`, b?.[key], sizes[key]);
  });
}

/** LayerNorm of each `dim`-row of `x` (rows × dim) into a new array. */
function layerNorm(x: Float32Array, rows: number, dim: number, gamma: Float32Array, beta: Float32Array): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let mean = 0;
    for (let k = 0; k < dim; k++) mean += x[o + k];
    mean /= dim;
    let v = 0;
    for (let k = 0; k < dim; k++) v += (x[o + k] - mean) ** 2;
    const inv = 1 / Math.sqrt(v / dim + LN_EPS);
    for (let k = 0; k < dim; k++) out[o + k] = (x[o + k] - mean) * inv * gamma[k] + beta[k];
  }
  return out;
}

/** `x · w + b` for rows × n by n × m. */
function affine(x: Float32Array, rows: number, n: number, w: Float32Array, b: Float32Array, m: number): Float32Array {
  const out = new Float32Array(rows * m);
  const acc = new Float64Array(m);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < m; j++) acc[j] = b[j];
    for (let k = 0; k < n; k++) {
      const xv = x[r * n + k];
      const wo = k * m;
      for (let j = 0; j < m; j++) acc[j] += xv * w[wo + j];
    }
    for (let j = 0; j < m; j++) out[r * m + j] = acc[j];
  }
  return out;
}

/** Causal multi-head attention of `z` (T × dim): position t reads positions 0..t. */
function attention(z: Float32Array, T: number, b: SequenceBlockParams, dim: number, heads: number): Float32Array {
  const q = affine(z, T, dim, b.wq, b.bq, dim);
  const k = affine(z, T, dim, b.wk, b.bk, dim);
  const v = affine(z, T, dim, b.wv, b.bv, dim);
  const hs = dim / heads;
  const scale = 1 / Math.sqrt(hs);
  const ctx = new Float32Array(T * dim);
  const w = new Float64Array(T);
  for (let h = 0; h < heads; h++) {
    const off = h * hs;
    for (let t = 0; t < T; t++) {
      let max = -Infinity;
      for (let s = 0; s <= t; s++) {
        let dot = 0;
        for (let c = 0; c < hs; c++) dot += q[t * dim + off + c] * k[s * dim + off + c];
        w[s] = dot * scale;
        if (w[s] > max) max = w[s];
      }
      let sum = 0;
      for (let s = 0; s <= t; s++) sum += w[s] = Math.exp(w[s] - max);
      for (let c = 0; c < hs; c++) {
        let acc = 0;
        for (let s = 0; s <= t; s++) acc += w[s] * v[s * dim + off + c];
        ctx[t * dim + off + c] = acc / sum;
      }
    }
  }
  return affine(ctx, T, dim, b.wo, b.bo, dim);
}

/** The window actually read: the newest `maxLen` items, each checked against the catalogue. */
export function sequenceWindow(items: ArrayLike<number>, config: SequenceConfig): Int32Array {
  if (items.length === 0) throw new InvalidInputError('encodeSequence needs a non-empty history');
  const T = Math.min(items.length, config.maxLen);
  const out = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    const i = items[items.length - T + t];
    if (!Number.isInteger(i) || i < 0 || i >= config.numItems) {
      throw new InvalidInputError(`history item index ${String(i)} is outside 0..${config.numItems - 1}`);
    }
    out[t] = i;
  }
  return out;
}

/**
 * The history's vector `h`: the final LayerNorm of the newest position after every block. Items are catalogue
 * indices, oldest first; only the newest `maxLen` are read.
 *
 * @example
 * const h = encodeSequence(params, [12, 7, 301]); // Float32Array(dim)
 * const scores = scoreSequence(params, h); // Float32Array(numItems)
 */
export function encodeSequence(params: SequenceParams, items: ArrayLike<number>): Float32Array {
  const { dim, maxLen, heads, ffnDim } = params.config;
  const win = sequenceWindow(items, params.config);
  const T = win.length;
  const x = new Float32Array(T * dim);
  const scale = Math.sqrt(dim);
  for (let t = 0; t < T; t++) {
    const e = win[t] * dim;
    const p = (maxLen - T + t) * dim;
    for (let k = 0; k < dim; k++) x[t * dim + k] = params.itemEmb[e + k] * scale + params.posEmb[p + k];
  }
  for (const b of params.blocks) {
    const a = attention(layerNorm(x, T, dim, b.ln1Gamma, b.ln1Beta), T, b, dim, heads);
    for (let i = 0; i < x.length; i++) x[i] += a[i];
    const hidden = affine(layerNorm(x, T, dim, b.ln2Gamma, b.ln2Beta), T, dim, b.w1, b.b1, ffnDim);
    for (let i = 0; i < hidden.length; i++) hidden[i] = gelu(hidden[i]);
    const f = affine(hidden, T, ffnDim, b.w2, b.b2, dim);
    for (let i = 0; i < x.length; i++) x[i] += f[i];
  }
  return layerNorm(x.subarray((T - 1) * dim), 1, dim, params.lnfGamma, params.lnfBeta);
}

/** Scores of every catalogue item for the history vector `h`: `h · itemEmb[j] + itemBias[j]`. */
export function scoreSequence(params: SequenceParams, h: Float32Array): Float32Array {
  const { numItems, dim } = params.config;
  if (h.length !== dim) throw new InvalidInputError(`history vector has ${h.length} values, the model needs ${dim}`);
  const out = new Float32Array(numItems);
  const bias = params.itemBias;
  for (let j = 0; j < numItems; j++) {
    let s = bias ? bias[j] : 0;
    const o = j * dim;
    for (let k = 0; k < dim; k++) s += h[k] * params.itemEmb[o + k];
    out[j] = s;
  }
  return out;
}
