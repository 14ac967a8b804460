/**
 * `pretrain --auto`: the recipe's hyper-parameters chosen on the shop's own log. The validation split is each
 * user's latest event (leave-one-out of the whole log), on at most AUTO_VALIDATION_USERS of them; every trial
 * early-stops there and is judged by full-ranking NDCG@10 (tune.ts). The shipped recipe runs first, so the result
 * is never worse on validation than the defaults; trials stop when the time budget would be overrun.
 */
import type { InteractionSet } from '../data/interactions.ts';
import type { PretrainOptions } from '../train/pretrain.ts';
import type { SearchSpace, Trial } from './tune.ts';
import { tune, TUNE_METRIC } from './tune.ts';

/** Around the shipped ALS recipe: size, regularisation, unobserved weight, confidence slope, recency. */
export const AUTO_SPACE: SearchSpace = {
  dim: [32, 64, 128],
  l2: [0.002, 0.005, 0.01, 0.02],
  alsUnobserved: [0.1, 0.3, 1],
  alsAlpha: [1, 3, 10],
  recencyBoost: [0, 4, 19],
};

/**
 * Users each recipe trial validates on, at most (a seeded sample, the same for every trial). Full ranking scores
 * the catalogue for every validation user each epoch — 90 % of a trial on Beauty's 22,363 users — while the
 * standard error of NDCG@10 over 10,000 users (about 0.0015 at Beauty's level) is well under the gaps between
 * recipes; logs up to ML-1M's 6,040 users validate on everyone.
 */
export const AUTO_VALIDATION_USERS = 10_000;

export interface AutoResult {
  /** The chosen settings (merge over the base options) and the epoch count to retrain with. */
  best: Partial<PretrainOptions>;
  epochs: number;
  trials: Trial[];
  metric: string;
  budgetSeconds: number;
}

/**
 * @example
 * const r = await autoTune(log, { solver: 'als', epochs: 20 }, { budgetSeconds: 300 });
 * await pretrain(data, { ...base, ...r.best, epochs: r.epochs });
 */
export async function autoTune(
  all: InteractionSet,
  base: PretrainOptions,
  { budgetSeconds = 600, trials = 24, seed = 1, onTrial }: { budgetSeconds?: number; trials?: number; seed?: number; onTrial?: (t: Trial) => void } = {},
): Promise<AutoResult> {
  const first: Partial<PretrainOptions> = {};
  for (const key of Object.keys(AUTO_SPACE) as (keyof SearchSpace & keyof PretrainOptions)[]) if (base[key] !== undefined) Object.assign(first, { [key]: base[key] });
  const done = await tune({ train: all }, AUTO_SPACE, { base: { ...base, solver: 'als', patience: base.patience ?? 2 }, trials, seed, onTrial, budgetSeconds, first, validationUsers: AUTO_VALIDATION_USERS });
  const best = done[0];
  return { best: { solver: 'als', ...best.params }, epochs: Math.max(1, best.bestEpoch), trials: done, metric: `validation full-ranking ${TUNE_METRIC}`, budgetSeconds };
}
