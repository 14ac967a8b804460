/**
 * The sequence model family in the CLI (`--model sasrec` in pretrain, `--family sasrec` in evaluate/tune):
 * its options, training on a log (each user's items in time order), and the validation that picks the model
 * family for `pretrain --model auto`. Evaluation is DESIGN.md protocol 5 (src/eval/next_item.ts).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { InteractionSet } from '../data/interactions.ts';
import { leaveOneOut } from '../data/split.ts';
import type { GlobalModel } from '../model/global_model.ts';
import { evaluateNextItem } from '../eval/next_item.ts';
import type { ProtocolResult } from '../eval/protocols.ts';
import { createParamsScorer } from '../eval/scorers.ts';
import { createSequenceScorer, encodeUserVectors, userSequences } from '../eval/sequence_scorer.ts';
import { asPretrainData } from '../eval/experiment.ts';
import { pretrain, type PretrainOptions } from '../train/pretrain.ts';
import { sequenceGlobalModel } from '../train/sequence_global.ts';
import { buildUserItemIndex } from '../train/user_index.ts';
import { encodeHistoriesTf, itemFeatures, SEQUENCE_WINDOWS, type SequenceTrainOptions } from '../train/sequence/index.ts';
import { trainSequenceModelThreaded } from './sequence_threads.ts';
import { InvalidInputError } from '../errors.ts';
import type { Specs, getters } from './args.ts';
import { flagGiven } from './args.ts';

export const SEQUENCE_FAMILIES = ['sasrec'] as const;

/** Sequence-only flags; --dim, --epochs, --lr, --batch-size, --negatives, --seed apply too when given. */
export const SEQUENCE_SPECS: Specs = {
  'max-len': { type: 'number', help: 'sequence models: clicks read per history (the window)' },
  blocks: { type: 'number', help: 'sequence models: self-attention blocks' },
  heads: { type: 'number', help: 'sequence models: attention heads (must divide --dim)' },
  'ffn-dim': { type: 'number', help: 'sequence models: feed-forward width' },
  'seq-loss': { type: 'string', help: 'sequence models: full softmax or sampled softmax with --negatives', choices: ['full', 'sampled'] },
  dropout: { type: 'number', help: 'sequence models: dropout while training' },
  'negative-mix': { type: 'number', help: 'sequence models: share of the sampled negatives drawn from the batch\'s own clicks (popular items), with the log-Q correction' },
  'seq-bce': { type: 'number', help: 'sequence models: weight of a binary cross-entropy against the same negatives, added to the softmax (0: none)' },
  'seq-weight-decay': { type: 'number', help: 'sequence models: AdamW\'s decoupled weight decay on the embeddings and weight matrices (0: none)' },
  'seq-label-smoothing': { type: 'number', help: 'sequence models: label smoothing of the full softmax, 0 to 1 (0: none)' },
  'seq-future-weight': { type: 'number', help: 'sequence models: share of each click\'s target moved onto the clicks after it (--seq-future-window of them), full softmax only, 0 to 1 (0: the next click alone)' },
  'seq-future-window': { type: 'number', help: 'sequence models: how many clicks after the next one share --seq-future-weight (default 4)' },
  'seq-windows': { type: 'string', help: 'sequence models: train on each history\'s newest window only, on all of it in windows, on one window per epoch ending at the newest click half of the time and at a random earlier one otherwise (crop), or the same with the random end anywhere from the second click on, so the first clicks of short histories are trained as the newest (prefix)', choices: [...SEQUENCE_WINDOWS] },
  'seq-crop-newest': { type: 'number', help: 'sequence models: under --seq-windows crop or prefix, the share of windows ending at the newest click (default 0.5)' },
  'seq-init': { type: 'string', help: 'sequence models: weight initialisation', choices: ['xavier', 'fanIn'] },
  'lr-decay': { type: 'number', help: 'sequence models: share of the run (epochs or --time-budget), at its end, over which the rate falls linearly to 1 % of --lr' },
  'seq-average-tail': { type: 'number', help: 'sequence models: share of the run, at its end, whose parameters after every step are averaged into the model (0: the last step\'s)' },
  'time-budget': { type: 'number', help: 'sequence models: stop training after this many seconds' },
  'seq-attributes': { type: 'string', help: 'sequence models: train the items\' attributes into the item table (when the log has them)', choices: ['on', 'off'] },
};

/** The CLI's sequence settings: the trainer's options, and whether the items' attributes are trained in. */
export type SequenceFamilyOptions = Partial<SequenceTrainOptions> & { attributes?: boolean };

/**
 * Items' attributes trained into the item table (src/train/sequence/item_features.ts) unless `--seq-attributes off`:
 * chosen on Beauty's validation users (docs/sequence-model.md); a log without attributes trains the plain model.
 */
export const DEFAULT_SEQUENCE_ATTRIBUTES = true;

/** Shared flags whose MF defaults must not override the sequence trainer's: only explicitly given ones pass. */
const SHARED = { dim: 'dim', epochs: 'epochs', lr: 'lr', 'batch-size': 'batchSize', negatives: 'negatives', seed: 'seed' } as const;

/**
 * @example
 * sequenceOptions(g, ['--dim', '32', '--max-len', '50']); // { dim: 32, maxLen: 50 }
 */
