/**
 * `tastebud tune --family sasrec`: a grid (or a seeded sample of it) over sequence-model settings, each trial
 * trained on the training part minus every user's latest item and scored on those items (protocol 5, full
 * ranking, ties against, NDCG@10). The test split is never used.
 */
import type { InteractionSet } from '../data/interactions.ts';
import { leaveOneOut } from '../data/split.ts';
import { evaluateNextItem } from '../eval/next_item.ts';
import { createSequenceScorer, encodeUserVectors, userSequences } from '../eval/sequence_scorer.ts';
import { createRng, shuffleInPlace } from '../model/rng.ts';
import { encodeHistoriesTf, SEQUENCE_WINDOWS, type SequenceWindows } from '../train/sequence/index.ts';
import { buildUserItemIndex } from '../train/user_index.ts';
import { InvalidInputError } from '../errors.ts';
import { trainSequenceFamily, type SequenceFamilyOptions } from './sequence_family.ts';

const NUMERIC = ['dim', 'maxLen', 'blocks', 'heads', 'ffnDim', 'epochs', 'batchSize', 'lr', 'negatives', 'dropout', 'bceWeight', 'cropNewest', 'averageTail', 'weightDecay', 'labelSmoothing', 'futureWeight', 'futureWindow'] as const;
/** The keys that take names, with the names each accepts (`attributes` is read as booleans). */
const CHOICES: Record<string, readonly string[]> = { loss: ['full', 'sampled'], attributes: ['on', 'off'], windows: SEQUENCE_WINDOWS };
type SeqSpace = Partial<Record<(typeof NUMERIC)[number], number[]>> & { loss?: ('full' | 'sampled')[]; attributes?: boolean[]; windows?: SequenceWindows[] };

/**
 * @example
 * parseSequenceSpace('maxLen=50,100;lr=0.001,0.003'); // { maxLen: [50, 100], lr: [0.001, 0.003] }
 * parseSequenceSpace('windows=crop,prefix'); // { windows: ['crop', 'prefix'] }
 */
export function parseSequenceSpace(spec: string): SeqSpace {
  const out: Record<string, unknown[]> = {};
  for (const part of spec.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [key, values] = part.split('=');
    if (!values) throw new InvalidInputError(`--space: "${part}" is not key=v1,v2`);
    const list = values.split(',').map((v) => v.trim());
    const allowed = Object.hasOwn(CHOICES, key) ? CHOICES[key] : undefined;
    if (allowed) {
      const bad = list.find((v) => !allowed.includes(v));
      if (bad !== undefined) throw new InvalidInputError(`--space: ${key} value "${bad}" is not one of ${allowed.join(', ')}`);
      out[key] = key === 'attributes' ? list.map((v) => v === 'on') : list;
    } else if ((NUMERIC as readonly string[]).includes(key)) {
      out[key] = list.map((v) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0) throw new InvalidInputError(`--space: ${key} value "${v}" is not a number >= 0`);
        return n;
      });
    } else throw new InvalidInputError(`--space: unknown sequence key "${key}"; use ${[...NUMERIC, ...Object.keys(CHOICES)].join(', ')}`);
  }
  return out as SeqSpace;
}

export interface SequenceTrial {
  trial: number;
  params: SequenceFamilyOptions;
  metrics: Record<string, number>;
  seconds: number;
}

/** Runs the trials; returns them best first (validation NDCG@10). */
export async function tuneSequence(
  train: InteractionSet,
  space: SeqSpace,
  { base = {}, trials = 8, seed = 1, onTrial }: { base?: SequenceFamilyOptions; trials?: number; seed?: number; onTrial?: (t: SequenceTrial) => void },
): Promise<SequenceTrial[]> {
  let grid: SequenceFamilyOptions[] = [{}];
  for (const [key, values] of Object.entries(space)) grid = grid.flatMap((o) => (values as unknown[]).map((v) => ({ ...o, [key]: v })));
  if (grid.length > trials) grid = shuffleInPlace(grid, createRng(seed)).slice(0, trials);
  const { train: fit, test: val } = leaveOneOut(train);
  const seen = buildUserItemIndex(fit.users, fit.items, fit.userIds.length);
  const histories = userSequences(fit);
  const done: SequenceTrial[] = [];
  for (let k = 0; k < grid.length; k++) {
    const t0 = Date.now();
    const options = { ...base, ...grid[k] };
    if (options.dim !== undefined && options.heads !== undefined && options.dim % options.heads !== 0) continue;
    const { model } = await trainSequenceFamily(fit, options, `trial-${k + 1}`);
    const scorer = createSequenceScorer(model, encodeUserVectors(model, histories, encodeHistoriesTf), `trial ${k + 1}`);
    const t: SequenceTrial = { trial: k + 1, params: grid[k], metrics: evaluateNextItem(scorer, seen, val, { ks: [10] }).metrics, seconds: (Date.now() - t0) / 1000 };
    done.push(t);
    onTrial?.(t);
  }
  return done.sort((a, b) => b.metrics['NDCG@10'] - a.metrics['NDCG@10'] || a.trial - b.trial);
}
