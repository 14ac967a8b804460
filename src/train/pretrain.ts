/**
 * Pretraining of the global model: mini-batch epochs over the interaction log with sampled negatives, the
 * reference row-sparse step (or a backend's SparseTrainer), optional APR, validation-driven early stopping,
 * then the GlobalModel the artefact ships. Pure TypeScript: runs in Node and in a browser worker.
 */
import type { CfParams } from '../model/cf_model.ts';
import { cloneParams, createParams } from '../model/cf_model.ts';
import type { GlobalModel, ItemAttributes } from '../model/global_model.ts';
import type { LossKind, OptimizerKind } from '../model/sparse_step.ts';
import type { CreateSparseTrainer } from '../kernels/types.ts';
import { InvalidInputError } from '../errors.ts';
import { FORMAT_VERSION } from '../artefact/format.ts';
import type { AlsPool } from './als.ts';
import { initAlsParams } from './als.ts';
import { alsThreads, createAlsLoop } from './als_loop.ts';
import type { SgdPool } from './sgd_loop.ts';
import { createSgdLoop } from './sgd_loop.ts';
import type { PairRows } from './pairs.ts';
import { aggregatePairs } from './pairs.ts';
import { recencyOf, recencyWeights } from './recency.ts';
import { fitAttributeProjection } from './attribute_projection.ts';
import { activeUsers, checkCounts, checkInteractions, contentVersion, interactionCounts, meanUserVector } from './model_summary.ts';

export interface PretrainData {
  users: Int32Array;
  items: Int32Array;
  /** Per-interaction loss weights (event type, recency); 1 when absent. */
  weights?: Float32Array;
  /** Item ids by dense index; its length is the catalogue size. */
  itemIds: string[];
  /** Default: max user index + 1. */
  numUsers?: number;
  itemAttributes?: (ItemAttributes | undefined)[];
  /** Interaction times (NaN: unknown, log order counts); used by the recency weighting. */
  timestamps?: Float64Array;
}

export interface EpochReport {
  epoch: number;
  loss: number;
  seconds: number;
  samples: number;
  validation?: number;
}

export interface ProgressInfo {
  epoch: number;
  epochs: number;
  /** Positives done in this epoch, of `total`. */
  done: number;
  total: number;
  loss: number;
}

export interface PretrainOptions {
  /**
   * `sgd`: mini-batch sparse steps on a sampled loss (BCE/BPR, optional APR). `als`: implicit-feedback
   * alternating least squares (src/train/als.ts); one epoch is one user + one item half-step, and
   * `l2` is its λ.
   */
  solver?: 'sgd' | 'als';
  /** ALS: an observed pair weighs 1 + alsAlpha · its summed interaction weight. */
  alsAlpha?: number;
  /** ALS: weight of every unobserved pair. */
  alsUnobserved?: number;
  /** ALS: λ scales with (|I_u| + w0·|I|)^alsRegExponent. */
  alsRegExponent?: number;
  alsCgSteps?: number;
  /**
   * Worker threads (default 1) for ALS and the sampled-loss trainer; used from 50,000 interactions up (a negative
   * count forces them, for tests). ALS gives the same factors at any count; the sampled-loss trainer runs
   * Hogwild! (src/train/sgd_loop.ts), reproducible on one thread only.
   */
  threads?: number;
  /** ALS: makes the thread pool (Node: `createAlsPool` of src/cli/als_pool.ts); without it one thread. */
  createAlsPool?: (threads: number) => AlsPool;
  /** The sampled-loss trainer's pool (Node: `createSgdPool` of src/cli/sgd_pool.ts); without it one thread. */
  createSgdPool?: (threads: number) => SgdPool;
  /** Extra weight of each user's latest interaction, halving every `recencyHalfLife` events (0: off). */
  recencyBoost?: number;
  recencyHalfLife?: number;
  dim?: number;
  epochs?: number;
  loss?: LossKind;
  /** Sampled negatives per positive (BPR: pairs per positive). */
  negatives?: number;
  sampler?: 'uniform' | 'popularity';
  /** Learning rate of every group unless overridden below. */
  lr?: number;
  lrUser?: number;
  lrItem?: number;
  /** Default lr / 10: the shared top layer sees every sample. */
  lrDense?: number;
  l2?: number;
  optimizer?: OptimizerKind;
  seed?: number;
  /** Positives per mini-batch. */
  batchSize?: number;
  initScale?: number;
  /** APR perturbation size; 0 disables APR. */
  advEps?: number;
  advReg?: number;
  /** First epoch (1-based) with the adversarial term; APR usually starts from a trained model. */
  advStartEpoch?: number;
  /** Validation metric of the current parameters, higher is better (e.g. HR@10 on a validation split). */
  validate?: (params: CfParams, epoch: number) => number | Promise<number>;
  /** Stop after this many validations without improvement, keeping the best parameters (default 3). */
  patience?: number;
  onEpoch?: (e: EpochReport) => void;
  /** Called every `progressEvery` batches within an epoch. */
  onProgress?: (p: ProgressInfo) => void;
  progressEvery?: number;
  modelVersion?: string;
  /** Train on a TF.js backend instead of the plain-TypeScript step (no APR there). */
  createTrainer?: CreateSparseTrainer;
  trainerName?: string;
  /** Fit the attribute → vector projection when items have attributes (default true). */
  fitProjection?: boolean;
}

