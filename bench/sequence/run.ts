/**
 * `npm run bench:sequence [ml1m|beauty ...]`: the sequence model on DESIGN.md protocol 5 (next item).
 *
 * For each dataset: every config of the grid below is trained on the fitting sequences (training sequences minus
 * their last item) for a short time budget and scored on the held-out last training items (validation users, a
 * seeded sample); the best by validation NDCG@10 (SEQ_SELECT=both: by the worse of both protocols, below) is trained again for the full budget, then scored on validation
 * (the same sample) and on the test items (every user), reading the whole training sequence. Full ranking over every item not in the
 * history, ties against the test item; NCF over the fixed (ML-1M) or seeded (Beauty) 99 negatives.
 * Writes bench/results/sequence_<dataset>.{json,md}. Budgets: SEQ_GRID_MIN, SEQ_FINAL_MIN (minutes) override; when they
 * are equal, the best grid run is the final run (not trained again).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseBackend } from '../../src/kernels/index.ts';
import { createRng, shuffleInPlace } from '../../src/model/rng.ts';
import { sampleNcfCandidates } from '../../src/data/ncf_candidates.ts';
import { buildUserItemIndex } from '../../src/train/user_index.ts';
import { DEFAULT_SEQUENCE_TRAIN_OPTIONS, itemFeatures } from '../../src/train/sequence/index.ts';
import { trainSequenceModelThreaded as trainSequenceModel } from '../../src/cli/sequence_threads.ts';
import type { SequenceFamilyOptions } from '../../src/cli/sequence_family.ts';
import type { SequenceTrainOptions } from '../../src/train/sequence/index.ts';
import { DATA } from '../lib/specs.ts';
import { loadBeauty, loadMl1m } from './data.ts';
import type { NextItemSplit } from './data.ts';
import { rankMetrics } from './eval.ts';
import type { NextItemMetrics } from './eval.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A grid entry: the trainer's options, and `attributes: true` to train with the items' attribute tokens (off unless given). */
type GridConfig = SequenceFamilyOptions;

interface DatasetPlan {
  load: (root: string) => Promise<NextItemSplit>;
  folder: string;
  gridMinutes: number;
  finalMinutes: number;
  /** The grid: each entry overrides the trainer defaults. */
  grid: GridConfig[];
}

/**
 * The grid: the loss (full softmax vs 256 sampled negatives), the learning rate, and the batch size (on a busy
 * 2-core machine a 30-minute budget is a few hundred thousand positions, so the number of Adam steps matters).
 * A first ML-1M run measured full softmax at 36 positions/s against 130 for sampled (val NDCG@10 0.0027 vs
 * 0.0021 after 5 minutes, both untrained); `SEQ_GRID` (JSON list) replaces the grid.
 */
const GRID: GridConfig[] = process.env.SEQ_GRID
  ? JSON.parse(process.env.SEQ_GRID)
  : [
      { loss: 'full' },
      { loss: 'sampled', negatives: 256 },
      { loss: 'sampled', negatives: 256, lr: 3e-3 },
      { loss: 'sampled', negatives: 256, lr: 3e-3, batchSize: 8 },
    ];

const PLANS: Record<string, DatasetPlan> = {
  ml1m: { load: loadMl1m, folder: 'ml-1m-implicit-afcfm', gridMinutes: 5, finalMinutes: 30, grid: GRID },
  // S3-Rec's window for Amazon: 50 (Beauty's histories are short, 8.9 items on average)
  beauty: { load: loadBeauty, folder: 'amazon-s3rec', gridMinutes: 4, finalMinutes: 15, grid: GRID.map((g) => ({ ...g, maxLen: 50 })) },
};

const VAL_USERS = Number(process.env.SEQ_VAL_USERS ?? 1500);
/** Test users scored (a seeded sample; default every user). Encoding every ML-1M history is ~1M positions. */
const TEST_USERS = Number(process.env.SEQ_TEST_USERS ?? Infinity);
/** Final run on the whole training sequences (validation items included); see the header. */
const REFIT = (process.env.SEQ_REFIT ?? '1') !== '0';
/**
 * How the grid's winner is chosen on validation. `ndcg` (the default): full-ranking NDCG@10. `both`: the entry whose
 * worse protocol is best, max over entries of min(NDCG@10 / the grid's best NDCG@10, NCF NDCG@10 / the grid's best
 * NCF NDCG@10) — neither protocol given up for the other, and no target figure used.
 */
