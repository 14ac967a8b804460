/**
 * On-device settings of the sequence model per dataset, chosen with `npm run bench:adapt -- --tune --global sasrec`
 * on a validation split of the TRAINING users (a model trained without them); held-out users never choose them.
 */
import type { SequenceSettings } from '../../src/engine/sequence_user.ts';
import { DEFAULT_SEQUENCE } from '../../src/engine/sequence_user.ts';

export const SEQ_ADAPT: Record<'ml-1m' | 'beauty', SequenceSettings> = {
  'ml-1m': { ...DEFAULT_SEQUENCE },
  beauty: { ...DEFAULT_SEQUENCE },
};

/** The grid `--tune --global sasrec` walks (full settings; the first row is the encoder alone). */
export function seqTuneGrid(name: 'ml-1m' | 'beauty'): SequenceSettings[] {
  const base = SEQ_ADAPT[name];
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