export interface PretrainReport {
  epochs: EpochReport[];
  bestEpoch: number;
  bestValidation: number | null;
  stoppedEarly: boolean;
  trainSeconds: number;
  samples: number;
  samplesPerSecond: number;
  numUsers: number;
  numItems: number;
  numInteractions: number;
  trainer: string;
}

export interface PretrainResult {
  model: GlobalModel;
  /** All trained parameters, users included (for evaluation; not shipped). */
  params: CfParams;
  report: PretrainReport;
}

export type Resolved = Required<Omit<PretrainOptions, 'validate' | 'onEpoch' | 'onProgress' | 'modelVersion' | 'createTrainer' | 'createAlsPool' | 'createSgdPool'>> &
  Pick<PretrainOptions, 'validate' | 'onEpoch' | 'onProgress' | 'modelVersion' | 'createTrainer' | 'createAlsPool' | 'createSgdPool'>;

function resolve(o: PretrainOptions): Resolved {
  const lr = o.lr ?? 0.05;
  return {
    solver: 'sgd',
    alsAlpha: 1,
    alsUnobserved: 0.3,
    alsRegExponent: 1,
    alsCgSteps: 3,
    threads: 1,
    recencyBoost: 0,
    recencyHalfLife: 5,
    dim: 32,
    epochs: 20,
    loss: 'bce',
    negatives: 4,
    sampler: 'uniform',
    optimizer: 'adagrad',
    seed: 1,
    batchSize: 1024,
    initScale: 0.1,
    advEps: 0,
    advReg: 1,
    advStartEpoch: 1,
    patience: 3,
    progressEvery: 50,
    trainerName: o.solver === 'als' ? 'als-cg' : o.createTrainer ? 'sparse-trainer' : 'plain-ts',
    fitProjection: true,
    ...o,
    lr,
    l2: o.l2 ?? (o.solver === 'als' ? 0.005 : 1e-4),
    lrUser: o.lrUser ?? lr,
    lrItem: o.lrItem ?? lr,
    lrDense: o.lrDense ?? lr / 10,
  };
}

/**
 * Trains the global model.
 *
 * @example
 * const { model, report } = await pretrain(
 *   { users: Int32Array.of(0, 0, 1), items: Int32Array.of(0, 1, 1), itemIds: ['a', 'b', 'c'] },
 *   { dim: 8, epochs: 5, seed: 7 },
 * );
 * model.itemEmb.length; // 3 * 8
 */
export async function pretrain(input: PretrainData, options: PretrainOptions = {}): Promise<PretrainResult> {
  const o = resolve(options);
  const numItems = input.itemIds.length;
  const numUsers = checkInteractions(input, { dim: o.dim, epochs: o.epochs, negatives: o.negatives, batchSize: o.batchSize });
  if (o.solver === 'als' && (o.advEps > 0 || o.createTrainer)) throw new InvalidInputError('pretrain: the ALS solver has no APR and no TF.js trainer; drop advEps / createTrainer or use solver "sgd"');
  if (o.createTrainer && o.advEps > 0) throw new InvalidInputError('pretrain: APR (advEps > 0) runs on the plain-TypeScript trainer only; drop createTrainer or advEps');
  if (o.solver === 'als') {
    if (o.recencyBoost > 0 && !(o.recencyHalfLife > 0)) throw new InvalidInputError('pretrain: recencyHalfLife must be > 0');
    // ALS needs only the distinct pairs: aggregated compactly (recency folded in), no per-event weights
    const rows = aggregatePairs({ ...input, numUsers, numItems }, recencyOf(o), { shared: alsThreads(input.users.length, o) > 1 });
    return trainPairs(rows, { itemIds: input.itemIds, itemAttributes: input.itemAttributes, numUsers }, o);
  }
  const data = withRecency(input, o, numUsers);
  const params = createParams({ numUsers, numItems, dim: o.dim, seed: o.seed, scale: o.initScale });
  const counts = interactionCounts(data.items, numItems);
  const loop = await createSgdLoop(params, data, counts, o);
  try {
    const report = await runEpochs(loop, data.users.length, o);
    const trained = loop.best ?? (await loop.read());
    const model = buildGlobalModel(trained, data, activeUsers(data.users, numUsers), counts, o, report);
    return { model, params: trained, report };
  } finally {
    loop.dispose(); // worker threads too, also when an epoch or the validation throws: nothing left running
  }
}