const SELECT = process.env.SEQ_SELECT ?? 'ndcg';
if (SELECT !== 'ndcg' && SELECT !== 'both') throw new Error(`SEQ_SELECT must be ndcg or both, got ${SELECT}`);

/** The index of the grid's winner under SEQ_SELECT (rows with validation figures). */
function chooseIndex(validations: NextItemMetrics[]): number {
  const full = (m: NextItemMetrics): number => m['NDCG@10'];
  const ncf = (m: NextItemMetrics): number => m['NCF NDCG@10'] ?? 0;
  const bestFull = Math.max(...validations.map(full));
  const bestNcf = Math.max(...validations.map(ncf));
  const score = (m: NextItemMetrics): number => (SELECT === 'both' ? Math.min(full(m) / bestFull, ncf(m) / bestNcf) : full(m));
  return validations.reduce((best, m, i) => (score(m) > score(validations[best]) ? i : best), 0);
}

interface RunRow {
  config: GridConfig;
  minutes: number;
  epochs: number;
  positions: number;
  positionsPerSecond: number;
  wallSeconds: number;
  /** Absent for a refitted final run (it trained on the validation items). */
  validation?: NextItemMetrics;
  test?: NextItemMetrics;
  /** The final run trained on the validation items too. */
  refit?: boolean;
  losses: number[];
}

async function train(split: NextItemSplit, config: GridConfig, minutes: number, log: (s: string) => void, sequences = split.fit) {
  const { attributes, ...options } = config;
  const features = attributes ? itemFeatures(split.itemAttributes ?? []) : undefined;
  if (attributes && !features) throw new Error(`${split.name}: attributes asked for, but the items have none`);
  if (features) log(`  attribute tokens: ${features.vocab.length}, on ${features.rows.filter((r) => r.length).length} of ${split.numItems} items`);
  const { params, report, lastIterate } = await trainSequenceModel(sequences, split.numItems, {
    ...options,
    ...(features ? { itemFeatures: features } : {}),
    timeBudgetMs: minutes * 60_000,
    onEpoch: ({ epoch, loss, elapsedMs, positions }) =>
      log(`  epoch ${epoch} loss ${loss.toFixed(4)} ${(elapsedMs / 1000).toFixed(0)} s ${Math.round(positions / (elapsedMs / 1000))} positions/s`),
  });
  return { params, report, lastIterate };
}

