/**
 * The sequence model's part of the artefact (see `model/sequence/types.ts`): its config in the metadata
 * (`tastebud.sequence`) and its tensors in the weights manifest — `seq/pos_emb`, `seq/block{b}/{key}` for each
 * key of BLOCK_KEYS, `seq/lnf_gamma`, `seq/lnf_beta`. The item table is the artefact's `item_emb` (shared with
 * the output layer), so a sequence artefact adds only the encoder, never a second copy of the catalogue.
 *
 * Storage: matrices (positions, projections, feed-forward) take the artefact's dtype; LayerNorm gains/offsets and
 * bias vectors stay float32 — they are `dim` values each, and one uint8 step on a LayerNorm gain moves every
 * activation after it.
 */
import { ModelLoadError } from '../errors.ts';
import type { SequenceBlockParams, SequenceConfig, SequenceParams } from '../model/sequence/types.ts';
import { BLOCK_KEYS } from '../model/sequence/types.ts';
import type { QuantDtype } from './quantize.ts';

/** Keys of a block that are matrices ([in, out]); the others are vectors kept in float32. */
const MATRIX_KEYS = new Set<keyof SequenceBlockParams>(['wq', 'wk', 'wv', 'wo', 'w1', 'w2']);

/** Bounds on a sequence config read from a model.json, checked before anything is allocated. */
const MAX_LEN = 4096;
const MAX_BLOCKS = 64;
const MAX_FFN = 16384;

export type TensorEntry = [name: string, shape: number[], values: Float32Array, quant: QuantDtype | null];

/** The expected shape of every sequence tensor, by artefact name. */
export function sequenceShapes(c: SequenceConfig): Record<string, number[]> {
  const out: Record<string, number[]> = { 'seq/pos_emb': [c.maxLen, c.dim], 'seq/lnf_gamma': [c.dim], 'seq/lnf_beta': [c.dim] };
  for (let b = 0; b < c.blocks; b++) for (const key of BLOCK_KEYS) out[`seq/block${b}/${key}`] = blockShape(c, key);
  return out;
}

function blockShape(c: SequenceConfig, key: keyof SequenceBlockParams): number[] {
  if (key === 'w1') return [c.dim, c.ffnDim];
  if (key === 'b1') return [c.ffnDim];
  if (key === 'w2') return [c.ffnDim, c.dim];
  return MATRIX_KEYS.has(key) ? [c.dim, c.dim] : [c.dim];
}

/**
 * The sequence tensors to write, in manifest order; matrices stored as `quant`, vectors as float32.
 *
 * @example
 * sequenceTensors(model.sequence, 'uint8').map(([name]) => name); // ['seq/pos_emb', 'seq/block0/ln1Gamma', ...]
 */
export function sequenceTensors(p: SequenceParams, quant: QuantDtype | null): TensorEntry[] {
  const shapes = sequenceShapes(p.config);
  const out: TensorEntry[] = [['seq/pos_emb', shapes['seq/pos_emb'], p.posEmb, quant]];
  p.blocks.forEach((block, b) => {
    for (const key of BLOCK_KEYS) out.push([`seq/block${b}/${key}`, shapes[`seq/block${b}/${key}`], block[key], MATRIX_KEYS.has(key) ? quant : null]);
  });
  out.push(['seq/lnf_gamma', shapes['seq/lnf_gamma'], p.lnfGamma, null], ['seq/lnf_beta', shapes['seq/lnf_beta'], p.lnfBeta, null]);
  return out;
}

/** The config as written to `tastebud.sequence`. */
export function sequenceMeta(p: SequenceParams): SequenceConfig {
  const { numItems, dim, maxLen, blocks, heads, ffnDim } = p.config;
  return { numItems, dim, maxLen, blocks, heads, ffnDim };
}

/**
 * Checks `tastebud.sequence` against the artefact's own dims; a ModelLoadError names the field.
 *
 * @example
 * checkSequenceMeta({ numItems: 3, dim: 8, maxLen: 50, blocks: 2, heads: 2, ffnDim: 32 }, 3, 8);
 */
export function checkSequenceMeta(raw: unknown, numItems: number, dim: number): SequenceConfig {
  const fail = (msg: string): never => {
    throw new ModelLoadError(`Invalid tastebud artefact: "tastebud.sequence" ${msg}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('must be an object { numItems, dim, maxLen, blocks, heads, ffnDim }');
  const c = raw as Record<string, unknown>;
  const int = (key: string, lo: number, hi: number): number => {
    const v = c[key];
    if (!Number.isInteger(v) || (v as number) < lo || (v as number) > hi) fail(`.${key} is ${JSON.stringify(v)}, expected an integer in ${lo}..${hi}`);
    return v as number;
  };
  const config: SequenceConfig = {
    numItems: int('numItems', 0, Number.MAX_SAFE_INTEGER),
    dim: int('dim', 1, Number.MAX_SAFE_INTEGER),
    maxLen: int('maxLen', 1, MAX_LEN),
    blocks: int('blocks', 0, MAX_BLOCKS),
    heads: int('heads', 1, MAX_LEN),
    ffnDim: int('ffnDim', 1, MAX_FFN),
  };
  if (config.numItems !== numItems) fail(`.numItems is ${config.numItems}, but the artefact has ${numItems} items`);
  if (config.dim !== dim) fail(`.dim is ${config.dim}, but the artefact's dim is ${dim}`);
  if (dim % config.heads !== 0) fail(`.heads (${config.heads}) must divide dim (${dim})`);
  return config;
}

/**
 * Rebuilds the sequence params from decoded tensors; `itemEmb`/`itemBias` are the model's own arrays (shared).
 * The manifest check has already matched every shape to the config.
 */
export function assembleSequence(config: SequenceConfig, t: Record<string, Float32Array>, itemEmb: Float32Array, itemBias: Float32Array): SequenceParams {
  const blocks: SequenceBlockParams[] = [];
  for (let b = 0; b < config.blocks; b++) {
    const block = {} as SequenceBlockParams;
    for (const key of BLOCK_KEYS) block[key] = t[`seq/block${b}/${key}`];
    blocks.push(block);
  }
  return { config, itemEmb, itemBias, posEmb: t['seq/pos_emb'], blocks, lnfGamma: t['seq/lnf_gamma'], lnfBeta: t['seq/lnf_beta'] };
}