/** What a streamed log hands to ALS: its pair rows (src/train/pairs.ts) and the id tables. */
export interface PairsMeta {
  itemIds: string[];
  itemAttributes?: (ItemAttributes | undefined)[];
  numUsers: number;
}

/**
 * ALS on pairs aggregated while the log streamed in (src/cli/pair_log.ts): the same training and model as
 * `pretrain` with solver 'als', without per-event arrays. The recency weighting must already be in the
 * rows' weights (the pair table folds it in); `recencyBoost` here is only recorded.
 *
 * @example
 * const { model } = await pretrainPairs(rows, { itemIds, numUsers }, { ...SPECS.ml1m.train, createAlsPool, threads: 2 });
 */
export async function pretrainPairs(rows: PairRows, meta: PairsMeta, options: PretrainOptions = {}): Promise<PretrainResult> {
  const o = resolve({ ...options, solver: 'als' });
  if (o.advEps > 0 || o.createTrainer) throw new InvalidInputError('pretrainPairs: ALS has no APR and no TF.js trainer; drop advEps / createTrainer');
  if (rows.events === 0) throw new InvalidInputError('pretrain: no interactions to train on');
  checkCounts({ dim: o.dim, epochs: o.epochs });
  if (rows.byItem.offsets.length - 1 !== meta.itemIds.length) throw new InvalidInputError(`pretrainPairs: ${rows.byItem.offsets.length - 1} item rows for ${meta.itemIds.length} itemIds`);
  return trainPairs(rows, meta, o);
}

async function trainPairs(rows: PairRows, meta: PairsMeta, o: Resolved): Promise<PretrainResult> {
  const numUsers = Math.max(meta.numUsers, rows.byUser.offsets.length - 1);
  const params = createParams({ numUsers, numItems: meta.itemIds.length, dim: o.dim, seed: o.seed, scale: o.initScale });
  initAlsParams(params, o.initScale, o.seed);
  const loop = createAlsLoop(params, rows, o);
  try {
    const report = await runEpochs(loop, rows.events, o);
    const trained = loop.best ?? (await loop.read());
    const active = new Uint8Array(numUsers);
    for (let u = 0; u + 1 < rows.byUser.offsets.length; u++) active[u] = rows.byUser.offsets[u + 1] > rows.byUser.offsets[u] ? 1 : 0;
    const model = buildGlobalModel(trained, meta, active, rows.itemEvents, o, report);
    return { model, params: trained, report };
  } finally {
    loop.dispose();
  }
}

/** The data with its weights multiplied by the recency multipliers (unchanged when recencyBoost is 0). */
function withRecency(data: PretrainData, o: Resolved, numUsers: number): PretrainData {
  const recency = recencyOf(o);
  if (!recency) return data;
  if (!(recency.halfLife > 0)) throw new InvalidInputError('pretrain: recencyHalfLife must be > 0');
  const weights = recencyWeights(data.users, data.timestamps, numUsers, recency, data.weights);
  return { ...data, weights };
}

/**
 * The epoch loop alone on given parameters (no model assembly): continues training `params` in place.
 *
 * @example
 * await pretrainLoopOnly(params, data, { epochs: 3, lrItem: 0, lrDense: 0 }); // user rows only
 */
export async function pretrainLoopOnly(params: CfParams, data: PretrainData, options: PretrainOptions = {}): Promise<PretrainReport> {
  const o = resolve({ ...options, dim: params.dim });
  checkInteractions({ ...data, numUsers: params.numUsers }, { epochs: o.epochs, negatives: o.negatives, batchSize: o.batchSize });
  const loop = await createSgdLoop(params, { ...data, numUsers: params.numUsers }, interactionCounts(data.items, params.numItems), o);
  try {
    const report = await runEpochs(loop, data.users.length, o);
    const trained = loop.best ?? (await loop.read());
    if (trained !== params) copyParams(trained, params);
    return report;
  } finally {
    loop.dispose();
  }
}