async function runDataset(key: string): Promise<void> {
  const plan = PLANS[key];
  if (!existsSync(join(DATA, plan.folder))) {
    console.warn(`SKIPPED ${key}: ${join(DATA, plan.folder)} not found (set TASTEBUD_DATA to the shared data folder)`);
    return;
  }
  const gridMinutes = Number(process.env.SEQ_GRID_MIN ?? plan.gridMinutes);
  const finalMinutes = Number(process.env.SEQ_FINAL_MIN ?? plan.finalMinutes);
  const split = await plan.load(DATA);
  const log = (s: string): void => console.log(`[${split.name}] ${s}`);
  log(`${split.fit.length} users, ${split.numItems} items; grid ${gridMinutes} min per config, final ${finalMinutes} min`);
  const sample = shuffleInPlace(Array.from(split.fit.keys()), createRng(7)).slice(0, VAL_USERS);
  const valSample = { histories: sample.map((u) => split.fit[u]), targets: Int32Array.from(sample, (u) => split.valTargets[u]), candidates: validationCandidates(split, sample) };
  const rows: RunRow[] = [];
  const row = (config: GridConfig, minutes: number, report: Record<string, unknown>, validation?: NextItemMetrics, test?: NextItemMetrics): RunRow => ({
    config, minutes, validation, test, refit: test ? REFIT : undefined,
    epochs: report.epochs as number,
    positions: report.positions as number,
    positionsPerSecond: Math.round(report.positionsPerSecond as number),
    wallSeconds: Math.round((report.wallMs as number) / 1000),
    losses: (report.losses as number[]).map((l) => Number(l.toFixed(4))),
  });
  // A grid at the final budget is the final run: the chosen entry's model is kept, not trained again (so settings
  // that act at the end of a run, such as lrDecay, are compared at the budget they will run with).
  const keep = gridMinutes === finalMinutes && !REFIT;
  const kept: Awaited<ReturnType<typeof train>>[] = [];
  for (const config of plan.grid.length > 1 ? plan.grid : []) {
    log(`grid ${JSON.stringify(config)}`);
    const trained = await train(split, config, gridMinutes, log);
    const validation = rankMetrics(trained.params, valSample.histories, valSample.targets, valSample.candidates);
    log(`  validation (${VAL_USERS} users) HR@10 ${validation['HR@10'].toFixed(4)} NDCG@10 ${validation['NDCG@10'].toFixed(4)}; 99 negatives HR@10 ${validation['NCF HR@10']!.toFixed(4)} NDCG@10 ${validation['NCF NDCG@10']!.toFixed(4)}`);
    logLastIterate(trained, valSample, log);
    rows.push(row(config, gridMinutes, trained.report, validation));
    if (keep) kept.push(trained);
  }
  const winner = rows.length ? chooseIndex(rows.map((r) => r.validation!)) : -1;
  const chosen = winner >= 0 ? rows[winner].config : plan.grid[0];
  const keptRun = winner >= 0 && keep ? kept[winner] : undefined;
  log(`chosen (by ${SELECT === 'both' ? 'the worse of both protocols\' NDCG@10, each relative to the grid\'s best' : 'validation NDCG@10'}) ${JSON.stringify(chosen)}; ${keptRun ? 'its grid run is the final run' : REFIT ? 'final run on the whole training sequences (refit)' : 'final run'}`);
  const finalRun = keptRun ?? (await train(split, chosen, finalMinutes, log, REFIT ? split.history : split.fit));
  const { params, report } = finalRun;
  const validation = REFIT ? undefined : rankMetrics(params, valSample.histories, valSample.targets, valSample.candidates);
  if (validation) log(`  validation (${VAL_USERS} users) HR@10 ${validation['HR@10'].toFixed(4)} NDCG@10 ${validation['NDCG@10'].toFixed(4)}`);
  if (!REFIT && !keptRun) logLastIterate(finalRun, valSample, log);
  const testUsers = shuffleInPlace(Array.from(split.fit.keys()), createRng(11)).slice(0, TEST_USERS);
  const test = rankMetrics(params, testUsers.map((u) => split.history[u]), Int32Array.from(testUsers, (u) => split.testTargets[u]), testUsers.map((u) => split.candidates[u]));
  const final = row(chosen, finalMinutes, report, validation, test);
  log(`test ${JSON.stringify(test)}`);
  write(key, split, rows, final, report.backend as string, report.settings as Partial<SequenceTrainOptions>);
}

/** With `averageTail`: the same run's last step scored on validation, side by side with the average it returned. */
function logLastIterate(
  trained: Awaited<ReturnType<typeof train>>,
  val: { histories: Int32Array[]; targets: Int32Array; candidates: Int32Array[] },
  log: (s: string) => void,
): void {
  if (!trained.lastIterate) return;
  const last = rankMetrics(trained.lastIterate, val.histories, val.targets, val.candidates);
  log(`  its last step alone (${trained.report.averagedSteps as number} steps averaged): HR@10 ${last['HR@10'].toFixed(4)} NDCG@10 ${last['NDCG@10'].toFixed(4)}; 99 negatives HR@10 ${last['NCF HR@10']!.toFixed(4)} NDCG@10 ${last['NCF NDCG@10']!.toFixed(4)}`);
}

/**
 * Validation's 99-negatives candidates (the NCF protocol on the held-out training item): per sampled user, the
 * validation item first, then 99 distinct items (seed 13) the user never touched — neither in the training sequence
 * nor the test item — drawn as the test's candidates are (`sampleNcfCandidates`).
 */
