/**
 * Constants of the artefact format, shared by the encoder, the decoder and the pretraining code that stamps
 * `formatVersion` on a fresh GlobalModel. Pure: no DOM, no Node.
 */

/**
 * The newest format this code reads; bumped on any change a previous decoder could not read. The encoder writes
 * the oldest version that describes the file: 1, or 2 where the item ids are front-coded (id_coding.ts).
 */
export const FORMAT_VERSION = 2;

/** The `format` tag in model.json, so a plain TF.js model is told apart from a tastebud one. */
export const FORMAT_NAME = 'tastebud-global-model';

export type WeightDtype = 'float32' | 'float16' | 'uint8';

import { LIMITS } from '../limits.ts';

/** Refuse anything beyond these before allocating: a typo'd or hostile manifest must not exhaust memory. */
export interface ArtefactLimits {
  maxItems: number;
  maxDim: number;
  /** Total bytes of the weight shards. */
  maxWeightBytes: number;
  maxVocab: number;
  /** Characters of an item id. */
  maxIdLength: number;
}

/** The shared limits of src/limits.ts: what the decoder accepts is exactly what the CLI may write. */
export const DEFAULT_LIMITS: ArtefactLimits = {
  maxItems: LIMITS.maxItems,
  maxDim: LIMITS.maxDim,
  maxWeightBytes: LIMITS.maxWeightBytes,
  maxVocab: LIMITS.maxVocab,
  maxIdLength: LIMITS.maxIdLength,
};

/** TF.js default shard size (4 MiB): CDN- and cache-friendly pieces. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;
