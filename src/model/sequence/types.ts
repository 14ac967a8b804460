/**
 * The sequence model's shapes: a causal self-attention next-item model in the SASRec family (pre-LayerNorm
 * Transformer blocks, learned positions, item embeddings shared with the output layer).
 *
 * This file is the contract between the trainer (src/train/sequence/), the artefact (src/artefact/), the TF.js
 * forward passes (src/kernels/) and the engine (src/engine/): every one of them reads and writes these layouts, and
 * `encodeSequence` in `encode.ts` is the plain-TypeScript reference every other forward pass is held to.
 *
 * Layout (all tables row-major Float32Array, matrices stored [in, out] so `y = x · W + b`):
 * - `itemEmb` [numItems, dim] — the same array as `GlobalModel.itemEmb`: scores are `h · itemEmb[j]`.
 * - `posEmb` [maxLen, dim] — positions are right-aligned: of a history of T ≤ maxLen items (oldest first), item t
 *   (0-based) takes position `maxLen - T + t`, so the newest click always sits at position `maxLen - 1`.
 * - input of position t: `x_t = itemEmb[i_t] · sqrt(dim) + posEmb[pos_t]`.
 * - each block (pre-LN, causal: position t attends to positions ≤ t of the same history, never to padding):
 *     `a = MHA(LN1(x)); x = x + a; x = x + FFN(LN2(x))`, with `MHA` = heads of size dim/heads,
 *     `softmax(q·kᵀ / sqrt(dim/heads))` over the causal window, output projection `wo`;
 *     `FFN(z) = GELU(z · w1 + b1) · w2 + b2` (tanh approximation of GELU).
 *   LayerNorm: `(x - mean) / sqrt(var + 1e-6) * gamma + beta`, population variance.
 * - the history's vector `h = LNf(x_{T-1})` (final LayerNorm of the newest position).
 * - score of item j: `h · itemEmb[j]` (+ `itemBias[j]` where present). Dropout exists only in training.
 */
export interface SequenceConfig {
  /** Catalogue size; item indices run 0..numItems-1 (no padding row: padding is a mask, not an item). */
  numItems: number;
  dim: number;
  /** Window: only the newest `maxLen` events are read. */
  maxLen: number;
  blocks: number;
  /** Attention heads; `dim % heads === 0`. */
  heads: number;
  /** Inner width of the feed-forward layer. */
  ffnDim: number;
}

export interface SequenceBlockParams {
  ln1Gamma: Float32Array; // [dim]
  ln1Beta: Float32Array; // [dim]
  wq: Float32Array; // [dim, dim]
  bq: Float32Array; // [dim]
  wk: Float32Array; // [dim, dim]
  bk: Float32Array; // [dim]
  wv: Float32Array; // [dim, dim]
  bv: Float32Array; // [dim]
  wo: Float32Array; // [dim, dim]
  bo: Float32Array; // [dim]
  ln2Gamma: Float32Array; // [dim]
  ln2Beta: Float32Array; // [dim]
  w1: Float32Array; // [dim, ffnDim]
  b1: Float32Array; // [ffnDim]
  w2: Float32Array; // [ffnDim, dim]
  b2: Float32Array; // [dim]
}

export interface SequenceParams {
  config: SequenceConfig;
  /** [numItems, dim], shared with the output layer and with `GlobalModel.itemEmb`. */
  itemEmb: Float32Array;
  /** [numItems] or absent (then 0). */
  itemBias?: Float32Array;
  /** [maxLen, dim] */
  posEmb: Float32Array;
  blocks: SequenceBlockParams[];
  lnfGamma: Float32Array; // [dim]
  lnfBeta: Float32Array; // [dim]
}

/** Artefact weight names of a block's tensors: `seq/block{b}/{key}`; the others `seq/pos_emb`, `seq/lnf_gamma`, … */
export const BLOCK_KEYS = [
  'ln1Gamma',
  'ln1Beta',
  'wq',
  'bq',
  'wk',
  'bk',
  'wv',
  'bv',
  'wo',
  'bo',
  'ln2Gamma',
  'ln2Beta',
  'w1',
  'b1',
  'w2',
  'b2',
] as const satisfies readonly (keyof SequenceBlockParams)[];
