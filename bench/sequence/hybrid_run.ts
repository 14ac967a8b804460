/**
 * `npm run bench:sequence-hybrid -- ml1m|beauty [--minutes N]`: the sequence model as the engine ranks with it
 * (hybrid.ts: the encoder's h, shrunk toward p_0 by κ, plus γ times the learner's closed-form fold-in), on
 * DESIGN.md protocol 5 (next item, full ranking and NCF's 99 negatives).
 *
 * One model is trained on the fitting sequences (each training sequence minus its last item) for N minutes
 * (cached under bench/results/seqhybrid-*); γ and κ are chosen on the validation users' held-out items (a seeded
 * sample) by NDCG@10 over the grid below; the test items are scored once, for the encoder alone and for the chosen
 * γ, κ, reading the whole training sequence. No refit: the model never trains on a validation item.
 * Writes bench/results/sequence_hybrid_<dataset>.{json,md}.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chooseBackend } from '../../src/kernels/index.ts';
import { createRng, shuffleInPlace } from '../../src/model/rng.ts';
import { encodeHistoriesTf, itemFeatures } from '../../src/train/sequence/index.ts';
import { trainSequenceModelThreaded } from '../../src/cli/sequence_threads.ts';
import { sequenceGlobalModel } from '../../src/train/sequence_global.ts';
import { sequenceWindow } from '../../src/model/sequence/encode.ts';
import { encodeArtefact } from '../../src/artefact/encode.ts';
import type { GlobalModel } from '../../src/model/global_model.ts';
import type { SequenceFamilyOptions } from '../../src/cli/sequence_family.ts';
import { DATA } from '../lib/specs.ts';
import { loadSequenceArtefact } from '../adapt/sequence.ts';
import { loadBeauty, loadMl1m } from './data.ts';
import type { NextItemSplit } from './data.ts';
import { rankMetrics, type NextItemMetrics } from './eval.ts';
import { foldInAnchors, hybridQueries } from './hybrid.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS = join(ROOT, 'bench', 'results');

/** Each dataset's recipe: bench:sequence's choice on its validation users (docs/sequence-model.md). */
const PLANS: Record<string, { load: (root: string) => Promise<NextItemSplit>; folder: string; minutes: number; recipe: SequenceFamilyOptions }> = {
  ml1m: { load: loadMl1m, folder: 'ml-1m-implicit-afcfm', minutes: 30, recipe: { maxLen: 50, loss: 'sampled', negatives: 256, lr: 3e-3 } },
  beauty: { load: loadBeauty, folder: 'amazon-s3rec', minutes: 15, recipe: { maxLen: 50, loss: 'sampled', negatives: 256, lr: 3e-3, dropout: 0.4, attributes: true } },
};

/** The walk `pretrain --model sasrec --auto` takes (cli/sequence_learner.ts), here as a full grid: it is cheap. */
const GAMMAS = [0, 0.1, 0.2, 0.3, 0.45, 0.6, 1];
const KAPPAS = [0, 2, 5, 10, 20];

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { minutes: { type: 'string' }, 'val-users': { type: 'string', default: '1500' } } });
  const key = positionals[0] ?? 'ml1m';
  const plan = PLANS[key];
  if (!plan) throw new Error(`unknown dataset ${key}; use ${Object.keys(PLANS).join(', ')}`);
  if (!existsSync(join(DATA, plan.folder))) {
    console.warn(`SKIPPED bench:sequence-hybrid ${key}: ${join(DATA, plan.folder)} not found (set TASTEBUD_DATA to the shared data folder)`);
    return;
  }
  const minutes = Number(values.minutes ?? plan.minutes);
  const choice = await chooseBackend(['wasm', 'cpu']);
  console.log(`backend ${choice.backend}`);
  const split = await plan.load(DATA);
  const log = (s: string): void => console.log(`[${split.name}] ${s}`);
  const model = await fitModel(key, split, plan.recipe, minutes, log);
  const params = model.sequence!;
  const valUsers = shuffleInPlace(Array.from(split.fit.keys()), createRng(7)).slice(0, Number(values['val-users']));
  const score = (histories: Int32Array[], targets: Int32Array, candidates?: Int32Array[]) => {
    const h = encodeHistoriesTf(params, histories);
    const anchors = foldInAnchors(model, histories);
    const windows = histories.map((x) => sequenceWindow(x, params.config).length);
    return (hybrid: number, priorClicks: number): NextItemMetrics =>
      rankMetrics(params, histories, targets, candidates, hybridQueries(model, h, anchors, windows, hybrid, priorClicks));
  };
  const onVal = score(valUsers.map((u) => split.fit[u]), Int32Array.from(valUsers, (u) => split.valTargets[u]));
  const grid: { hybrid: number; priorClicks: number; validation: NextItemMetrics }[] = [];
  for (const hybrid of GAMMAS) {
    for (const priorClicks of KAPPAS) {
      const validation = onVal(hybrid, priorClicks);
      grid.push({ hybrid, priorClicks, validation });
      log(`γ ${hybrid} κ ${priorClicks}: validation HR@10 ${validation['HR@10'].toFixed(4)} NDCG@10 ${validation['NDCG@10'].toFixed(4)}`);
    }
  }
  const best = grid.reduce((a, b) => (b.validation['NDCG@10'] > a.validation['NDCG@10'] ? b : a));
  log(`chosen γ ${best.hybrid}, κ ${best.priorClicks}`);
  const onTest = score(split.history, split.testTargets, split.candidates);
  const encoder = onTest(0, 0);
  const shipped = onTest(best.hybrid, best.priorClicks);
  log(`test, encoder alone ${JSON.stringify(encoder)}`);
  log(`test, γ ${best.hybrid} κ ${best.priorClicks} ${JSON.stringify(shipped)}`);
  write(key, split, model, minutes, grid, best, encoder, shipped, valUsers.length);
}

