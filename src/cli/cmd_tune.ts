/** `tastebud tune`: a small search over hyper-parameters on the validation split; prints the table of trials. */
import { writeFile } from 'node:fs/promises';
import { InvalidInputError } from '../errors.ts';
import { markdownTable } from '../eval/report.ts';
import type { SearchSpace, Trial } from '../eval/tune.ts';
import { tune } from '../eval/tune.ts';
import type { Specs } from './args.ts';
import { flagGiven, getters, parseArgs } from './args.ts';
import { loadDataset } from './datasets.ts';
import { createReadProgress } from './read_progress.ts';
import type { Io } from './io.ts';
import { checkIntegerFlags, DATA_SPECS, loadOptions, trainOptions, TRAIN_SPECS } from './train_args.ts';
import { SEQUENCE_SPECS, sequenceOptions } from './sequence_family.ts';
import { parseSequenceSpace, tuneSequence } from './sequence_tune.ts';
import { SEQUENCE_WINDOWS } from '../train/sequence/index.ts';

export const TUNE_SPECS: Specs = {
  ...DATA_SPECS,
  ...TRAIN_SPECS,
  family: { type: 'string', help: `model family to tune: als (matrix factorisation) or sasrec (sequence model; space keys dim, maxLen, blocks, heads, ffnDim, epochs, batchSize, lr, negatives, dropout, bceWeight, cropNewest, averageTail, weightDecay, labelSmoothing, futureWeight, futureWindow, loss, attributes=on,off, windows=${SEQUENCE_WINDOWS.join('|')})`, choices: ['als', 'sasrec'], default: 'als' },
  ...SEQUENCE_SPECS,
  space: { type: 'string', help: 'values to search, e.g. "dim=32,64;lr=0.02,0.05;l2=1e-4,1e-3;negatives=4,8" or "solver=als;l2=0.005,0.01;alsUnobserved=0.1,0.3"', default: 'dim=32,64;lr=0.02,0.05,0.1' },
  trials: { type: 'number', help: 'at most this many trials (a seeded sample of the grid)', default: 8 },
  json: { type: 'string', help: 'also write the trials as JSON to this file' },
};

const NUMERIC = ['dim', 'lr', 'l2', 'negatives', 'epochs', 'batchSize', 'advEps', 'alsAlpha', 'alsUnobserved', 'recencyBoost', 'recencyHalfLife'];
const CHOICES: Record<string, string[]> = { solver: ['sgd', 'als'], loss: ['bce', 'bpr'], sampler: ['uniform', 'popularity'] };

/**
 * @example
 * parseSpace('dim=32,64;loss=bce,bpr'); // { dim: [32, 64], loss: ['bce', 'bpr'] }
 */
export function parseSpace(spec: string): SearchSpace {
  const out: Record<string, unknown[]> = {};
  for (const part of spec.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [key, values] = part.split('=').map((x) => x.trim());
    if (!values) throw new InvalidInputError(`--space: "${part}" is not key=v1,v2`);
    const list = values.split(',').map((v) => v.trim());
    if (NUMERIC.includes(key)) {
      out[key] = list.map((v) => {
        const n = Number(v);
        if (!Number.isFinite(n)) throw new InvalidInputError(`--space: ${key} value "${v}" is not a number`);
        return n;
      });
    } else if (Object.hasOwn(CHOICES, key)) {
      const bad = list.find((v) => !CHOICES[key].includes(v));
      if (bad !== undefined) throw new InvalidInputError(`--space: ${key} value "${bad}" is not one of ${CHOICES[key].join(', ')}`);
      out[key] = list;
    } else throw new InvalidInputError(`--space: unknown key "${key}"; use ${[...NUMERIC, ...Object.keys(CHOICES)].join(', ')}`);
  }
  return out as SearchSpace;
}

export async function cmdTune(argv: string[], io: Io): Promise<void> {
  const g = getters(parseArgs(argv, TUNE_SPECS));
  if (g.str('family') === 'sasrec') return tuneSequenceCmd(g, argv, io);
  const space = parseSpace(g.str('space') ?? '');
  checkIntegerFlags(g);
  const trials = g.num('trials');
  if (trials !== undefined && !(Number.isInteger(trials) && trials >= 1 && trials <= 10_000)) throw new InvalidInputError(`--trials must be an integer in 1..10000, got ${trials}`);
  const base = await trainOptions(g); // every option checked before the (long) read
  const data = await loadDataset(loadOptions(g), { onRead: createReadProgress(io.stderr) });
  io.err(`tuning on the validation split of ${data.split.train.users.length} training interactions (the test split is not used)`);
  const results = await tune({ train: data.split.train }, space, {
    base,
    trials,
    seed: g.num('seed'),
    onTrial: (t) => io.err(`trial ${t.trial}: ${JSON.stringify(t.params)} → val full NDCG@10 ${t.validation.toFixed(4)} at epoch ${t.bestEpoch} (${t.seconds.toFixed(0)}s)`),
  });
  io.out(markdownTable(results.map(toRow)));
  if (!results.length) throw new InvalidInputError('tune ran no trial: the search space is empty');
  io.out(`\nbest: ${JSON.stringify(results[0].params)} (epochs ${results[0].bestEpoch})`);
  const json = g.str('json');
  if (json) await writeFile(json, JSON.stringify({ space, base: { ...base, createTrainer: undefined }, trials: results }, null, 2));
}

function toRow(t: Trial): { name: string; protocol: string; metrics: Record<string, number>; extra: Record<string, string | number> } {
  return { name: `#${t.trial} ${Object.entries(t.params).map(([k, v]) => `${k}=${v}`).join(' ')}`, protocol: 'validation, full ranking', metrics: { 'NDCG@10': t.validation }, extra: { 'best epoch': t.bestEpoch, seconds: Math.round(t.seconds) } };
}

async function tuneSequenceCmd(g: ReturnType<typeof getters>, argv: string[], io: Io): Promise<void> {
  const spec = flagGiven(argv, 'space') ? g.str('space')! : 'maxLen=50,200;lr=0.001,0.003';
  const space = parseSequenceSpace(spec);
  const data = await loadDataset(loadOptions(g));
  io.err(`tuning a sequence model on the validation split of ${data.split.train.users.length} training interactions (the test split is not used)`);
  const trials = await tuneSequence(data.split.train, space, {
    base: sequenceOptions(g, argv),
    trials: g.num('trials'),
    seed: g.num('seed'),
    onTrial: (t) => io.err(`trial ${t.trial}: ${JSON.stringify(t.params)} → val NDCG@10 ${t.metrics['NDCG@10'].toFixed(4)}, HR@10 ${t.metrics['HR@10'].toFixed(4)} (${t.seconds.toFixed(0)}s)`),
  });
  const rows = trials.map((t) => ({ name: `#${t.trial} ${Object.entries(t.params).map(([k, v]) => `${k}=${v}`).join(' ')}`, protocol: 'validation, full ranking, ties against', metrics: t.metrics, extra: { seconds: Math.round(t.seconds) } }));
  io.out(markdownTable(rows));
  io.out(`\nbest: ${JSON.stringify(trials[0]?.params)}`);
  const json = g.str('json');
  if (json) await writeFile(json, JSON.stringify({ family: 'sasrec', space, trials }, null, 2));
}
