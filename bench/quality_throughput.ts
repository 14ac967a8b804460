/**
 * Throughput part of the quality bench: tastebud's row-sparse step and the naive TF.js path (minimize over
 * tf.gather, dense Adam) on the very same mini-batches, timed one right after the other so machine load
 * affects both alike.
 */
import type { InteractionSet } from '../src/data/interactions.ts';
import type { ResultRow } from '../src/eval/report.ts';
import { cloneParams } from '../src/model/cf_model.ts';
import type { CfParams } from '../src/model/cf_model.ts';
import { createRng } from '../src/model/rng.ts';
import { createUniformSampler } from '../src/model/samplers.ts';
import { createAdagradState, sparseStep } from '../src/model/sparse_step.ts';
import type { TrainBatch } from '../src/model/sparse_step.ts';
import { createBatchBuilder } from '../src/train/batches.ts';
import type { PretrainOptions } from '../src/train/pretrain.ts';
import { buildUserItemIndex } from '../src/train/user_index.ts';

function makeBatches(train: InteractionSet, o: PretrainOptions, count: number): TrainBatch[] {
  const index = buildUserItemIndex(train.users, train.items, train.userIds.length);
  const batchSize = o.batchSize ?? 1024;
  const b = createBatchBuilder(train, index, createUniformSampler(train.itemIds.length), { loss: o.loss ?? 'bce', negatives: o.negatives ?? 4, batchSize });
  const rng = createRng(7);
  const order = Int32Array.from({ length: train.users.length }, () => rng.int(train.users.length));
  return Array.from({ length: count }, (_, k) => {
    const x = b.build(order, k * batchSize, (k + 1) * batchSize, rng);
    return { users: x.users.slice(), items: x.items.slice(), labels: x.labels.slice(), weights: x.weights?.slice() };
  });
}

export async function measureThroughput(
  params: CfParams,
  train: InteractionSet,
  o: PretrainOptions,
  naive: boolean,
): Promise<{ table: ResultRow[]; summary: string; ratio: number | null }> {
  const batches = makeBatches(train, o, 21);
  const p = cloneParams(params);
  const state = createAdagradState(p);
  const cfg = { loss: o.loss ?? 'bce', optimizer: o.optimizer ?? 'adagrad', lrUser: 0.05, lrItem: 0.05, lrDense: 0.005, l2User: 1e-4, l2Item: 1e-4 } as const;
  sparseStep(p, state, batches[0], cfg);
  let t0 = Date.now();
  let samples = 0;
  for (const b of batches.slice(1)) samples += (sparseStep(p, state, b, cfg), b.users.length);
  const ours = samples / ((Date.now() - t0) / 1000);
  const table: ResultRow[] = [{ name: 'tastebud sparse step (plain TS, Adagrad)', protocol: 'train', metrics: {}, extra: { batches: 20, 'samples/s': Math.round(ours) } }];
  if (!naive) return { table, summary: 'naive TF.js timing skipped (QUALITY_NAIVE=0).', ratio: null };
  t0 = Date.now();
  const { timeNaiveTfjs } = await import('./quality_naive.ts');
  const n = await timeNaiveTfjs('wasm', params, batches.slice(0, 4));
  table.push({ name: 'naive TF.js wasm (minimize + tf.gather, dense Adam)', protocol: 'train', metrics: {}, extra: { batches: n.batches, 'samples/s': Math.round(n.samplesPerSecond) } });
  const ratio = ours / n.samplesPerSecond;
  return {
    table,
    ratio,
    summary: `tastebud is ${ratio.toFixed(1)}x the naive TF.js path on wasm (target ≥ 5x). The naive path on the tfjs cpu backend is not timed: its UnsortedSegmentSum (the gradient of tf.gather) costs rows × batch per step (ENGINE_NOTES), minutes per batch at this size.`,
  };
}
