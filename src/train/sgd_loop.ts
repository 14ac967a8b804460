/**
 * The sampled-loss (SGD) epoch loop of pretraining: mini-batches of positives with sampled negatives, the
 * row-sparse step (or a backend's SparseTrainer), optional APR — on one thread, or across worker threads.
 *
 * Threads run Hogwild! (Recht et al. 2011): the parameter tables and the Adagrad accumulators sit in
 * SharedArrayBuffers, each epoch's shuffled order is cut into one contiguous range per thread, and every thread
 * steps its own batches on the shared tables without locks. A batch touches a few thousand of the rows, so two
 * threads rarely write the same row at once, and when they do one update of a row is partly lost — the
 * convergence argument of Hogwild! covers exactly this sparsity. Unlike the ALS threads, the result then depends
 * on the thread count and the timing; one thread stays bit-for-bit reproducible.
 */
import type { CfParams } from '../model/cf_model.ts';
import { createRng, shuffleInPlace } from '../model/rng.ts';
import type { Rng } from '../model/rng.ts';
import type { NegativeSampler } from '../model/samplers.ts';
import { createPopularitySampler, createUniformSampler } from '../model/samplers.ts';
import type { AdagradState, LossKind, StepConfig, TrainBatch } from '../model/sparse_step.ts';
import { createAdagradState, sparseStep } from '../model/sparse_step.ts';
import { createAprStep } from './apr.ts';
import { PARALLEL_MIN_PAIRS } from './als_loop.ts';
import type { BatchBuilder } from './batches.ts';
import { createBatchBuilder } from './batches.ts';
import type { Loop, PretrainData, Resolved } from './pretrain.ts';
import { buildUserItemIndex, userItemIndexOf } from './user_index.ts';

/** Everything a thread needs to step its share of an epoch; every typed array in a SharedArrayBuffer. */
export interface SgdSetup {
  params: CfParams;
  state: AdagradState | null;
  users: Int32Array;
  items: Int32Array;
  weights?: Float32Array;
  /** The user → items CSR the negatives are checked against (`UserItemIndex`'s arrays). */
  indexOffsets: Int32Array;
  indexItems: Int32Array;
  /** Popularity counts for the popularity sampler; null: uniform. */
  counts: Float32Array | null;
  /** The epoch's order of positives, shuffled by the main thread before each epoch. */
  order: Int32Array;
  batch: { loss: LossKind; negatives: number; batchSize: number };
  cfg: StepConfig;
  apr: { advEps: number; advReg: number; advStartEpoch: number } | null;
  seed: number;
}

type Share = <T extends Float32Array | Int32Array>(a: T) => T;

/** A thread's share of an epoch: positives `order[from..to)`. */
export interface SgdShare {
  epoch: number;
  from: number;
  to: number;
}

/** The summed (weighted by batch rows) loss and the rows a share stepped. */
export interface SgdShareResult {
  lossSum: number;
  samples: number;
}

/** Worker threads stepping shares of an epoch on shared tables (Node: `createSgdPool`, src/cli/sgd_pool.ts). */
export interface SgdPool {
  readonly threads: number;
  share<T extends Float32Array | Int32Array>(a: T): T;
  init(setup: SgdSetup): Promise<void>;
  /** One share per thread, run at once. */
  epoch(shares: SgdShare[]): Promise<SgdShareResult[]>;
  close(): Promise<void>;
}

/** The thread count a log of `events` trains on (a negative `threads` forces them, for tests). */
export function sgdThreads(events: number, o: Pick<Resolved, 'threads' | 'createSgdPool' | 'createTrainer'>): number {
  const threads = events >= PARALLEL_MIN_PAIRS || o.threads < 0 ? Math.abs(o.threads) : 1;
  return threads > 1 && o.createSgdPool && !o.createTrainer ? threads : 1;
}

/** One stepper over shared or private tables: the batch builder, the step and APR, as a thread runs them. */
export interface SgdStepper {
  builder: BatchBuilder;
  batchSize: number;
  step(batch: TrainBatch, epoch: number): number | Promise<number>;
}

/**
 * The stepper of a setup (the tables are used in place): what each worker thread builds from its `init`.
 *
 * @example
 * const stepper = sgdStepper(setup);
 * await stepRange(stepper, setup.order, 0, setup.order.length, createRng(1), 1);
 */
export function sgdStepper(s: SgdSetup): SgdStepper {
  const numUsers = s.indexOffsets.length - 1;
  const index = userItemIndexOf(s.indexOffsets, s.indexItems, numUsers);
  const sampler: NegativeSampler = s.counts ? createPopularitySampler(s.counts) : createUniformSampler(s.params.numItems);
  const builder = createBatchBuilder({ users: s.users, items: s.items, weights: s.weights }, index, sampler, s.batch);
  const apr = s.apr ? createAprStep(s.params, { advEps: s.apr.advEps, advReg: s.apr.advReg }) : null;
  const advStart = s.apr?.advStartEpoch ?? Infinity;
  return {
    builder,
    batchSize: s.batch.batchSize,
    step(batch, epoch) {
      const loss = sparseStep(s.params, s.state, batch, s.cfg);
      if (apr && epoch >= advStart) apr(s.state, batch, s.cfg);
      return loss;
    },
  };
}

/**
 * Steps positives `order[from..to)` in batches; `onBatch(position, meanLoss)` every `progressEvery` batches.
 *
 * @example
 * const { lossSum, samples } = await stepRange(stepper, order, 0, order.length, rng, epoch);
 */