function validationCandidates(split: NextItemSplit, users: number[]): Int32Array[] {
  const known = users.map((u) => [...split.history[u], split.testTargets[u]]);
  const index = buildUserItemIndex(Int32Array.from(known.flatMap((items, k) => items.map(() => k))), Int32Array.from(known.flat()), users.length);
  const asked = { users: Int32Array.from(users.keys()), items: Int32Array.from(users, (u) => split.valTargets[u]) };
  return sampleNcfCandidates(asked, index, split.numItems, { seed: 13 }).map((c) => c.items);
}

/** `settings`: what the final run trained with (the trainer's report: threads and defaults included). */
function write(key: string, split: NextItemSplit, grid: RunRow[], final: RunRow, backend: string, settings: Partial<SequenceTrainOptions>): void {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const json = { generatedAt: new Date().toISOString(), dataset: split.name, users: split.fit.length, items: split.numItems, backend, node: process.version, defaults: DEFAULT_SEQUENCE_TRAIN_OPTIONS, grid, final };
  writeFileSync(join(dir, `sequence_${key}.json`), JSON.stringify(json, null, 2));
  const f = (x: number | undefined): string => (x === undefined ? '' : x.toFixed(4));
  const md = [
    `# Sequence model, next item: ${split.name} (${split.fit.length} users, ${split.numItems} items)`,
    '',
    `TF.js ${backend} backend, Node ${process.version}, 2-core shared machine. Settings of the final run: \`${JSON.stringify(settings)}\`.`,
    '',
    '| run | config | minutes | epochs | positions/s | val HR@10 | val NDCG@10 | val NCF HR@10 | val NCF NDCG@10 | test HR@10 | test NDCG@10 | NCF HR@10 | NCF NDCG@10 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...grid.map((r) => `| grid | \`${JSON.stringify(r.config)}\` | ${r.minutes} | ${r.epochs} | ${r.positionsPerSecond} | ${f(r.validation?.['HR@10'])} | ${f(r.validation?.['NDCG@10'])} | ${f(r.validation?.['NCF HR@10'])} | ${f(r.validation?.['NCF NDCG@10'])} | | | | |`),
    `| final${final.refit ? ' (refit)' : ''} | \`${JSON.stringify(final.config)}\` | ${final.minutes} | ${final.epochs} | ${final.positionsPerSecond} | ${f(final.validation?.['HR@10'])} | ${f(final.validation?.['NDCG@10'])} | ${f(final.validation?.['NCF HR@10'])} | ${f(final.validation?.['NCF NDCG@10'])} | ${f(final.test?.['HR@10'])} | ${f(final.test?.['NDCG@10'])} | ${f(final.test?.['NCF HR@10'])} | ${f(final.test?.['NCF NDCG@10'])} |`,
    '',
    `Validation: ${Math.min(VAL_USERS, split.fit.length)} seeded users' held-out last training item (val NCF: against 99 seeded random items the user never touched, as the test's candidates); test: ${final.test?.users} users${final.test?.users === split.fit.length ? ' (all)' : ' (seeded sample)'}. The grid's winner: ${SELECT === 'both' ? 'the best worse-protocol figure (SEQ_SELECT=both: min of validation NDCG@10 and val NCF NDCG@10, each over the grid\'s best)' : 'the best validation NDCG@10'}. An epoch cut by the time budget counts as one. A one-entry grid (SEQ_GRID) is not re-run: it is the final config; with SEQ_REFIT=0, a grid at the final budget keeps its chosen run as the final run. ${final.refit ? 'The final run trained on the whole training sequences, each validation item included (refit; SEQ_REFIT=0 trains it on the fitting sequences), so its validation score is not given.' : 'The final run trained on the fitting sequences (SEQ_REFIT=0).'}`,
    '',
  ];
  writeFileSync(join(dir, `sequence_${key}.md`), md.join('\n'));
  console.log('\n' + md.join('\n'));
}

async function main(): Promise<void> {
  const keys = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(PLANS);
  for (const k of keys) if (!PLANS[k]) throw new Error(`unknown dataset ${k}; use ${Object.keys(PLANS).join(', ')}`);
  const choice = await chooseBackend(['wasm', 'cpu']);
  console.log(`backend ${choice.backend} ${JSON.stringify(choice.details)}`);
  for (const k of keys) await runDataset(k);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
