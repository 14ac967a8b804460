/**
 * Hyper-parameter search on the validation split only: a grid over the given values (or a seeded sample of
 * it when it is larger than `trials`); each trial trains with early stopping on the validation split and is
 * judged by full-ranking NDCG@10 there (sampled metrics can reorder models — Krichene & Rendle, KDD 2020 — and
 * did on two of three held-out logs).
 */
import { createRng, shuffleInPlace } from '../model/rng.ts';
import type { PretrainOptions } from '../train/pretrain.ts';
import type { ExperimentInput } from './experiment.ts';
import { runExperiment } from './experiment.ts';

/** What tuning maximises on the validation split (full ranking). */
export const TUNE_METRIC = 'NDCG@10';

export type SearchSpace = Partial<Record<'dim' | 'lr' | 'l2' | 'negatives' | 'epochs' | 'batchSize' | 'advEps' | 'alsAlpha' | 'alsUnobserved' | 'recencyBoost' | 'recencyHalfLife', number[]>> & {
  solver?: ('sgd' | 'als')[];
  loss?: ('bce' | 'bpr')[];
  sampler?: ('uniform' | 'popularity')[];
};

export interface Trial {
  trial: number;
  params: Partial<PretrainOptions>;
  /** Best full-ranking NDCG@10 on the validation split. */
  validation: number;
  bestEpoch: number;
  seconds: number;
}

/**
 * Every combination of the space, in a fixed order.
 *
 * @example
 * gridOf({ dim: [32, 64], lr: [0.05] }); // [{ dim: 32, lr: 0.05 }, { dim: 64, lr: 0.05 }]
 */
export function gridOf(space: SearchSpace): Partial<PretrainOptions>[] {
  let out: Partial<PretrainOptions>[] = [{}];
  for (const [key, values] of Object.entries(space)) {
    if (!values || values.length === 0) continue;
    out = out.flatMap((o) => (values as unknown[]).map((v) => ({ ...o, [key]: v })));
  }
  return out;
}

export interface TuneOptions {
  base?: PretrainOptions;
  /** At most this many trials (a seeded sample of the grid). */
  trials?: number;
  seed?: number;
  onTrial?: (t: Trial) => void;
  /** Stop starting trials once the next one would likely end past this many seconds (the first always runs). */
  budgetSeconds?: number;
  /** Run this point first (e.g. the current recipe), so any budget leaves a baseline to beat. */
  first?: Partial<PretrainOptions>;
  /** Validate each trial on at most this many users (a seeded sample, the same for every trial); default all. */
  validationUsers?: number;
}

/**
 * @example
 * const trials = await tune({ train, test }, { dim: [32, 64], lr: [0.02, 0.05] }, { base: { epochs: 20 }, trials: 4 });
 * trials[0]; // the best, by validation full-ranking NDCG@10
 */
export async function tune(
  input: Pick<ExperimentInput, 'train'>,
  space: SearchSpace,
  { base = {}, trials = 8, seed = 1, onTrial, budgetSeconds = Infinity, first, validationUsers }: TuneOptions = {},
): Promise<Trial[]> {
  let grid = gridOf(space);
  if (grid.length > trials) grid = shuffleInPlace(grid, createRng(seed)).slice(0, trials);
  if (first) grid = [first, ...grid.filter((g) => JSON.stringify(g) !== JSON.stringify(first))].slice(0, Math.max(trials, 1));
  const done: Trial[] = [];
  const start = Date.now();
  for (let k = 0; k < grid.length; k++) {
    // a trial takes about as long as the ones before: stop when the next would likely overrun the budget
    const spent = (Date.now() - start) / 1000;
    if (k > 0 && spent + spent / k > budgetSeconds) break;
    const t0 = Date.now();
    const r = await runExperiment(
      { train: input.train, test: input.train },
      { train: { ...base, ...grid[k] }, validation: true, validationProtocol: 'full', validationMetric: TUNE_METRIC, skipTest: true, validationUsers },
    );
    const t: Trial = { trial: k + 1, params: grid[k], validation: r.report.bestValidation ?? 0, bestEpoch: r.report.bestEpoch, seconds: (Date.now() - t0) / 1000 };
    done.push(t);
    onTrial?.(t);
  }
  return done.sort((a, b) => b.validation - a.validation || a.trial - b.trial);
}
