/**
 * Throughput part of the quality bench: tastebud's row-sparse step and the naive TF.js path (minimize over
 * tf.gather, dense Adam) on the very same mini-batches, timed one right after the other so machine load
 * affects both alike.
 */
import type { InteractionSet } from '../../src/data/interactions.ts';
import type { ResultRow } from '../../src/eval/report.ts';
import { cloneParams } from '../../src/model/cf_model.ts';
import type { CfParams } from '../../src/model/cf_model.ts';
import { createRng } from '../../src/model/rng.ts';
import { createUniformSampler } from '../../src/model/samplers.ts';
import { createAdagradState, sparseStep } from '../../src/model/sparse_step.ts';
import type { TrainBatch } from '../../src/model/sparse_step.ts';
import { createBatchBuilder } from '../../src/train/batches.ts';
import type { PretrainOptions } from '../../src/train/pretrain.ts';
import { buildUserItemIndex } from '../../src/train/user_index.ts';

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

/**
 * Interleaves the two paths in rounds (ours on 5 batches, then naive on 1) so that the load of a shared
 * machine hits both alike; rates are total samples over total time per path.
 */
export async function measureThroughput(
  params: CfParams,
  train: InteractionSet,
  o: PretrainOptions,
  naive: boolean,
  rounds = 4,
): Promise<{ table: ResultRow[]; summary: string; ratio: number | null }> {
  const batches = makeBatches(train, o, 5 * rounds + 1);
  const p = cloneParams(params);
  const state = createAdagradState(p);
  const cfg = { loss: o.loss ?? 'bce', optimizer: o.optimizer ?? 'adagrad', lrUser: 0.05, lrItem: 0.05, lrDense: 0.005, l2User: 1e-4, l2Item: 1e-4 } as const;
  const { createNaiveTfjs } = await import('./naive.ts');
  const stepper = naive ? await createNaiveTfjs('wasm', params) : null;
  sparseStep(p, state, batches[0], cfg);
  await stepper?.step(batches[0]);
  const t = { ours: 0, oursSamples: 0, naive: 0, naiveSamples: 0 };
  for (let r = 0; r < rounds; r++) {
    let t0 = Date.now();
    for (const b of batches.slice(1 + 5 * r, 6 + 5 * r)) {
      sparseStep(p, state, b, cfg);
      t.oursSamples += b.users.length;
    }
    t.ours += Date.now() - t0;
    if (!stepper) continue;
    t0 = Date.now();
    await stepper.step(batches[1 + 5 * r]);
    t.naive += Date.now() - t0;
    t.naiveSamples += batches[1 + 5 * r].users.length;
  }
  stepper?.dispose();
  const ours = t.oursSamples / (t.ours / 1000);
  const table: ResultRow[] = [{ name: 'tastebud sparse step (plain TS, Adagrad)', protocol: 'train', metrics: {}, extra: { batches: 5 * rounds, 'samples/s': Math.round(ours) } }];
  if (!stepper) return { table, summary: 'naive TF.js timing skipped (QUALITY_NAIVE=0).', ratio: null };
  const naiveRate = t.naiveSamples / (t.naive / 1000);
  table.push({ name: 'naive TF.js wasm (minimize + tf.gather, dense Adam)', protocol: 'train', metrics: {}, extra: { batches: rounds, 'samples/s': Math.round(naiveRate) } });
  const ratio = ours / naiveRate;
  return {
    table,
    ratio,
    summary: `tastebud is ${ratio.toFixed(1)}x the naive TF.js path on wasm (target ≥ 5x), interleaved in ${rounds} rounds on the same batches. The naive path on the tfjs cpu backend is not timed: its UnsortedSegmentSum (the gradient of tf.gather) costs rows × batch per step (ENGINE_NOTES), minutes per batch at this size.`,
  };
}
