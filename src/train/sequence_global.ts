/**
 * A trained sequence model → the GlobalModel the artefact and the engine read. The matrix-factorisation fields
 * are filled so that the MF reading of the model agrees with the sequence reading: `w` = ones and `bias` = 0
 * (so `w·(p ⊙ q_i) + b_i + b` is exactly `h·q_i + b_i`), the item table and biases are the sequence model's
 * (shared arrays), and the prior user vector p_0 is fitted to the training histories' first clicks
 * (start_prior.ts) — what the engine ranks with before a shopper's first known click, and what a short history's
 * encoding is shrunk toward.
 */
import type { GlobalModel, ItemAttributes, TrainingReport } from '../model/global_model.ts';
import { encodeSequence } from '../model/sequence/encode.ts';
import type { SequenceParams } from '../model/sequence/types.ts';
import { createRng } from '../model/rng.ts';
import { FORMAT_VERSION } from '../artefact/format.ts';
import { fitStartPrior } from './start_prior.ts';
import { InvalidInputError } from '../errors.ts';

export interface SequenceGlobalInput {
  params: SequenceParams;
  itemIds: string[];
  /** Training sequences (item indices, oldest first): their counts give popularity, a sample of them p_0. */
  sequences: ArrayLike<number>[];
  modelVersion: string;
  hyperParameters: Record<string, unknown>;
  trainingReport?: TrainingReport;
  /** p_0: `start` (default) fitted to the histories' first clicks; `mean`, the mean encoded history (the earlier p_0). */
  prior?: SequencePriorKind;
  /** The items' attributes (pretrain --attributes), for the learner's attribute affinity and the shop's rules. */
  itemAttributes?: (ItemAttributes | undefined)[];
  /** Histories encoded for the `mean` prior (a seeded sample). */
  priorSample?: number;
}

export type SequencePriorKind = 'start' | 'mean';

/**
 * @example
 * const model = sequenceGlobalModel({ params, itemIds, sequences, modelVersion: 'seq-1', hyperParameters: { model: 'sasrec' } });
 * model.sequence!.itemEmb === model.itemEmb; // true
 */
export function sequenceGlobalModel(input: SequenceGlobalInput): GlobalModel {
  const { params, itemIds, sequences } = input;
  const { numItems, dim } = params.config;
  if (itemIds.length !== numItems) throw new InvalidInputError(`sequenceGlobalModel: ${itemIds.length} item ids for a model of ${numItems} items`);
  const popularity = new Float32Array(numItems);
  for (const s of sequences) for (let t = 0; t < s.length; t++) popularity[s[t]]++;
  const itemBias = params.itemBias ?? new Float32Array(numItems);
  const sequence: SequenceParams = { ...params, itemBias };
  const model: GlobalModel = {
    formatVersion: FORMAT_VERSION,
    modelVersion: input.modelVersion,
    dim,
    itemIds,
    itemEmb: params.itemEmb,
    itemBias,
    w: new Float32Array(dim).fill(1),
    bias: 0,
    priorUser: sequencePrior(params, sequences, input.prior, input.priorSample),
    popularity,
    hyperParameters: { ...input.hyperParameters, sequence: { ...params.config } },
    sequence,
  };
  if (input.trainingReport) model.trainingReport = input.trainingReport;
  if (input.itemAttributes?.some((a) => a && Object.keys(a).length > 0)) model.itemAttributes = input.itemAttributes.map((a) => ({ ...(a ?? {}) }));
  return model;
}

/**
 * p_0 for a trained sequence model: fitted to the first clicks (`start`; the mean history where no history has
 * an item) or the mean encoded history (`mean`).
 *
 * @example
 * model.priorUser = sequencePrior(model.sequence!, sequences); // e.g. for a model read from an older artefact
 */
export function sequencePrior(params: SequenceParams, sequences: ArrayLike<number>[], kind: SequencePriorKind = 'start', sample = 500): Float32Array {
  if (kind === 'start') {
    const fit = fitStartPrior(params.itemEmb, params.itemBias, params.config.dim, sequences);
    if (fit) return fit.prior;
  }
  return meanHistoryVector(params, sequences, sample);
}

/** Mean of `h` over a seeded sample of non-empty training histories (zeros when there are none). */
export function meanHistoryVector(params: SequenceParams, sequences: ArrayLike<number>[], sample: number): Float32Array {
  const dim = params.config.dim;
  const nonEmpty = sequences.filter((s) => s.length > 0);
  const mean = new Float32Array(dim);
  if (nonEmpty.length === 0) return mean;
  const rng = createRng(7);
  const n = Math.min(sample, nonEmpty.length);
  for (let k = 0; k < n; k++) {
    const s = nonEmpty.length <= sample ? nonEmpty[k] : nonEmpty[Math.floor(rng.next() * nonEmpty.length)];
    const h = encodeSequence(params, s);
    for (let j = 0; j < dim; j++) mean[j] += h[j] / n;
  }
  return mean;
}
