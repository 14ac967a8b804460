/**
 * The one set of size limits that the CLI (what `pretrain` may write), the artefact decoder (what the browser
 * accepts) and the public API (what `track` / `recommend` accept) all enforce. Before this module the three
 * disagreed (item ids: CLI unlimited, artefact 512, API 256), so `pretrain` could write a model the browser then
 * refused. Pure data: no DOM, no Node.
 */

export const LIMITS = {
  /** Characters of an item id (UTF-16 code units, as `string.length` counts them). */
  maxIdLength: 256,
  /** Embedding size of the global model. */
  maxDim: 1024,
  /** Items of one catalogue / artefact. */
  maxItems: 5_000_000,
  /** Total bytes of an artefact's weight shards. */
  maxWeightBytes: 1 << 30,
  /** Attribute tokens of the attribute projection. */
  maxVocab: 1_000_000,
  /** Characters of one line of an interaction log the CLI reads (a file without newlines is refused, not buffered). */
  maxLineLength: 1 << 20,
} as const;

export type Limits = typeof LIMITS;
