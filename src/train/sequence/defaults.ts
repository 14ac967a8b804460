/**
 * Default training settings of the sequence model. The loss and learning rate are the validation winners of
 * `npm run bench:sequence` on Beauty (4 minutes per config on the shared 2-core machine, 1,500 validation users):
 * full softmax NDCG@10 0.0007 at 23 positions/s, sampled (256) lr 1e-3 0.0002 at 159/s, sampled lr 3e-3 0.0007 at
 * 139/s (HR@10 0.0020, the best). Those budgets are a fraction of an epoch, so the margins are small: the sampled
 * loss is chosen mainly because it trains 4–7x more positions per second on TF.js wasm (see
 * docs/sequence-model.md). The architecture follows SASRec's ML-1M settings (2 blocks, window 200) with
 * eSASRec's pre-LN blocks and GELU; dim / blocks / window were not searched (no budget for it on this machine).
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
  lr: 3e-3,
  loss: 'sampled',
  negatives: 256,
  dropout: 0.2,
  seed: 1,
  threads: 1,
  timeBudgetMs: Infinity,
};
