/**
 * One evaluation run, shared by `tastebud evaluate`, `tastebud tune` and the quality bench: optional
 * validation split (leave-one-out of the training part) for early stopping, pretraining, then full ranking
 * and the NCF protocol on the test split, with the popularity baseline in the same run.
 */
import type { InteractionSet } from '../data/interactions.ts';
import type { CandidateSet } from '../data/ncf_candidates.ts';
import { sampleNcfCandidates } from '../data/ncf_candidates.ts';
import { heldOutUsers, leaveOneOut } from '../data/split.ts';
import { createRng, shuffleInPlace } from '../model/rng.ts';
import type { CfParams } from '../model/cf_model.ts';
import type { GlobalModel } from '../model/global_model.ts';
import type { PretrainOptions, PretrainReport } from '../train/pretrain.ts';
import { pretrain } from '../train/pretrain.ts';
import { InvalidInputError } from '../errors.ts';
import { buildUserItemIndex } from '../train/user_index.ts';
import type { UserItemIndex } from '../train/user_index.ts';
import { evaluateCandidates, evaluateFullRanking } from './protocols.ts';
import type { ProtocolResult } from './protocols.ts';
import type { CurvePoint, ResultRow } from './report.ts';
import { createParamsScorer, createPopularityScorer } from './scorers.ts';
import type { Scorer } from './scorers.ts';

export interface ExperimentInput {
  train: InteractionSet;
  test: InteractionSet;
  /** Fixed NCF candidates (e.g. ncf-negatives.tsv); sampled with `ncfSeed` when absent. */
  candidates?: CandidateSet[];
}

export interface ExperimentOptions {
  train?: PretrainOptions;
  ks?: number[];
  /** Early-stop on a leave-one-out validation split of the training part (never on test). */
  validation?: boolean;
  validationProtocol?: 'ncf' | 'full';
  /** The validation metric early stopping maximises, e.g. 'NDCG@10' (default HR@ the first K). */
  validationMetric?: string;
  /**
   * After early stopping, retrain on the whole training part for the best number of epochs (default true):
   * the model scored on test then saw each user's latest training item, as the shipped model does.
   */
  refit?: boolean;
  ncfSeed?: number;
  /** Skip the test evaluation (tuning looks at validation only). */
  skipTest?: boolean;
  /**
   * Validate on at most this many users, a seeded sample (default: all). Full ranking scores the whole catalogue
   * for each validation user every epoch, most of a trial's time on a large log.
   */
  validationUsers?: number;
}

export interface ExperimentResult {
  rows: ResultRow[];
  results: ProtocolResult[];
  report: PretrainReport;
  model: GlobalModel;
  params: CfParams;
  curve: CurvePoint[];
  /** Popularity counts of the training part. */
  counts: Float32Array;
}

/**
 * @example
 * const r = await runExperiment({ train, test, candidates }, { train: { dim: 64, epochs: 20 } });
 * r.rows; // tastebud and popularity, full ranking and NCF
 */
export async function runExperiment(input: ExperimentInput, opts: ExperimentOptions = {}): Promise<ExperimentResult> {
  const ks = opts.ks ?? [10];
  const trainOpts = { ...opts.train };
  let fitSet = input.train;
  if (opts.validation) {
    const { train: fit, test: all } = leaveOneOut(input.train);
    fitSet = fit;
    const val = opts.validationUsers === undefined ? all : sampleUsers(all, opts.validationUsers, (opts.ncfSeed ?? 0) + 2);
    const metric = opts.validationMetric ?? `HR@${ks[0]}`;
    trainOpts.validate = createValidator(fit, val, opts.validationProtocol ?? 'ncf', opts.ncfSeed ?? 0, metric, opts.train?.validate);
  }
  let run = await pretrain(asPretrainData(fitSet), trainOpts);
  const curve: CurvePoint[] = run.report.epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, validation: e.validation }));
  if (opts.validation && (opts.refit ?? true) && !opts.skipTest) {
    const { validate: _v, patience: _p, ...rest } = trainOpts;
    run = await pretrain(asPretrainData(input.train), { ...rest, epochs: Math.max(1, run.report.bestEpoch) });
    run.report.bestValidation = curve.reduce((m, c) => Math.max(m, c.validation ?? -Infinity), -Infinity);
  }
  const counts = run.model.popularity;
  if (opts.skipTest) return { rows: [], results: [], report: run.report, model: run.model, params: run.params, curve, counts };
  const seen = buildUserItemIndex(input.train.users, input.train.items, input.train.userIds.length);
  const candidates = input.candidates ?? sampledCandidates(input, opts.ncfSeed ?? 0);
  const scorers = [createParamsScorer(run.params), createPopularityScorer(trainCounts(input.train))];
  const results = scorers.flatMap((s) => evaluateBoth(s, seen, input.test, candidates, ks));
  const rows = results.map(resultRow);
  return { rows, results, report: run.report, model: run.model, params: run.params, curve, counts };
}

