/**
 * Learner settings per dataset, chosen with `npm run bench:adapt -- --tune` on a validation split of the
 * TRAINING users (bench/adapt_data.ts `validationSplit`); the held-out users are never used to choose them.
 */
import type { LearnerConfig } from '../src/engine/learner_config.ts';

export const TUNED: Record<'ml-1m' | 'beauty', Partial<LearnerConfig>> = {
  'ml-1m': {},
  beauty: {},
};

/** The grid `--tune` walks. */
export function tuneGrid(_name: 'ml-1m' | 'beauty'): Partial<LearnerConfig>[] {
  const out: Partial<LearnerConfig>[] = [];
  for (const ridge of [8, 50, 200]) for (const foldInScale of [1, 4]) for (const alpha of [1, 10]) out.push({ ridge, foldInScale, alpha, steps: 0 });
  return out;
}
