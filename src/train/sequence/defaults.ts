/**
 * Default training settings of the sequence model, chosen on validation users (the grid and the numbers are in
 * bench/sequence.ts and docs/sequence-model.md).
 */
import type { SequenceTrainOptions } from './train.ts';

export const DEFAULT_SEQUENCE_TRAIN_OPTIONS: SequenceTrainOptions = {
  dim: 64,
  maxLen: 200,
  blocks: 2,
  heads: 2,
  ffnDim: 128,
  epochs: 200,
  batchSize: 64,
  lr: 1e-3,
  loss: 'full',
  negatives: 256,
  dropout: 0.2,
  seed: 1,
  timeBudgetMs: Infinity,
};
