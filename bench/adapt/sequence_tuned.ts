/**
 * On-device settings of the sequence model per dataset, chosen with `npm run bench:adapt -- --tune --global sasrec`
 * on a validation split of the TRAINING users (a model trained without them); held-out users never choose them.
 */
import type { SequenceSettings } from '../../src/engine/sequence_user.ts';
import { DEFAULT_SEQUENCE } from '../../src/engine/sequence_user.ts';

export const SEQ_ADAPT: Record<'ml-1m' | 'beauty', SequenceSettings> = {
  // γ 0.3 chosen on 400 validation users (all 0.280 against 0.247 for the defaults; 0.6: 0.278, 1: 0.266; κ 2-20 all lower)
  'ml-1m': { ...DEFAULT_SEQUENCE, hybrid: 0.3 },
  // γ 0.6 chosen on 400 validation users (all 0.119 against 0.112 for γ 0 and 0.116 for 0.3; the grid's edge, not extended)
  beauty: { ...DEFAULT_SEQUENCE, hybrid: 0.6 },
};

/** The grid `--tune --global sasrec` walks (full settings; the first row is the encoder alone). */
export function seqTuneGrid(name: 'ml-1m' | 'beauty'): SequenceSettings[] {
  const base = SEQ_ADAPT[name];
  // SEQ_TUNE_GRID (a JSON list of partial settings) replaces the grid, e.g. to extend it past an edge
  if (process.env.SEQ_TUNE_GRID) return (JSON.parse(process.env.SEQ_TUNE_GRID) as Partial<SequenceSettings>[]).map((g) => ({ ...base, ...g }));
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
