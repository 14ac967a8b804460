/**
 * The sequence global model in the adaptation bench (`npm run bench:adapt -- --global sasrec`): trained by
 * `trainSequenceModel` on the training users' streams (cached under bench/results/ as an artefact), or read from
 * an artefact folder (`--seq-artefact DIR`); then run through the same Engine as the matrix-factorisation model.
 *
 * Speed: the prequential protocol encodes every prefix of every held-out stream (60,000 encodes on ML-1M). They
 * are computed up front in batches on the TF.js backend (`encodeHistoriesTf`, held to the reference forward by
 * seq-train's contract tests) and handed to the Engine through its `sequenceEncoder` seam; a history not in the
 * table (it never happens with these streams, but a denoised click would change the window) falls back to the
 * reference `encodeSequence`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GlobalModel } from '../../src/model/global_model.ts';
import { decodeArtefact, encodeArtefact } from '../../src/artefact/index.ts';
import { DEFAULT_SEQUENCE, type SequenceSettings } from '../../src/engine/sequence_settings.ts';
import { sequenceGlobalModel, sequencePrior, type SequencePriorKind } from '../../src/train/sequence_global.ts';
import { DEFAULT_SEQUENCE_TRAIN_OPTIONS, itemFeatures } from '../../src/train/sequence/index.ts';
import { trainSequenceModelThreaded as trainSequenceModel } from '../../src/cli/sequence_threads.ts';
import { startTrainingBackend, type SequenceFamilyOptions } from '../../src/cli/sequence_family.ts';
import type { Stream } from './data.ts';
import { RESULTS_DIR } from './model.ts';
export { prefixEncoder } from '../../src/cli/sequence_learner.ts';

/** SEQ_PRIOR: `start` (the default, p_0 fitted to first clicks) or `mean` (the earlier p_0), to compare them. */
function seqPriorKind(): SequencePriorKind {
  const v = process.env.SEQ_PRIOR ?? 'start';
  if (v !== 'start' && v !== 'mean') throw new Error(`SEQ_PRIOR must be start or mean, got ${v}`);
  return v;
}

/**
 * Training recipe per dataset: a window of 50 (the prequential streams are at most 100 clicks long, and the
 * trainer keeps each user's newest maxLen + 1 items: 4x cheaper epochs than 200 on this shared 2-core machine), 256 sampled
 * negatives on ML-1M and 2,048 on Beauty, lr 3e-3 (bench:sequence's choices), a wall-clock budget. Beauty's dropout
 * 0.4 is bench:sequence's choice on Beauty's validation users (docs/sequence-model.md); ML-1M's validation kept 0.2.
 */
export const SEQ_TRAIN: Record<string, SequenceRecipe> = {
  'ml-1m': { maxLen: 50, loss: 'sampled', negatives: 256, lr: 3e-3, timeBudgetMs: 12 * 60_000 },
  // the item labels trained in (pretrain's default when a log has attributes) for the 15 minutes issue 14 allows Beauty
  // 2,048 negatives: bench:sequence's choice on Beauty's validation users (twenty-fourth session; 256 before)
  beauty: { maxLen: 50, loss: 'sampled', negatives: 2048, lr: 3e-3, dropout: 0.4, attributes: true, timeBudgetMs: 15 * 60_000 },
};

/** The trainer's options, and `attributes: true` to train the items' labels in (`pretrain --seq-attributes on`; off unless given). */
export type SequenceRecipe = SequenceFamilyOptions;

/**
 * Trains (or loads the cached artefact of) a sequence model on the training streams; `labels` (item id → its
 * labels) is needed only with `options.attributes`.
 *
 * @example
 * const model = await sequenceModelFor('ml-1m', ds.train, SEQ_TRAIN['ml-1m']);
 */
export async function sequenceModelFor(name: string, train: Stream[], options: SequenceRecipe, log = console.log, labels?: Map<string, string[]>): Promise<GlobalModel> {
  // the trainer's default windows went from 'newest' to 'crop', then 'prefix': a cache trained on the newest windows keeps its name
  const { windows = DEFAULT_SEQUENCE_TRAIN_OPTIONS.windows, ...rest } = options;
  const named = windows === 'newest' ? rest : { ...rest, windows };
  const key = `${name}-sasrec-${Object.entries(named).map(([k, v]) => `${k}${v}`).join('-')}-${train.length}`;
  const dir = `${RESULTS_DIR}seqmodel-${key}`;
  const index = new Map<string, number>();
  const sequences = train.map((s) => Int32Array.from(s.items, (id) => (index.has(id) ? index.get(id)! : (index.set(id, index.size), index.size - 1))));
  if (existsSync(join(dir, 'model.json'))) {
    // the cache keeps the trained weights; p_0 is fitted again, so an older cache gets today's prior (SEQ_PRIOR=mean: the earlier one)
    // (the cache's item rows are `index`'s: it was written from the same streams in the same order)
    const model = loadSequenceArtefact(dir);
    model.priorUser = sequencePrior(model.sequence!, sequences, seqPriorKind());
    return model;
  }
  const backend = await startTrainingBackend();
  log(`training ${key} on tfjs-${backend}: ${train.length} users, ${index.size} items`);
  const t0 = Date.now();
  const { attributes, ...trainOptions } = options;
  if (attributes && !labels) throw new Error('sequenceModelFor: attributes need the item labels');
  const features = attributes ? itemFeatures([...index.keys()].map((id) => Object.fromEntries((labels!.get(id) ?? []).map((l) => [l, 1])))) : undefined;
  if (features) log(`  attribute tokens: ${features.vocab.length} on ${features.rows.filter((r) => r.length).length} of ${index.size} items`);
  const { params, report } = await trainSequenceModel(sequences, index.size, {
    ...trainOptions,
    ...(features ? { itemFeatures: features } : {}),
    onEpoch: (e) => void log(`  epoch ${e.epoch} loss ${e.loss.toFixed(4)} (${(e.elapsedMs / 1000).toFixed(0)} s)`),
  });
  log(`  trained in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const model = sequenceGlobalModel({ params, itemIds: [...index.keys()], sequences, prior: seqPriorKind(), modelVersion: key, hyperParameters: { model: 'sasrec', ...options }, trainingReport: report });
  const enc = encodeArtefact(model);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(enc.modelJson));
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(enc.weights));
  return model;
}

/** Reads an artefact folder (model.json + its shards, or the bench cache's single weights.bin). */
export function loadSequenceArtefact(dir: string): GlobalModel {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  const single = join(dir, 'weights.bin');
  const shards = existsSync(single) ? [readFileSync(single)] : json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
  const model = decodeArtefact(json, shards.length === 1 ? toBuffer(shards[0]) : shards.map(toBuffer));
  if (!model.sequence) throw new Error(`${dir} holds a matrix-factorisation model; --seq-artefact needs a sequence model`);
  return model;
}

const toBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** The adaptation variants compared in the table (settings chosen on validation users, see SEQ_ADAPT). */
export function sequenceVariants(tuned: SequenceSettings): Record<string, Partial<SequenceSettings>> {
  return {
    'sequence, no adaptation': { lrDelta: 0, hybrid: 0, priorClicks: 0 },
    'sequence + delta': { ...DEFAULT_SEQUENCE },
    // only when validation chose something else: the row would repeat the one above
    ...(tuned.hybrid > 0 || tuned.priorClicks > 0 ? { [`sequence + delta, γ ${tuned.hybrid}, κ ${tuned.priorClicks} (chosen on validation)`]: tuned } : {}),
  };
}
