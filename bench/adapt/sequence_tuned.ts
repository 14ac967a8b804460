/**
 * On-device settings of the sequence model per dataset, chosen with `npm run bench:adapt -- --tune --global sasrec`
 * on a validation split of the TRAINING users (a model trained without them); held-out users never choose them.
 */
import type { SequenceSettings } from '../../src/engine/sequence_user.ts';
import { DEFAULT_SEQUENCE } from '../../src/engine/sequence_user.ts';
import type { LearnerConfig } from '../../src/engine/learner_config.ts';

export const SEQ_ADAPT: Record<'ml-1m' | 'beauty', SequenceSettings> = {
  // p_0 fitted to first clicks (start_prior.ts), then γ 0.3, κ 10 chosen on 400 validation users: all 0.294 (κ 5 0.292,
  // κ 20 0.293, κ 40 0.280; γ 0.6 with κ 10 / 20 0.284 / 0.280); the first five clicks 0.174 against 0.051 with the
  // earlier p_0 (the mean encoded history) at γ 0.3, κ 0.
  // Chosen again for the model trained under the prefix windows (the trainer's default since), 400 validation users
  // (SEQ_TUNE_GRID over γ 0 / 0.1 / 0.3 and κ 0 / 5 / 10): γ 0.1 κ 5 all 0.355 (NDCG 0.201); γ 0 κ 0 0.341, γ 0.1 κ 0
  // 0.350, γ 0.3 κ 0 0.342, γ 0 κ 5 0.348, γ 0 κ 10 0.346, γ 0.3 κ 10 0.343. The encoder now reads a short history
  // itself (its first five clicks 0.119 at κ 0 against 0.052 before), so less prior and less fold-in pay.
  'ml-1m': { ...DEFAULT_SEQUENCE, hybrid: 0.1, priorClicks: 5 },
  // γ 0.6, κ 0 on 400 validation users with p_0 fitted to first clicks: all 0.121 (γ 1 0.121 with NDCG equal, 1.5
  // 0.120, 2.5 0.119; κ 2 / 5 / 10 / 20 at γ 0.6: 0.121 / 0.118 / 0.116 / 0.109: Beauty's first clicks are not
  // popularity-led as ML-1M's are). With the item attributes in the model (the learner's attribute affinity 0.3, as
  // pretrain --attributes ships them): γ 0.6 κ 2 0.125, γ 0.3 0.124, γ 0.6 / 0 0.121, γ 1 0.119 (differences within
  // the ±0.006 of 3,226 steps). Again with the attributes trained into the model for 15 minutes (SEQ_TRAIN): γ 0.6 κ 2
  // 0.131 (NDCG 0.079), γ 0.3 κ 2 0.131 (0.078), γ 1 κ 2 0.131 (0.079), γ 0.6 κ 0 / 5 0.128 / 0.129, γ 0.3 κ 0 0.128,
  // γ 0 κ 0 0.122: γ 0.6 κ 2 kept. Then the learner's other knobs at γ 0.6 κ 2 on 1,500 validation users (13,132 steps,
  // ±0.003): attribute weight 0 / 0.2 / 0.3 / 0.4 / 0.6 / 1 / 1.5 → all 0.124 / 0.129 / 0.128 / 0.125 / 0.117 / 0.102 /
  // 0.090; attribute half-life 1 / 10 events 0.129 / 0.121 (3: 0.128); fold-in half-life 3 0.128 (1: 0.128);
  // lrDelta 0 / 0.1 0.128 / 0.127: nothing beyond noise, the Beauty settings of tuned.ts kept
  beauty: { ...DEFAULT_SEQUENCE, hybrid: 0.6, priorClicks: 2 },
};

/** A grid entry: the sequence settings, and optionally learner settings over the dataset's (e.g. `attributeWeight`). */
export type SeqTuneEntry = SequenceSettings & { learner?: Partial<LearnerConfig> };

/** The grid `--tune --global sasrec` walks (full settings; the first row is the encoder alone). */
export function seqTuneGrid(name: 'ml-1m' | 'beauty'): SeqTuneEntry[] {
  const base = SEQ_ADAPT[name];
  // SEQ_TUNE_GRID (a JSON list of partial settings, each with an optional `learner`) replaces the grid, e.g. to
  // extend it past an edge
  if (process.env.SEQ_TUNE_GRID) return (JSON.parse(process.env.SEQ_TUNE_GRID) as Partial<SeqTuneEntry>[]).map((g) => ({ ...base, ...g }));
  return [
    { ...base, lrDelta: 0, hybrid: 0 },
    { ...base, lrDelta: 0.02, hybrid: 0 },
    { ...base, lrDelta: 0.05, hybrid: 0 },
    { ...base, lrDelta: 0.1, hybrid: 0 },
    { ...base, lrDelta: 0.05, proximalDelta: 0.2, hybrid: 0 },
    { ...base, lrDelta: 0, hybrid: 0.1 },
    { ...base, lrDelta: 0, hybrid: 0.3 },
    { ...base, lrDelta: 0.05, hybrid: 0.1 },
    // a short history shrunk toward the prior (κ = priorClicks), with the default delta
    { ...base, priorClicks: 2 },
    { ...base, priorClicks: 5 },
    { ...base, priorClicks: 10 },
    { ...base, priorClicks: 20 },
  ];
}
