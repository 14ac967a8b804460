/**
 * Trains the sequence model (types.ts) by autodiff on the active TF.js backend: Adam over next-item softmax
 * cross-entropy at every position of each user's newest window (SASRec's training, SASRec+'s loss).
 *
 * Pick the backend before calling (Node: `await chooseBackend(['wasm', 'cpu'])` — wasm with SIMD measured fastest
 * here, see docs/sequence-model.md).
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; the full package registers them in the shared registry (its deep
// `register_all_gradients` module is not importable from Node's ESM loader). The trainer runs in the CLI, not in
// the shop's bundle, so the size does not matter here.
import '@tensorflow/tfjs';
import { InvalidInputError } from '../../errors.ts';
import { createRng } from '../../model/rng.ts';
import { createSequenceParams } from '../../model/sequence/encode.ts';
import type { SequenceInit } from '../../model/sequence/encode.ts';
import type { SequenceConfig, SequenceParams } from '../../model/sequence/types.ts';
import { cropWindows, epochBatches, SEQUENCE_WINDOWS, trainingWindows } from './batches.ts';
import type { SequenceWindows } from './batches.ts';
import type { SequenceLossKind } from './loss.ts';
import { DEFAULT_SEQUENCE_TRAIN_OPTIONS } from './defaults.ts';
import { adamStep, createAdam } from './adam.ts';
import { drawNegatives, negativeLogQ } from './negatives.ts';
import { flatLayout, flattenParams, unflattenParams } from './flat_params.ts';
import type { FlatLayout } from './flat_params.ts';
import { splitBatch } from './gradients.ts';
import { createLocalPool } from './grad_pool.ts';
import type { GradientPoolFactory, ShareResult } from './grad_pool.ts';
import { installSimdBatchMatMul } from './simd/batch_matmul.ts';
import { installZeroCopyIdentity } from './wasm_identity.ts';
import type { ItemFeatures } from './item_features.ts';
import { checkItemFeatures, createFeatureFusion } from './item_features.ts';

export interface SequenceEpochInfo {
  epoch: number;
  /** Mean training loss of the epoch. */
  loss: number;
  /** Since the start of training. */
  elapsedMs: number;
  /** Target positions trained on so far. */
  positions: number;
  /** The current parameters as plain arrays (copies; costs a read-back, call only when needed). */
  snapshot(): SequenceParams;
}

export interface SequenceTrainOptions {
  dim: number;
  maxLen: number;
  /** Which parts of each history are trained on (`newest` window, `all` of it in windows, a `crop` or a `prefix` per epoch). */
  windows: SequenceWindows;
  /** Under `crop` and `prefix`, the share of windows that end at the history's newest click (the rest end at a random earlier one). */
  cropNewest: number;
  blocks: number;
  heads: number;
  ffnDim: number;
  epochs: number;
  /** Histories per batch at full width; shorter histories are packed to the same number of positions. */
  batchSize: number;
  lr: number;
  /**
   * Share of the run, at its end, over which the learning rate falls linearly to 1 % of `lr` (0: constant; 1:
   * linear decay from the start). The run's length is the time budget when one is set, else the epochs.
   */
  lrDecay: number;
  /**
   * Share of the run, at its end, whose parameters after every step are averaged into the returned model
   * (stochastic weight averaging over the tail; 0: the last step's parameters). Measured by the same clock as `lrDecay`.
   */
  averageTail: number;
  loss: SequenceLossKind;
  /** Sampled items per batch for `loss: 'sampled'`; as many as the catalogue's items or more: the full softmax instead. */
  negatives: number;
  /**
   * Share of those negatives that are the batch's own targets (popular items as often as they are clicked), the
   * rest uniform; above 0 the loss takes the log-Q correction (negatives.ts). 0: all uniform.
   */
  negativeMix: number;
  /**
   * Weight of a binary cross-entropy of each target against the same negatives, added to the softmax (loss.ts
   * `withBce`): it orders the bulk of the catalogue below the target, not only the items that outscore it. 0: none.
   */
  bceWeight: number;
  dropout: number;
  /**
   * AdamW's decoupled weight decay λ on the item and position embeddings and the blocks' weight matrices (not on
   * biases or layer norms): each step scales them by `1 − lr·λ` before Adam's update. 0: none.
   */
  weightDecay: number;
  /**
   * Label smoothing ε of the full softmax: each position's target distribution is `(1 − ε)·onehot + ε/numItems`.
   * 0: none; above 0 needs `loss: 'full'`.
   */
  labelSmoothing: number;
  /**
   * Share α of each position's target moved onto the clicks after the next one (loss.ts `futureTargets`): the target
   * distribution is `(1 − α)·onehot(next) + α·mean onehot(the following futureWindow)`. 0: the next click alone;
   * above 0 needs `loss: 'full'`.
   */
  futureWeight: number;
  /** How many clicks after the next one share `futureWeight`. */
  futureWindow: number;
  /** How fresh weight matrices are drawn (`createSequenceParams`). */
  init: SequenceInit;
  seed: number;
  /**
   * Threads computing gradients, data-parallel over each batch (default 1; more needs a threaded pool factory:
   * the CLI's `trainSequenceModelThreaded` in src/cli/sequence_threads.ts).
   */
  threads: number;
  /** Stop after the first batch that ends past this many milliseconds (the last epoch may be partial). */
  timeBudgetMs: number;
  /**
   * Item attribute tokens (item_features.ts): the item table is trained as `E + mean of the item's token rows` and
   * written as that one table. Absent: the plain model.
   */
  itemFeatures?: ItemFeatures;
  /** Called after each epoch; return `true` to stop training (e.g. validation stopped improving). */
  onEpoch?: (info: SequenceEpochInfo) => boolean | void | Promise<boolean | void>;
}