/** Trains on the fitting sequences, or reads the cache of an earlier run of the same recipe and budget. */
async function fitModel(key: string, split: NextItemSplit, recipe: SequenceFamilyOptions, minutes: number, log: (s: string) => void): Promise<GlobalModel> {
  const dir = join(RESULTS, `seqhybrid-${key}-${Object.entries(recipe).map(([k, v]) => `${k}${v}`).join('-')}-${minutes}min`);
  if (existsSync(join(dir, 'model.json'))) {
    log(`reading the model trained earlier: ${dir}`);
    return loadSequenceArtefact(dir);
  }
  const { attributes, ...options } = recipe;
  const features = attributes ? itemFeatures(split.itemAttributes ?? []) : undefined;
  log(`training on ${split.fit.length} fitting sequences for ${minutes} min`);
  const { params, report } = await trainSequenceModelThreaded(split.fit, split.numItems, {
    ...options,
    ...(features ? { itemFeatures: features } : {}),
    timeBudgetMs: minutes * 60_000,
    onEpoch: ({ epoch, loss, elapsedMs }) => log(`  epoch ${epoch} loss ${loss.toFixed(4)} ${(elapsedMs / 1000).toFixed(0)} s`),
  });
  const itemIds = Array.from({ length: split.numItems }, (_, i) => String(i));
  const model = sequenceGlobalModel({ params, itemIds, sequences: split.fit, modelVersion: `seqhybrid-${key}`, hyperParameters: { model: 'sasrec', ...recipe }, trainingReport: report });
  const enc = encodeArtefact(model);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(enc.modelJson));
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(enc.weights));
  return model;
}

function write(
  key: string,
  split: NextItemSplit,
  model: GlobalModel,
  minutes: number,
  grid: { hybrid: number; priorClicks: number; validation: NextItemMetrics }[],
  best: { hybrid: number; priorClicks: number },
  encoder: NextItemMetrics,
  shipped: NextItemMetrics,
  valUsers: number,
): void {
  mkdirSync(RESULTS, { recursive: true });
  const report = model.trainingReport as Record<string, unknown> | undefined;
  const json = { generatedAt: new Date().toISOString(), dataset: split.name, minutes, recipe: model.hyperParameters, epochs: report?.epochs, validationUsers: valUsers, grid, chosen: best, test: { encoder, shipped } };
  writeFileSync(join(RESULTS, `sequence_hybrid_${key}.json`), JSON.stringify(json, null, 2));
  const f = (x: number | undefined): string => (x === undefined ? '' : x.toFixed(4));
  const md = [
    `# The sequence model as the engine ranks: ${split.name} (${split.fit.length} users, ${split.numItems} items)`,
    '',
    `Trained ${minutes} min on the fitting sequences (${String(report?.epochs ?? '?')} epochs), recipe \`${JSON.stringify(model.hyperParameters)}\`; γ, κ chosen on ${valUsers} validation users by NDCG@10; test on every user.`,
    '',
    '| test | HR@10 | NDCG@10 | NCF HR@10 | NCF NDCG@10 |',
    '|---|---|---|---|---|',
    `| encoder alone (γ 0, κ 0) | ${f(encoder['HR@10'])} | ${f(encoder['NDCG@10'])} | ${f(encoder['NCF HR@10'])} | ${f(encoder['NCF NDCG@10'])} |`,
    `| γ ${best.hybrid}, κ ${best.priorClicks} (chosen on validation) | ${f(shipped['HR@10'])} | ${f(shipped['NDCG@10'])} | ${f(shipped['NCF HR@10'])} | ${f(shipped['NCF NDCG@10'])} |`,
    '',
    '| validation γ \\ κ | ' + [...new Set(grid.map((g) => g.priorClicks))].join(' | ') + ' |',
    '|---|' + [...new Set(grid.map((g) => g.priorClicks))].map(() => '---').join('|') + '|',
    ...[...new Set(grid.map((g) => g.hybrid))].map((h) => `| ${h} | ` + grid.filter((g) => g.hybrid === h).map((g) => `${f(g.validation['HR@10'])} / ${f(g.validation['NDCG@10'])}`).join(' | ') + ' |'),
    '',
  ];
  writeFileSync(join(RESULTS, `sequence_hybrid_${key}.md`), md.join('\n'));
  console.log('\n' + md.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
