/**
 * Constants of the artefact format, shared by the encoder, the decoder and the pretraining code that stamps
 * `formatVersion` on a fresh GlobalModel. Pure: no DOM, no Node.
 */

/** Bumped on any change a previous decoder could not read. */
export const FORMAT_VERSION = 1;

/** The `format` tag in model.json, so a plain TF.js model is told apart from a tastebud one. */
export const FORMAT_NAME = 'tastebud-global-model';

export type WeightDtype = 'float32' | 'float16' | 'uint8';

/** Refuse anything beyond these before allocating: a typo'd or hostile manifest must not exhaust memory. */
export interface ArtefactLimits {
  maxItems: number;
  maxDim: number;
  /** Total bytes of the weight shards. */
  maxWeightBytes: number;
  maxVocab: number;
}

export const DEFAULT_LIMITS: ArtefactLimits = {
  maxItems: 5_000_000,
  maxDim: 1024,
  maxWeightBytes: 1 << 30,
  maxVocab: 1_000_000,
};

/** TF.js default shard size (4 MiB): CDN- and cache-friendly pieces. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;