export interface SequenceTrainResult {
  params: SequenceParams;
  /** With `averageTail` > 0: the last step's parameters, which `params` averages with the steps before it. */
  lastIterate?: SequenceParams;
  report: Record<string, unknown>;
}

/**
 * @example
 * await chooseBackend(['wasm', 'cpu']);
 * const { params, report } = await trainSequenceModel(userSequences, catalogue.length, { epochs: 50 });
 * const scores = scoreSequence(params, encodeSequence(params, history));
 */
export async function trainSequenceModel(
  sequences: Int32Array[],
  numItems: number,
  options: Partial<SequenceTrainOptions> = {},
  createPool: GradientPoolFactory = createLocalPool,
): Promise<SequenceTrainResult> {
  const o: SequenceTrainOptions = { ...DEFAULT_SEQUENCE_TRAIN_OPTIONS, ...options };
  checkInput(sequences, numItems, o);
  // a sample of as many items as the catalogue has is the full softmax, exactly and without the duplicates (a small
  // shop under the default 2,048 negatives); the report says so
  const sampledAsFull = o.loss === 'sampled' && o.negatives >= numItems;
  if (sampledAsFull) o.loss = 'full';
  const config: SequenceConfig = { numItems, dim: o.dim, maxLen: o.maxLen, blocks: o.blocks, heads: o.heads, ffnDim: o.ffnDim };
  const layout = flatLayout(config);
  const threads = o.threads;
  const params = new Float32Array(threads > 1 ? new SharedArrayBuffer(layout.size * 4) : new ArrayBuffer(layout.size * 4));
  flattenParams(createSequenceParams(config, o.seed, o.init), layout, params);
  installZeroCopyIdentity();
  installSimdBatchMatMul();
  // under `crop` and `prefix` these are the newest windows (the log-Q counts and the report's count); each epoch draws its own
  const windows = trainingWindows(sequences, o.maxLen, o.windows);
  const mixed = o.loss === 'sampled' && o.negativeMix > 0;
  const logQ = mixed ? negativeLogQ(windows, numItems, o.negatives, o.negativeMix) : undefined;
  const settings = { loss: o.loss, negatives: o.negatives, dropout: o.dropout, logQ, bceWeight: o.bceWeight, labelSmoothing: o.labelSmoothing, futureWeight: o.futureWeight, futureWindow: o.futureWindow };
  const pool = await createPool(threads, { config, layout, settings, params, backend: tf.getBackend() });
  const rng = createRng(o.seed ^ 0x5eed);
  const adam = createAdam(layout.size, o.lr, 0.9, 0.98, 1e-8);
  adam.weightDecay = o.weightDecay;
  adam.decayRanges = decayedRanges(layout);
  const grad = new Float32Array(threads > 1 ? layout.size : 0); // the shares' average (one share steps with its own)
  const fusion = o.itemFeatures && createFeatureFusion(o.itemFeatures, params, layout.tensors.find((t) => t.name === 'item_emb')!.offset, o.dim);
  const average = o.averageTail > 0 ? new Float32Array(layout.size) : undefined;
  let averaged = 0;
  const start = Date.now();
  const losses: number[] = [];
  let positions = 0;
  let epoch = 0;
  let stopped = 'epochs';
  try {
    while (epoch < o.epochs) {
      let sum = 0;
      let count = 0;
      const batches = epochBatches(o.windows === 'crop' || o.windows === 'prefix' ? cropWindows(sequences, o.maxLen, rng, o.cropNewest, o.windows === 'prefix') : windows, o.batchSize * o.maxLen, rng);
      let batchIndex = 0;
      for (const batch of batches) {
        const seed = rng.int(2 ** 31);
        const negatives = mixed ? drawNegatives(batch, numItems, o.negatives, o.negativeMix, rng) : undefined;
        const jobs = splitBatch(batch, threads).map((b, k) => ({ batch: b, dropoutSeed: seed + 7919 * k, negativeSeed: seed, negatives }));
        const shares = await pool.step(jobs);
        sum += shares.reduce((a, s) => a + s.loss * s.count, 0);
        count += batch.targets.length;
        const progress = runProgress(o, epoch, batchIndex++ / batches.length, Date.now() - start);
        adam.lr = o.lr * lrFactor(o, progress);
        const g = averageGradients(shares, pool.grads, grad);
        if (fusion) fusion.step(adam, params, g);
        else adamStep(adam, params, g);
        if (average && progress >= 1 - o.averageTail) {
          const w = 1 / ++averaged;
          for (let i = 0; i < average.length; i++) average[i] += (params[i] - average[i]) * w;
        }
        if (Date.now() - start > o.timeBudgetMs) break; // an epoch can outlast the budget on a busy machine
      }
      epoch++;
      positions += count;
      losses.push(sum / count);
      const elapsedMs = Date.now() - start;
      const snapshot = (): SequenceParams => unflattenParams(params, layout, config);
      if (await o.onEpoch?.({ epoch, loss: sum / count, elapsedMs, positions, snapshot })) {
        stopped = 'onEpoch';
        break;
      }
      if (elapsedMs > o.timeBudgetMs) {
        stopped = 'timeBudget';
        break;
      }
    }
    const wallMs = Date.now() - start;
    const { onEpoch: _onEpoch, itemFeatures, ...rest } = o;
    const last = unflattenParams(params, layout, config);
    return {
      params: average && averaged > 0 ? unflattenParams(average, layout, config) : last,
      ...(average && averaged > 0 ? { lastIterate: last } : {}),
      report: {
        averagedSteps: averaged,
        ...(sampledAsFull ? { sampledAsFull: `${o.negatives} negatives >= ${numItems} items: trained on the full softmax` } : {}),
        backend: tf.getBackend(),
        threads,
        settings: { ...rest, ...(itemFeatures ? { itemFeatures: { tokens: itemFeatures.vocab.length, itemsWithTokens: itemFeatures.rows.filter((r) => r.length > 0).length } } : {}) },
        epochs: epoch,
        stopped,
        trainingWindows: windows.length,
        positions,
        wallMs,
        positionsPerSecond: positions / (wallMs / 1000),
        losses,
      },
    };
  } finally {
    await pool.dispose();
  }
}