export async function stepRange(
  s: SgdStepper,
  order: Int32Array,
  from: number,
  to: number,
  rng: Rng,
  epoch: number,
  onBatch?: (position: number, meanLoss: number) => void,
  progressEvery = 50,
): Promise<SgdShareResult> {
  let lossSum = 0;
  let samples = 0;
  for (let start = from, b = 0; start < to; start += s.batchSize, b++) {
    const end = Math.min(to, start + s.batchSize);
    const batch = s.builder.build(order, start, end, rng);
    const loss = await s.step(batch, epoch);
    lossSum += loss * batch.users.length;
    samples += batch.users.length;
    if (onBatch && b % progressEvery === 0) onBatch(end, lossSum / Math.max(1, samples));
  }
  return { lossSum, samples };
}

/** A thread's own random stream (negatives), distinct per thread and independent of the main thread's shuffle. */
export function threadRng(seed: number, thread: number): Rng {
  return createRng((seed ^ 0x9e3779b9) + Math.imul(thread + 1, 0x632be5ab));
}

/** Cuts `n` positives into `parts` ranges of whole batches (the last range takes the remainder). */
export function shareCuts(n: number, parts: number, batchSize: number): number[] {
  const batches = Math.ceil(n / batchSize);
  const cuts = [0];
  for (let t = 1; t < parts; t++) cuts.push(Math.min(n, Math.round((batches * t) / parts) * batchSize));
  cuts.push(n);
  return cuts;
}

/**
 * @example
 * const loop = await createSgdLoop(params, data, counts, resolved);
 */
export async function createSgdLoop(params: CfParams, data: PretrainData, counts: Float32Array, o: Resolved): Promise<Loop> {
  const rng = createRng(o.seed ^ 0x9e3779b9);
  const cfg: StepConfig = { loss: o.loss, optimizer: o.optimizer, lrUser: o.lrUser, lrItem: o.lrItem, lrDense: o.lrDense, l2User: o.l2, l2Item: o.l2 };
  const batch = { loss: o.loss, negatives: o.negatives, batchSize: o.batchSize };
  const threads = sgdThreads(data.users.length, o);
  const index = buildUserItemIndex(data.users, data.items, params.numUsers);
  const order = Int32Array.from({ length: data.users.length }, (_, k) => k);
  /** The setup over `p` and `state`, the log and the index passed through `share` (a copy into shared memory, or none). */
  const setupOf = (p: CfParams, state: AdagradState | null, share: Share): SgdSetup => ({
    params: p,
    state,
    users: share(data.users),
    items: share(data.items),
    weights: data.weights && share(data.weights),
    indexOffsets: share(index.offsets),
    indexItems: share(index.items),
    counts: o.sampler === 'popularity' ? share(counts) : null,
    order: share(order),
    batch,
    cfg,
    apr: o.advEps > 0 ? { advEps: o.advEps, advReg: o.advReg, advStartEpoch: o.advStartEpoch } : null,
    seed: o.seed,
  });
  if (threads > 1) {
    const pool = o.createSgdPool!(threads);
    const sh = pool.share;
    // shared copies: the caller's arrays are not swapped under it (pretrainLoopOnly copies the result back)
    const shp: CfParams = { ...params, userEmb: sh(params.userEmb), itemEmb: sh(params.itemEmb), itemBias: sh(params.itemBias), w: sh(params.w), bias: sh(params.bias) };
    const raw = o.optimizer === 'adagrad' ? createAdagradState(shp) : null;
    const state = raw && { userAcc: sh(raw.userAcc), itemAcc: sh(raw.itemAcc), itemBiasAcc: sh(raw.itemBiasAcc), wAcc: sh(raw.wAcc), biasAcc: sh(raw.biasAcc) };
    const setup = setupOf(shp, state, sh);
    try {
      await pool.init(setup);
    } catch (e) {
      await pool.close();
      throw e;
    }
    return {
      best: null,
      async epoch(epoch, onBatch) {
        shuffleInPlace(setup.order, rng);
        const cuts = shareCuts(order.length, threads, o.batchSize);
        const parts = await pool.epoch(Array.from({ length: threads }, (_, t) => ({ epoch, from: cuts[t], to: cuts[t + 1] })));
        const lossSum = parts.reduce((a, p) => a + p.lossSum, 0);
        const samples = parts.reduce((a, p) => a + p.samples, 0);
        onBatch(order.length, lossSum / Math.max(1, samples));
        return { loss: lossSum / Math.max(1, samples), samples };
      },
      read: async () => shp,
      dispose: () => void pool.close(),
    };
  }
  const trainer = o.createTrainer ? await o.createTrainer(params, cfg) : null;
  const state: AdagradState | null = o.optimizer === 'adagrad' && !trainer ? createAdagradState(params) : null;
  const local = sgdStepper(setupOf(params, state, (a) => a));
  const stepper: SgdStepper = trainer ? { ...local, step: (b) => trainer.step(b) } : local;
  return {
    best: null,
    async epoch(epoch, onBatch) {
      shuffleInPlace(order, rng);
      const r = await stepRange(stepper, order, 0, order.length, rng, epoch, onBatch, o.progressEvery);
      return { loss: r.lossSum / Math.max(1, r.samples), samples: r.samples };
    },
    read: async () => (trainer ? trainer.read() : params),
    dispose: () => trainer?.dispose(),
  };
}
