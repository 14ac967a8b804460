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
import type { SequenceConfig, SequenceParams } from '../../model/sequence/types.ts';
import { epochBatches, trainingWindows } from './batches.ts';
import type { SequenceBatch } from './batches.ts';
import { nextItemLoss } from './loss.ts';
import type { SequenceLossKind } from './loss.ts';
import { createSequenceVariables, forwardSequences, readSequenceVariables } from './tf_forward.ts';
import type { SequenceVariables } from './tf_forward.ts';
import { DEFAULT_SEQUENCE_TRAIN_OPTIONS } from './defaults.ts';

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
  blocks: number;
  heads: number;
  ffnDim: number;
  epochs: number;
  /** Histories per batch at full width; shorter histories are packed to the same number of positions. */
  batchSize: number;
  lr: number;
  loss: SequenceLossKind;
  /** Sampled items per batch for `loss: 'sampled'`. */
  negatives: number;
  dropout: number;
  seed: number;
  /** Stop after the first batch that ends past this many milliseconds (the last epoch may be partial). */
  timeBudgetMs: number;
  /** Called after each epoch; return `true` to stop training (e.g. validation stopped improving). */
  onEpoch?: (info: SequenceEpochInfo) => boolean | void | Promise<boolean | void>;
}

export interface SequenceTrainResult {
  params: SequenceParams;
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
): Promise<SequenceTrainResult> {
  const o: SequenceTrainOptions = { ...DEFAULT_SEQUENCE_TRAIN_OPTIONS, ...options };
  checkInput(sequences, numItems, o);
  const config: SequenceConfig = { numItems, dim: o.dim, maxLen: o.maxLen, blocks: o.blocks, heads: o.heads, ffnDim: o.ffnDim };
  const vars = createSequenceVariables(createSequenceParams(config, o.seed));
  const windows = trainingWindows(sequences, o.maxLen);
  const rng = createRng(o.seed ^ 0x5eed);
  const optimizer = tf.train.adam(o.lr, 0.9, 0.98, 1e-8);
  const start = Date.now();
  const losses: number[] = [];
  let positions = 0;
  let epoch = 0;
  let stopped = 'epochs';
  try {
    while (epoch < o.epochs) {
      let sum = 0;
      let count = 0;
      for (const batch of epochBatches(windows, o.batchSize * o.maxLen, rng)) {
        const loss = trainStep(vars, config, batch, o, optimizer, rng.int(2 ** 31));
        sum += loss * batch.targets.length;
        count += batch.targets.length;
        if (Date.now() - start > o.timeBudgetMs) break; // an epoch can outlast the budget on a busy machine
      }
      epoch++;
      positions += count;
      losses.push(sum / count);
      const elapsedMs = Date.now() - start;
      const snapshot = (): SequenceParams => readSequenceVariables(vars, config);
      if (await o.onEpoch?.({ epoch, loss: sum / count, elapsedMs, positions, snapshot })) {
        stopped = 'onEpoch';
        break;
      }
      if (elapsedMs > o.timeBudgetMs) {
        stopped = 'timeBudget';
        break;
      }
    }
    const params = readSequenceVariables(vars, config);
    const wallMs = Date.now() - start;
    const { onEpoch: _onEpoch, ...settings } = o;
    return {
      params,
      report: {
        backend: tf.getBackend(),
        settings,
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
    optimizer.dispose();
    Object.values(vars).forEach((v) => v.dispose());
  }
}

function trainStep(
  vars: SequenceVariables,
  config: SequenceConfig,
  batch: SequenceBatch,
  o: SequenceTrainOptions,
  optimizer: tf.Optimizer,
  seed: number,
): number {
  const { rows, width } = batch;
  const cost = optimizer.minimize(
    () => {
      const items = tf.tensor2d(batch.items, [rows, width], 'int32');
      const valid = tf.tensor2d(batch.valid, [rows, width]);
      const hidden = forwardSequences(vars, config, items, valid, { dropout: o.dropout, seed });
      const h = tf.gather(tf.reshape(hidden, [rows * width, config.dim]), tf.tensor1d(batch.positions, 'int32'));
      const targets = tf.tensor1d(batch.targets, 'int32');
      const negatives = o.loss === 'sampled' ? sampleNegatives(o.negatives, config.numItems, seed) : undefined;
      return nextItemLoss(vars, h as tf.Tensor2D, targets, o.loss, negatives);
    },
    true,
  );
  const value = cost!.dataSync()[0];
  cost!.dispose();
  return value;
}

function sampleNegatives(n: number, numItems: number, seed: number): tf.Tensor1D {
  const rng = createRng(seed);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = rng.int(numItems);
  return tf.tensor1d(ids, 'int32');
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
  for (const key of ['epochs', 'batchSize', 'negatives'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new InvalidInputError(`option ${key} must be a positive integer`);
  }
  if (!(o.lr > 0) || !(o.dropout >= 0 && o.dropout < 1)) {
    throw new InvalidInputError(`options need lr > 0 and 0 <= dropout < 1, got lr ${o.lr}, dropout ${o.dropout}`);
  }
  if (o.loss !== 'full' && o.loss !== 'sampled') throw new InvalidInputError(`unknown loss '${String(o.loss)}'`);
}
