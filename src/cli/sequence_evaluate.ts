/**
 * `tastebud evaluate` for sequence models: DESIGN.md protocol 5 — each user's training sequence in time order is
 * the input, the held-out item is ranked against every item not in the history (full ranking) and against its
 * 99 NCF negatives, ties counting against it — with popularity measured the same way.
 */
import type { LoadedData } from './datasets.ts';
import type { GlobalModel } from '../model/global_model.ts';
import { evaluateNextItem, evaluateNextItemCandidates } from '../eval/next_item.ts';
import { resultRow, sampledCandidates } from '../eval/experiment.ts';
import type { ResultRow } from '../eval/report.ts';
import { createPopularityScorer } from '../eval/scorers.ts';
import { createSequenceScorer, encodeUserVectors, userSequences } from '../eval/sequence_scorer.ts';
import { encodeHistoriesTf } from '../train/sequence/index.ts';
import { alignModel } from '../train/align_model.ts';
import { buildUserItemIndex } from '../train/user_index.ts';

/**
 * Rows for the sequence model and popularity. `model` may come from an artefact with another item table: it is
 * re-indexed to the dataset's items, and history items it does not know are left out of the input.
 *
 * @example
 * const rows = evaluateSequenceModel(model, data, [10], 0);
 */
export function evaluateSequenceModel(model: GlobalModel, data: LoadedData, ks: number[], seed: number): ResultRow[] {
  // needs a TF.js backend (startTrainingBackend): histories are encoded in batches, held to the reference forward
  const { train, test } = data.split;
  const aligned = alignSequence(model, train.itemIds);
  const known = new Set(model.itemIds);
  const histories = userSequences(train).map((s) => s.filter((i) => known.has(train.itemIds[i])));
  const seen = buildUserItemIndex(train.users, train.items, train.userIds.length);
  const candidates = data.candidates ?? sampledCandidates({ train, test }, seed);
  const counts = new Float32Array(train.itemIds.length);
  for (const i of train.items) counts[i]++;
  const vectors = encodeUserVectors(aligned, histories, encodeHistoriesTf);
  const scorers = [createSequenceScorer(aligned, vectors, `${model.modelVersion} (sequence)`), createPopularityScorer(counts)];
  return scorers.flatMap((s) => [evaluateNextItem(s, seen, test, { ks }), evaluateNextItemCandidates(s, candidates, { ks })]).map((r) => ({
    ...resultRow(r),
    protocol: `${resultRow(r).protocol}, ties against`,
  }));
}

/** The model on another item table (unknown items: zero vector, a very low bias), its encoder reading the same rows. */
export function alignSequence(model: GlobalModel, itemIds: string[]): GlobalModel {
  if (model.itemIds.length === itemIds.length && model.itemIds.every((id, i) => id === itemIds[i])) return model;
  const { model: m } = alignModel(model, itemIds);
  const seq = model.sequence!;
  return { ...m, sequence: { ...seq, itemEmb: m.itemEmb, itemBias: m.itemBias, config: { ...seq.config, numItems: itemIds.length } } };
}
