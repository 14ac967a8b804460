/**
 * The global model in memory: what the shop publishes (the artefact, see `src/artefact/`) once loaded.
 * Item rows of `itemEmb`/`itemBias` follow `itemIds`. Users of the training log are not shipped; a browser
 * starts from `priorUser` (p_0) and learns its own p_u.
 */
import type { SequenceParams } from './sequence/types.ts';

export interface ItemAttributes {
  category?: string;
  brand?: string;
  /** Price band label, e.g. "0-10", "10-25". */
  priceBand?: string;
  [key: string]: string | number | undefined;
}

/** Learned map from item attributes to the item-embedding space (for items nobody clicked yet). */
export interface AttributeProjection {
  /** Attribute vocabulary, "field=value" strings; row k of `weights` is the vector of vocab[k]. */
  vocab: string[];
  /** [vocab.length, dim]: an item's vector is the mean of its attribute rows. */
  weights: Float32Array;
  /** [vocab.length]: an item's bias is the mean of these. */
  bias: Float32Array;
}

export interface TrainingReport {
  [key: string]: unknown;
}

export interface GlobalModel {
  /** Artefact format version (integer), see `src/artefact/`. */
  formatVersion: number;
  /** The shop's model version string; a change triggers transfer of every user's local state. */
  modelVersion: string;
  dim: number;
  itemIds: string[];
  /** [numItems, dim] */
  itemEmb: Float32Array;
  /** [numItems] */
  itemBias: Float32Array;
  /** [dim] */
  w: Float32Array;
  bias: number;
  /** [dim] the prior (cold-start) user vector p_0, e.g. the mean of the trained user vectors. */
  priorUser: Float32Array;
  /** [numItems] interaction counts in the training log. */
  popularity: Float32Array;
  /** Optional per-item attributes, same order as itemIds. */
  itemAttributes?: ItemAttributes[];
  /** Optional per-item display data a shop may ship (title, price, image); never required by the engine. */
  itemMeta?: Record<string, unknown>[];
  attributeProjection?: AttributeProjection;
  /** Hyper-parameters used for pretraining (dim, lr, negatives, loss...). */
  hyperParameters: Record<string, unknown>;
  trainingReport?: TrainingReport;
  /**
   * On-device learner settings chosen for this model (`pretrain --auto` replays held-out users of the shop's log
   * through the engine, DESIGN.md protocol 2). Plain JSON; the engine checks them against the learner's bounds
   * and learns with its built-in defaults (warning `ShippedLearnerSettingsInvalid`) when they are refused. A
   * shop's own `learner` option overrides them key by key.
   */
  learner?: Record<string, unknown>;
  /**
   * Present when the model reads the order of the clicks (see `sequence/types.ts`): the user's vector is the
   * encoder's output over the newest events instead of a fold-in, and `sequence.itemEmb === itemEmb`.
   */
  sequence?: SequenceParams;
  /** Non-personal lists built by the CLI from the log (src/train/placements.ts), rows of `itemIds`. */
  placements?: ShippedPlacements;
}

/** `trending`: popularity with recency, best first; `together[i]`: the items clicked or bought next to item i. */
export interface ShippedPlacements {
  trending: number[];
  together: number[][];
}