/** The flat ranges AdamW decays: embeddings and weight matrices (2-D tensors), not biases or layer-norm gains. */
export function decayedRanges(layout: FlatLayout): [number, number][] {
  return layout.tensors.filter((t) => t.shape.length === 2).map((t) => [t.offset, t.offset + t.size]);
}

/** How far the run is, 0..1: the time budget's share used when one is set, or the epochs', whichever is further. */
function runProgress(o: SequenceTrainOptions, epoch: number, epochShare: number, elapsedMs: number): number {
  const done = Number.isFinite(o.timeBudgetMs) ? elapsedMs / o.timeBudgetMs : 0;
  return Math.max(done, (epoch + epochShare) / o.epochs);
}

/** The learning rate's share at this point of the run: 1, then a linear fall to 1 % over the last `lrDecay`. */
function lrFactor(o: SequenceTrainOptions, progress: number): number {
  if (o.lrDecay === 0) return 1;
  return Math.min(1, Math.max(0.01, (1 - progress) / o.lrDecay));
}

/**
 * The batch's gradient: the one share's own array, or the shares' gradients weighted by their target positions,
 * written into `grad`.
 */
function averageGradients(shares: ShareResult[], grads: Float32Array[], grad: Float32Array): Float32Array {
  if (shares.length === 1) return grads[0];
  const total = shares.reduce((a, s) => a + s.count, 0);
  const w = shares.map((s) => s.count / total);
  const g0 = grads[0];
  for (let i = 0; i < grad.length; i++) {
    let v = g0[i] * w[0];
    for (let k = 1; k < shares.length; k++) v += w[k] * grads[k][i];
    grad[i] = v;
  }
  return grad;
}

