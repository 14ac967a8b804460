/**
 * `tastebud evaluate`: on the dataset's split (its own test file, or leave-one-out by time), train on the
 * training part (early stopping on validation) — or take a given artefact and fold in the users — then
 * report full ranking and NCF metrics for tastebud and popularity as JSON, Markdown and an SVG curve.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resultRow, runExperiment, sampledCandidates } from '../eval/experiment.ts';
import type { ExperimentResult } from '../eval/experiment.ts';
import { evaluatePerturbed, meanRowNorm } from '../eval/adversarial.ts';
import { evaluateCandidates, evaluateFullRanking } from '../eval/protocols.ts';
import type { CfParams } from '../model/cf_model.ts';
import type { GlobalModel } from '../model/global_model.ts';
import { learningCurveSvg, markdownTable } from '../eval/report.ts';
import type { ResultRow } from '../eval/report.ts';
import { createParamsScorer } from '../eval/scorers.ts';
import { alignModel } from '../train/align_model.ts';
import { foldInUsers } from '../train/fold_in_users.ts';
import { buildUserItemIndex } from '../train/user_index.ts';
import { InvalidInputError } from '../errors.ts';
import type { Specs } from './args.ts';
import { getters, parseArgs } from './args.ts';
import { readArtefactDir } from './artefact_dir.ts';
import type { LoadedData } from './datasets.ts';
import { loadDataset } from './datasets.ts';
import type { Io } from './io.ts';
import { createProgressBar } from './progress.ts';
import { DATA_SPECS, loadOptions, trainOptions, TRAIN_SPECS } from './train_args.ts';
import { SEQUENCE_SPECS, sequenceOptions, startTrainingBackend, trainSequenceFamily } from './sequence_family.ts';
import { evaluateSequenceModel } from './sequence_evaluate.ts';

export const EVALUATE_SPECS: Specs = {
  ...DATA_SPECS,
  ...TRAIN_SPECS,
  model: { type: 'string', help: 'evaluate this artefact folder (users folded in; a sequence model reads their histories) instead of training' },
  family: { type: 'string', help: 'model family to train when no --model is given: als (matrix factorisation) or sasrec (sequence model, protocol 5)', choices: ['als', 'sasrec'], default: 'als' },
  ...SEQUENCE_SPECS,
  'out-dir': { type: 'string', help: 'write results.json, results.md, learning_curve.svg here' },
  ks: { type: 'list', help: 'cut-offs K', default: '10' },
  validate: { type: 'boolean', help: 'early stopping on a validation split of the training part', default: true },
  refit: { type: 'boolean', help: 'after early stopping, retrain on the whole training part' },
  'ncf-seed': { type: 'number', help: 'seed of the sampled NCF candidates (without a fixed file)', default: 0 },
  perturb: { type: 'list', help: 'also score under embedding perturbations of these sizes ε (APR fast-gradient attack, and random as control)' },
};

export async function cmdEvaluate(argv: string[], io: Io): Promise<void> {
  const g = getters(parseArgs(argv, EVALUATE_SPECS));
  const ks = (g.list('ks') ?? ['10']).map(Number);
  if (!ks.every((k) => Number.isInteger(k) && k > 0)) throw new InvalidInputError(`--ks must be positive integers, got ${g.list('ks')}`);
  const perturb = (g.list('perturb') ?? []).map(Number);
  if (!perturb.every((e) => Number.isFinite(e) && e > 0)) throw new InvalidInputError(`--perturb must be positive sizes ε, got ${g.list('perturb')}`);
  const data = await loadDataset(loadOptions(g));
  const { train, test } = data.split;
  io.err(`split: ${train.users.length} train / ${test.users.length} test interactions (${data.fixedSplit ? 'fixed test file' : 'leave-one-out by time'})`);
  for (const n of data.notes) io.err(`  ${n}`);
  const modelDir = g.str('model');
  const opts = await trainOptions(g);
  let rows: ResultRow[];
  let extra: Record<string, unknown> = {};
  let curve: ExperimentResult['curve'] = [];
  let params: CfParams;
  const shipped = modelDir ? await readArtefactDir(modelDir) : undefined;
  if (shipped?.sequence || (!modelDir && g.str('family') === 'sasrec')) {
    if (perturb.length) throw new InvalidInputError('--perturb attacks matrix-factorisation embeddings; drop it for a sequence model');
    const model = shipped ?? (await trainSequenceFamily(train, sequenceOptions(g, argv))).model;
    await startTrainingBackend();
    io.err(`sequence model ${model.modelVersion} ${JSON.stringify(model.sequence!.config)}: protocol 5 (histories in time order, ties against)`);
    rows = evaluateSequenceModel(model, data, ks, g.num('ncf-seed') ?? 0);
    return writeResults(rows, { ...(model.trainingReport ? { report: model.trainingReport } : {}), hyperParameters: model.hyperParameters }, [], data, g, io);
  }
  if (modelDir) {
    ({ rows, params } = await evaluateArtefact(shipped!, data, ks, g.num('ncf-seed') ?? 0, io));
  } else {
    const bar = createProgressBar(io.stderr, 'val HR@10');
    const r = await runExperiment(
      { train, test, candidates: data.candidates },
      { train: { ...opts, onEpoch: bar.onEpoch, onProgress: bar.onProgress }, ks, validation: g.bool('validate'), refit: g.bool('refit'), ncfSeed: g.num('ncf-seed') },
    );
    bar.done();
    rows = r.rows;
    curve = r.curve;
    params = r.params;
    extra = { report: r.report, hyperParameters: r.model.hyperParameters };
  }
  if (perturb.length) {
    const seen = buildUserItemIndex(train.users, train.items, train.userIds.length);
    const candidates = data.candidates ?? sampledCandidates({ train, test }, g.num('ncf-seed') ?? 0);
    io.err(`perturbing the embeddings (ε = ${perturb.join(', ')}; mean row norm: users ${meanRowNorm(params.userEmb, params.dim).toFixed(3)}, items ${meanRowNorm(params.itemEmb, params.dim).toFixed(3)})`);
    for (const p of evaluatePerturbed(params, train, seen, test, candidates, perturb, { ks })) rows.push(...[p.full, p.ncf!].map(resultRow));
  }
  await writeResults(rows, extra, curve, data, g, io);
}

async function writeResults(rows: ResultRow[], extra: Record<string, unknown>, curve: ExperimentResult['curve'], data: LoadedData, g: ReturnType<typeof getters>, io: Io): Promise<void> {
  const md = markdownTable(rows);
  io.out(md);
  const outDir = g.str('out-dir');
  if (outDir) {
    await mkdir(outDir, { recursive: true });
    const json = { dataset: { data: g.str('data'), format: g.str('format'), stats: data.stats, fixedSplit: data.fixedSplit, ncfCandidates: data.candidates ? 'fixed file' : 'sampled' }, rows, ...extra };
    await writeFile(join(outDir, 'results.json'), JSON.stringify(json, null, 2));
    await writeFile(join(outDir, 'results.md'), md + '\n');
    if (curve.length) await writeFile(join(outDir, 'learning_curve.svg'), learningCurveSvg(curve, { metric: 'validation HR@10', title: 'tastebud evaluate' }));
    io.err(`wrote ${outDir}/results.json, results.md${curve.length ? ', learning_curve.svg' : ''}`);
  }
}

async function evaluateArtefact(shipped: GlobalModel, data: LoadedData, ks: number[], seed: number, io: Io): Promise<{ rows: ResultRow[]; params: CfParams }> {
  const { train, test } = data.split;
  const { model, unknown } = alignModel(shipped, train.itemIds, train.itemAttributes);
  io.err(`artefact ${shipped.modelVersion}: ${shipped.itemIds.length} items; ${unknown} dataset items unknown to it`);
  const params = await foldInUsers(model, train, train.userIds.length, { seed: 1 });
  const seen = buildUserItemIndex(train.users, train.items, train.userIds.length);
  const candidates = data.candidates ?? sampledCandidates({ train, test }, seed);
  const scorer = createParamsScorer(params, `${shipped.modelVersion} (fold-in)`);
  return { rows: [evaluateFullRanking(scorer, seen, test, { ks }), evaluateCandidates(scorer, candidates, { ks })].map(resultRow), params };
}