/** A protocol result as a row of the results table. */
export function resultRow(r: ProtocolResult): ResultRow {
  return { name: r.scorer, protocol: r.protocol === 'full' ? 'full ranking' : 'NCF (1 + 99)', metrics: r.metrics, extra: { users: r.users } };
}

/** The training part as `pretrain` takes it. */
export function asPretrainData(s: InteractionSet): Parameters<typeof pretrain>[0] {
  return { users: s.users, items: s.items, weights: s.weights, timestamps: s.timestamps, itemIds: s.itemIds, numUsers: s.userIds.length, itemAttributes: s.itemAttributes };
}

function evaluateBoth(s: Scorer, seen: UserItemIndex, test: InteractionSet, candidates: CandidateSet[], ks: number[]): ProtocolResult[] {
  return [evaluateFullRanking(s, seen, test, { ks }), evaluateCandidates(s, candidates, { ks })];
}

function trainCounts(s: InteractionSet): Float32Array {
  const c = new Float32Array(s.itemIds.length);
  for (let n = 0; n < s.items.length; n++) c[s.items[n]]++;
  return c;
}

/**
 * NCF candidates sampled from items the user has in neither train nor test: 99 negatives, or fewer when the
 * catalogue is too small for that.
 *
 * @example
 * sampledCandidates({ train, test }, 0)[0].items.length; // 100
 */
export function sampledCandidates(input: Pick<ExperimentInput, 'train' | 'test'>, seed: number): CandidateSet[] {
  const all = buildUserItemIndex(
    Int32Array.from([...input.train.users, ...input.test.users]),
    Int32Array.from([...input.train.items, ...input.test.items]),
    input.train.userIds.length,
  );
  return sampleNcfCandidates(input.test, all, input.train.itemIds.length, { seed, negatives: Math.min(99, input.train.itemIds.length - 1 - maxPerUser(all)) });
}

function maxPerUser(idx: UserItemIndex): number {
  let m = 0;
  for (let u = 0; u < idx.numUsers; u++) m = Math.max(m, idx.offsets[u + 1] - idx.offsets[u]);
  return m;
}

/**
 * The events of at most `max` of `set`'s users, drawn with `seed` (all of them when there are no more).
 * @example sampleUsers(validation, 10_000, 2).users; // the held-out events of 10,000 users
 */
export function sampleUsers(set: InteractionSet, max: number, seed: number): InteractionSet {
  if (!Number.isInteger(max) || max < 1) throw new InvalidInputError(`validation users must be a whole number >= 1, got ${max}`);
  const users = [...new Set(set.users)];
  if (users.length <= max) return set;
  const keep = new Set(shuffleInPlace(users, createRng(seed)).slice(0, max));
  return heldOutUsers(set, (_, u) => keep.has(u)).test;
}

/** A metric such as 'NDCG@10' on the validation split; also calls a caller's own validate hook for logging. */
function createValidator(
  fit: InteractionSet,
  val: InteractionSet,
  protocol: 'ncf' | 'full',
  seed: number,
  key: string,
  hook?: PretrainOptions['validate'],
): NonNullable<PretrainOptions['validate']> {
  const seen = buildUserItemIndex(fit.users, fit.items, fit.userIds.length);
  const candidates = protocol === 'ncf' ? sampledCandidates({ train: fit, test: val }, seed + 1) : [];
  const at = /^(HR|NDCG|Recall|MRR)@(\d+)$/.exec(key);
  if (!at) throw new InvalidInputError(`validation metric "${key}" is not HR@K, NDCG@K, Recall@K or MRR@K`);
  const ks = [Number(at[2])];
  return async (params, epoch) => {
    const s = createParamsScorer(params);
    const r = protocol === 'ncf' ? evaluateCandidates(s, candidates, { ks }) : evaluateFullRanking(s, seen, val, { ks });
    await hook?.(params, epoch);
    return r.metrics[key];
  };
}