function checkInput(sequences: Int32Array[], numItems: number, o: SequenceTrainOptions): void {
  if (!Number.isInteger(numItems) || numItems < 2) {
    throw new InvalidInputError(`trainSequenceModel needs numItems >= 2, got ${numItems}`);
  }
  if (!sequences.some((s) => s.length >= 2)) {
    throw new InvalidInputError('trainSequenceModel needs at least one sequence of 2 or more items');
  }
  sequences.forEach((s, u) => {
    for (const i of s) {
      if (!Number.isInteger(i) || i < 0 || i >= numItems) {
        throw new InvalidInputError(`sequence ${u} has item index ${i}, outside 0..${numItems - 1}`);
      }
    }
  });
  if (!(Number.isInteger(o.threads) && o.threads >= 1 && o.threads <= 64)) {
    throw new InvalidInputError(`option threads must be an integer 1..64, got ${String(o.threads)}`);
  }
  for (const key of ['epochs', 'batchSize', 'negatives'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new InvalidInputError(`option ${key} must be a positive integer`);
  }
  if (!(o.lr > 0) || !(o.dropout >= 0 && o.dropout < 1)) {
    throw new InvalidInputError(`options need lr > 0 and 0 <= dropout < 1, got lr ${o.lr}, dropout ${o.dropout}`);
  }
  if (!(o.negativeMix >= 0 && o.negativeMix <= 1)) throw new InvalidInputError(`option negativeMix must be 0..1, got ${String(o.negativeMix)}`);
  if (!(o.cropNewest >= 0 && o.cropNewest <= 1)) throw new InvalidInputError(`option cropNewest must be 0..1, got ${String(o.cropNewest)}`);
  if (!(o.bceWeight >= 0 && o.bceWeight <= 100)) throw new InvalidInputError(`option bceWeight must be 0..100, got ${String(o.bceWeight)}`);
  if (!(o.lrDecay >= 0 && o.lrDecay <= 1)) throw new InvalidInputError(`option lrDecay must be 0..1, got ${String(o.lrDecay)}`);
  if (!(o.weightDecay >= 0 && o.weightDecay <= 10)) throw new InvalidInputError(`option weightDecay must be 0..10, got ${String(o.weightDecay)}`);
  if (!(o.labelSmoothing >= 0 && o.labelSmoothing < 1)) throw new InvalidInputError(`option labelSmoothing must be in [0, 1), got ${String(o.labelSmoothing)}`);
  if (o.labelSmoothing > 0 && o.loss !== 'full') throw new InvalidInputError(`option labelSmoothing needs loss 'full', got '${String(o.loss)}'`);
  if (!(o.futureWeight >= 0 && o.futureWeight < 1)) throw new InvalidInputError(`option futureWeight must be in [0, 1), got ${String(o.futureWeight)}`);
  if (o.futureWeight > 0 && o.loss !== 'full') throw new InvalidInputError(`option futureWeight needs loss 'full', got '${String(o.loss)}'`);
  if (!(Number.isInteger(o.futureWindow) && o.futureWindow >= 1 && o.futureWindow <= 1000)) throw new InvalidInputError(`option futureWindow must be an integer 1..1000, got ${String(o.futureWindow)}`);
  if (!(o.averageTail >= 0 && o.averageTail <= 1)) throw new InvalidInputError(`option averageTail must be 0..1, got ${String(o.averageTail)}`);
  if (!SEQUENCE_WINDOWS.includes(o.windows)) throw new InvalidInputError(`unknown windows '${String(o.windows)}'`);
  if (o.init !== 'xavier' && o.init !== 'fanIn') throw new InvalidInputError(`unknown init '${String(o.init)}'`);
  if (o.loss !== 'full' && o.loss !== 'sampled') throw new InvalidInputError(`unknown loss '${String(o.loss)}'`);
  if (o.itemFeatures !== undefined) checkItemFeatures(o.itemFeatures, numItems);
}