function copyParams(from: CfParams, to: CfParams): void {
  to.userEmb.set(from.userEmb);
  to.itemEmb.set(from.itemEmb);
  to.itemBias.set(from.itemBias);
  to.w.set(from.w);
  to.bias.set(from.bias);
}

export interface Loop {
  epoch(epoch: number, onBatch: (done: number, loss: number) => void): Promise<{ loss: number; samples: number }>;
  read(): Promise<CfParams>;
  best: CfParams | null;
  dispose(): void;
}

async function runEpochs(loop: Loop, total: number, o: Resolved): Promise<PretrainReport> {
  const epochs: EpochReport[] = [];
  let best = -Infinity;
  let bestEpoch = 0;
  let sinceBest = 0;
  let trainMs = 0;
  let samples = 0;
  let stoppedEarly = false;
  for (let e = 1; e <= o.epochs; e++) {
    const t0 = Date.now();
    const r = await loop.epoch(e, (done, loss) => o.onProgress?.({ epoch: e, epochs: o.epochs, done, total, loss }));
    const ms = Date.now() - t0;
    trainMs += ms;
    samples += r.samples;
    const rep: EpochReport = { epoch: e, loss: r.loss, seconds: ms / 1000, samples: r.samples };
    if (o.validate) {
      const params = await loop.read();
      rep.validation = await o.validate(params, e);
      if (rep.validation > best) {
        best = rep.validation;
        bestEpoch = e;
        sinceBest = 0;
        loop.best = cloneParams(params);
      } else sinceBest++;
    } else bestEpoch = e;
    epochs.push(rep);
    o.onEpoch?.(rep);
    if (o.validate && sinceBest >= o.patience) {
      stoppedEarly = e < o.epochs;
      break;
    }
  }
  if (!o.validate) loop.best = null;
  return {
    epochs,
    bestEpoch,
    bestValidation: o.validate && bestEpoch > 0 ? best : null,
    stoppedEarly,
    trainSeconds: trainMs / 1000,
    samples,
    samplesPerSecond: trainMs > 0 ? samples / (trainMs / 1000) : 0,
    numUsers: 0,
    numItems: 0,
    numInteractions: total,
    trainer: o.trainerName,
  };
}

function buildGlobalModel(p: CfParams, data: Pick<PretrainData, 'itemIds' | 'itemAttributes'>, active: Uint8Array, counts: Float32Array, o: Resolved, report: PretrainReport): GlobalModel {
  report.numUsers = p.numUsers;
  report.numItems = p.numItems;
  const sgd = {
    loss: o.loss, negatives: o.negatives, sampler: o.sampler, lrUser: o.lrUser, lrItem: o.lrItem, lrDense: o.lrDense,
    optimizer: o.optimizer, batchSize: o.batchSize, advEps: o.advEps, advReg: o.advReg, advStartEpoch: o.advStartEpoch,
  };
  const als = { alsAlpha: o.alsAlpha, alsUnobserved: o.alsUnobserved, alsRegExponent: o.alsRegExponent, alsCgSteps: o.alsCgSteps };
  // only the settings the chosen solver used
  const hyperParameters: Record<string, unknown> = {
    solver: o.solver, dim: o.dim, epochs: o.epochs, l2: o.l2, seed: o.seed, initScale: o.initScale,
    recencyBoost: o.recencyBoost, recencyHalfLife: o.recencyHalfLife, ...(o.solver === 'als' ? als : sgd),
  };
  const model: GlobalModel = {
    formatVersion: FORMAT_VERSION,
    modelVersion: o.modelVersion ?? contentVersion(p),
    dim: p.dim,
    itemIds: data.itemIds.slice(),
    itemEmb: p.itemEmb.slice(),
    itemBias: p.itemBias.slice(),
    w: p.w.slice(),
    bias: p.bias[0],
    priorUser: meanUserVector(p, active),
    popularity: counts,
    hyperParameters,
    trainingReport: { ...report },
  };
  if (data.itemAttributes) {
    model.itemAttributes = data.itemAttributes.map((a) => ({ ...(a ?? {}) }));
    const proj = o.fitProjection ? fitAttributeProjection(data.itemAttributes, p.itemEmb, p.itemBias, p.dim) : null;
    if (proj) model.attributeProjection = proj;
  }
  return model;
}
