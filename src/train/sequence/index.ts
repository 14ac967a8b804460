/** The sequence model's trainer: `trainSequenceModel` and its options (see docs/sequence-model.md). */
export { trainSequenceModel } from './train.ts';
export type { SequenceEpochInfo, SequenceTrainOptions, SequenceTrainResult } from './train.ts';
export { DEFAULT_SEQUENCE_TRAIN_OPTIONS } from './defaults.ts';
export type { SequenceLossKind } from './loss.ts';
export { SEQUENCE_WINDOWS } from './batches.ts';
export type { SequenceWindows } from './batches.ts';
export { encodeHistoriesTf } from './encode_batch.ts';
export { itemFeatures } from './item_features.ts';
export type { ItemFeatures } from './item_features.ts';