export function sequenceOptions(g: ReturnType<typeof getters>, argv: string[]): SequenceFamilyOptions {
  const given = (flag: string): boolean => flagGiven(argv, flag);
  const o: SequenceFamilyOptions = {};
  for (const [flag, key] of Object.entries(SHARED)) if (given(flag)) o[key] = g.num(flag);
  const num = (flag: string, key: 'maxLen' | 'blocks' | 'heads' | 'ffnDim' | 'dropout'): void => {
    const v = g.num(flag);
    if (v !== undefined) o[key] = v;
  };
  num('max-len', 'maxLen');
  num('blocks', 'blocks');
  num('heads', 'heads');
  num('ffn-dim', 'ffnDim');
  num('dropout', 'dropout');
  const mix = g.num('negative-mix');
  if (mix !== undefined) o.negativeMix = mix;
  const bce = g.num('seq-bce');
  if (bce !== undefined) o.bceWeight = bce;
  const weightDecay = g.num('seq-weight-decay');
  if (weightDecay !== undefined) o.weightDecay = weightDecay;
  const smoothing = g.num('seq-label-smoothing');
  if (smoothing !== undefined) o.labelSmoothing = smoothing;
  const futureWeight = g.num('seq-future-weight');
  if (futureWeight !== undefined) o.futureWeight = futureWeight;
  const futureWindow = g.num('seq-future-window');
  if (futureWindow !== undefined) o.futureWindow = futureWindow;
  const cropNewest = g.num('seq-crop-newest');
  if (cropNewest !== undefined) o.cropNewest = cropNewest;
  const averageTail = g.num('seq-average-tail');
  if (averageTail !== undefined) o.averageTail = averageTail;
  const threads = g.num('threads');
  if (given('threads') && threads !== undefined && threads > 0) o.threads = Math.min(threads, 64);
  const loss = g.str('seq-loss');
  if (loss) o.loss = loss as SequenceTrainOptions['loss'];
  const init = g.str('seq-init');
  if (init) o.init = init as SequenceTrainOptions['init'];
  const windows = g.str('seq-windows');
  if (windows) o.windows = windows as SequenceTrainOptions['windows'];
  const decay = g.num('lr-decay');
  if (decay !== undefined) o.lrDecay = decay;
  const attributes = g.str('seq-attributes');
  if (attributes) o.attributes = attributes === 'on';
  const budget = g.num('time-budget');
  if (budget !== undefined) o.timeBudgetMs = budget * 1000;
  for (const k of ['dim', 'maxLen', 'heads', 'ffnDim', 'epochs', 'batchSize'] as const) {
    if (o[k] !== undefined && !(Number.isInteger(o[k]) && o[k] >= 1)) throw new InvalidInputError(`sequence option ${k} must be a positive integer, got ${o[k]}`);
  }
  if (o.dim !== undefined && o.heads !== undefined && o.dim % o.heads !== 0) throw new InvalidInputError(`--heads ${o.heads} must divide --dim ${o.dim}`);
  return o;
}

/** The TF.js backend the trainer runs on: wasm (SIMD) where it starts, else cpu. */
export async function startTrainingBackend(): Promise<string> {
  await import('@tensorflow/tfjs-backend-cpu');
  await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  const wasmPaths = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
  const { chooseBackend } = await import('../kernels/index.ts');
  return (await chooseBackend(['wasm', 'cpu'], { wasmPaths })).backend;
}

/**
 * Trains a sequence model on every user's items in time order and wraps it as a GlobalModel.
 *
 * @example
 * const { model } = await trainSequenceFamily(log, { epochs: 20 }, 'seq-1');
 */
export async function trainSequenceFamily(
  set: InteractionSet,
  options: SequenceFamilyOptions,
  modelVersion?: string,
): Promise<{ model: GlobalModel; report: Record<string, unknown> }> {
  const backend = await startTrainingBackend();
  const sequences = userSequences(set).filter((s) => s.length > 0);
  const t0 = Date.now();
  const { attributes = DEFAULT_SEQUENCE_ATTRIBUTES, ...trainOptions } = options;
  const features = attributes && set.itemAttributes ? itemFeatures(set.itemAttributes) : undefined;
  const { params, report } = await trainSequenceModelThreaded(sequences, set.itemIds.length, { ...trainOptions, ...(features ? { itemFeatures: features } : {}) });
  const version = modelVersion ?? `seq-${Date.now().toString(36)}`;
  const model = sequenceGlobalModel({
    params,
    itemIds: set.itemIds.slice(),
    sequences,
    itemAttributes: set.itemAttributes,
    modelVersion: version,
    hyperParameters: { model: 'sasrec', ...trainOptions, attributes: features !== undefined },
    trainingReport: { ...report, trainer: `tfjs-${backend}`, trainSeconds: (Date.now() - t0) / 1000, numUsers: sequences.length, numInteractions: set.items.length },
  });
  return { model, report };
}

export interface FamilyChoice {
  chosen: 'als' | 'sasrec';
  validation: Record<'als' | 'sasrec', Record<string, number>>;
}

/**
 * `pretrain --model auto`: both families train on the log minus each user's latest item and are ranked on those
 * items (protocol 5, full ranking, NDCG@10); the test split is never involved.
 */
export async function chooseFamily(all: InteractionSet, mf: PretrainOptions, seq: SequenceFamilyOptions): Promise<FamilyChoice> {
  const { train: fit, test: val } = leaveOneOut(all);
  const seen = buildUserItemIndex(fit.users, fit.items, fit.userIds.length);
  const { params } = await pretrain(asPretrainData(fit), mf);
  const als = evaluateNextItem(createParamsScorer(params, 'als'), seen, val, { ks: [10] });
  const { model } = await trainSequenceFamily(fit, seq, 'validation');
  const vectors = encodeUserVectors(model, userSequences(fit), encodeHistoriesTf);
  const sasrec = evaluateNextItem(createSequenceScorer(model, vectors, 'sasrec'), seen, val, { ks: [10] });
  const score = (r: ProtocolResult): number => r.metrics['NDCG@10'];
  return { chosen: score(sasrec) > score(als) ? 'sasrec' : 'als', validation: { als: als.metrics, sasrec: sasrec.metrics } };
}
