/**
 * Default training settings of the sequence model, chosen on validation users only (`npm run bench:sequence`).
 * - Window 50 (not SASRec's 200 for ML-1M): on ML-1M, 10 minutes on one thread each, side by side, the same 1,000
 *   validation users: window 50 reached HR@10 0.160 / NDCG@10 0.081 after 8 epochs, window 200 0.008 / 0.003
 *   after 3 — at this machine's speed the number of Adam steps decides, and a window of 50 makes every step about
 *   4x cheaper (attention is quadratic in it). Beauty's histories are 8.9 items on average, so 50 loses nothing.
 * - Loss and learning rate: the sampled softmax (256 negatives) with lr 3e-3. Full softmax trained 4–7x fewer
 *   positions per second on TF.js wasm at the same validation quality in the earlier grid (docs/sequence-model.md).
 * The architecture follows SASRec (2 blocks) with eSASRec's pre-LN blocks and GELU; dim / blocks were not searched.
 */
import type { SequenceTrainOptions } from './train.ts';

export const DEFAULT_SEQUENCE_TRAIN_OPTIONS: SequenceTrainOptions = {
  dim: 64,
  maxLen: 50,
  blocks: 2,
  heads: 2,
  ffnDim: 128,
  epochs: 200,
  batchSize: 64,
  lr: 3e-3,
  loss: 'sampled',
  negatives: 256,
  dropout: 0.2,
  seed: 1,
  threads: 1,
  timeBudgetMs: Infinity,
};
