/**
 * `pretrain --auto`: the recipe's hyper-parameters chosen on the shop's own log. The validation split is each
 * user's latest event (leave-one-out of the whole log); every trial early-stops there and is judged by
 * full-ranking NDCG@10 (tune.ts). The shipped recipe runs first, so the result is never worse on validation
 * than the defaults; trials stop when the time budget would be overrun.
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
  const done = await tune({ train: all }, AUTO_SPACE, { base: { ...base, solver: 'als', patience: base.patience ?? 2 }, trials, seed, onTrial, budgetSeconds, first });
  const best = done[0];
  return { best: { solver: 'als', ...best.params }, epochs: Math.max(1, best.bestEpoch), trials: done, metric: `validation full-ranking ${TUNE_METRIC}`, budgetSeconds };
}
