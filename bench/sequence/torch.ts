/**
 * `npm run bench:sequence-torch [ml1m|beauty]`: tastebud's sequence trainer and a PyTorch implementation of the same
 * model (bench/torch/sasrec.py) side by side in one run, one after the other, each for SEQ_TORCH_MIN minutes (default
 * 5) on the same number of threads (SEQ_THREADS, default every core) with the same settings: positions trained per second, and the quality each reached in that time
 * (validation sample and test, DESIGN.md protocol 5). Settings: the final config of bench/results/sequence_<ds>.json
 * when present (or the JSON in SEQ_TORCH_CONFIG), else the trainer defaults. Writes bench/results/sequence_torch_<ds>.{json,md}.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseBackend } from '../../src/kernels/index.ts';
import { createRng, shuffleInPlace } from '../../src/model/rng.ts';
import { DEFAULT_SEQUENCE_TRAIN_OPTIONS } from '../../src/train/sequence/index.ts';
import { defaultTrainerThreads, trainSequenceModelThreaded as trainSequenceModel } from '../../src/cli/sequence_threads.ts';
import type { SequenceTrainOptions } from '../../src/train/sequence/index.ts';
import { DATA } from '../lib/specs.ts';
import { torchBenchSplit } from './data.ts';
import { rankMetrics } from './eval.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MINUTES = Number(process.env.SEQ_TORCH_MIN ?? 5);
/** Threads on both sides (the same cores): SEQ_THREADS, default every core of this machine (at most 4). */
const THREADS = Number(process.env.SEQ_THREADS ?? defaultTrainerThreads());
const VAL_USERS = Number(process.env.SEQ_VAL_USERS ?? 1500);
/** Test users scored on each side (a seeded sample, the same for both; the full test set is bench:sequence's job). */
const TEST_USERS = Number(process.env.SEQ_TEST_USERS ?? 1000);

async function main(): Promise<void> {
  const key = process.argv[2] ?? 'ml1m';
  const run = await torchBenchSplit(key, 'bench:sequence-torch', DATA);
  if (!run) return;
  const { split, python } = run;
  const chosenPath = join(ROOT, 'bench', 'results', `sequence_${key}.json`);
  const chosen: Partial<SequenceTrainOptions> = process.env.SEQ_TORCH_CONFIG
    ? JSON.parse(process.env.SEQ_TORCH_CONFIG)
    : existsSync(chosenPath) ? JSON.parse(readFileSync(chosenPath, 'utf8')).final.config : {};
  // sasrec.py trains on each history's newest window only, so tastebud's side does too (like for like)
  if (chosen.windows && chosen.windows !== 'newest') console.log(`windows '${chosen.windows}' → 'newest': the PyTorch script reads the newest window only`);
  const { onEpoch: _none, ...options } = { ...DEFAULT_SEQUENCE_TRAIN_OPTIONS, ...chosen, windows: 'newest' as const, threads: THREADS, timeBudgetMs: MINUTES * 60_000 };
  const valUsers = shuffleInPlace(Array.from(split.fit.keys()), createRng(7)).slice(0, VAL_USERS);
  const testUsers = shuffleInPlace(Array.from(split.fit.keys()), createRng(11)).slice(0, TEST_USERS);
  const testHistory = testUsers.map((u) => split.history[u]);
  const testTargets = Int32Array.from(testUsers, (u) => split.testTargets[u]);
  const testCandidates = testUsers.map((u) => split.candidates[u]);
  console.log(`${split.name}: ${MINUTES} min per side, settings ${JSON.stringify(options)}`);

  const backend = await chooseBackend(['wasm', 'cpu']);
  const { params, report } = await trainSequenceModel(split.fit, split.numItems, options);
  const tastebud = {
    backend: backend.backend,
    epochs: report.epochs,
    positions: report.positions,
    wallSeconds: (report.wallMs as number) / 1000,
    positionsPerSecond: report.positionsPerSecond as number,
    losses: report.losses as number[], // epoch by epoch, beside PyTorch's in the JSON
    validation: rankMetrics(params, valUsers.map((u) => split.fit[u]), Int32Array.from(valUsers, (u) => split.valTargets[u])),
    test: rankMetrics(params, testHistory, testTargets, testCandidates),
  };
  console.log('tastebud', JSON.stringify(tastebud));

  const specPath = join(tmpdir(), `tastebud-seq-torch-${process.pid}.json`);
  const list = (a: readonly ArrayLike<number>[]): number[][] => a.map((s) => Array.from(s));
  writeFileSync(specPath, JSON.stringify({
    numItems: split.numItems, threads: THREADS, budgetSeconds: MINUTES * 60, options: { ...options, timeBudgetMs: undefined },
    fit: list(split.fit), valTargets: Array.from(split.valTargets), valUsers, history: list(testHistory),
    testTargets: Array.from(testTargets), candidates: list(testCandidates),
  }));
  const p = spawnSync(python, [join(ROOT, 'bench', 'torch', 'sasrec.py'), specPath], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (p.status !== 0) throw new Error(`sasrec.py failed: ${p.stderr}`);
  const pytorch = JSON.parse(p.stdout.trim().split('\n').pop()!);
  console.log('pytorch', JSON.stringify(pytorch));

  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const ratio = tastebud.positionsPerSecond / pytorch.positionsPerSecond;
  writeFileSync(join(dir, `sequence_torch_${key}.json`), JSON.stringify({ generatedAt: new Date().toISOString(), dataset: split.name, minutes: MINUTES, options, tastebud, pytorch, ratio }, null, 2));
  const f = (x: number): string => x.toFixed(4);
  const row = (name: string, r: typeof tastebud): string =>
    `| ${name} | ${r.epochs} | ${Math.round(r.positionsPerSecond)} | ${f(r.validation['HR@10'])} | ${f(r.validation['NDCG@10'])} | ${f(r.test['HR@10'])} | ${f(r.test['NDCG@10'])} | ${f(r.test['NCF HR@10']!)} |`;
  const md = [
    `# Sequence model vs PyTorch, same model and settings, ${MINUTES} min each, ${THREADS} thread(s) each: ${split.name}`,
    '',
    `Settings \`${JSON.stringify(options)}\`; PyTorch ${pytorch.torch} (${pytorch.threads} thread(s)), tastebud TF.js ${tastebud.backend} (${options.threads} thread(s)), Node ${process.version}. Run one after the other on the shared 2-core machine; validation on ${valUsers.length} seeded users, test on ${testUsers.length}.`,
    '',
    '| trainer | epochs | positions/s | val HR@10 | val NDCG@10 | test HR@10 | test NDCG@10 | NCF HR@10 |',
    '|---|---|---|---|---|---|---|---|',
    row('tastebud', tastebud),
    row('PyTorch', pytorch),
    '',
    `tastebud / PyTorch positions per second: ${ratio.toFixed(2)}.`,
    '',
  ];
  writeFileSync(join(dir, `sequence_torch_${key}.md`), md.join('\n'));
  console.log('\n' + md.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
