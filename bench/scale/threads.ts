/**
 * `npm run bench:threads`: ALS on 1, 2 (and more, THREADS=1,2,4) worker threads side by side in one run, same
 * data, same recipe, same iterations: seconds per ALS iteration (the iterations alone, as each epoch reports
 * them) and the speed-up over one thread, and the whole pretrain call's wall time per iteration (with the serial
 * setup: pairs, CSR, recency, thread start) beside it. The factors are
 * checked to be identical across thread counts. Data: ML-1M implicit from ../shared/data, or a generated log
 * (THREADS_DATA=generated, or when the shared folder is absent). Writes bench/results/als_threads.{json,md}.
 *
 * THREADS_SOLVER=sgd times the sampled-loss trainer instead (bench:quality's ML-1M config, Hogwild! on the
 * threads): its factors differ by design, so each row reports the NCF HR@10 on the test split instead, to show
 * the threads cost no quality. Writes bench/results/sgd_threads.{json,md}.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../../src/cli/datasets.ts';
import { asPretrainData } from '../../src/eval/experiment.ts';
import { createAlsPool } from '../../src/cli/als_pool.ts';
import { createSgdPool } from '../../src/cli/sgd_pool.ts';
import { sampledCandidates } from '../../src/eval/experiment.ts';
import { evaluateCandidates } from '../../src/eval/protocols.ts';
import { createParamsScorer } from '../../src/eval/scorers.ts';
import type { CandidateSet } from '../../src/data/ncf_candidates.ts';
import { pretrain } from '../../src/train/pretrain.ts';
import type { PretrainData } from '../../src/train/pretrain.ts';
import { generateLog } from './log.ts';
import { SPECS } from '../lib/specs.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function data(): Promise<{ name: string; data: PretrainData; candidates?: CandidateSet[] }> {
  const spec = SPECS.ml1m;
  if (process.env.THREADS_DATA !== 'generated' && existsSync(spec.load.data)) {
    const d = await loadDataset(spec.load);
    return { name: 'ML-1M implicit (train part)', data: asPretrainData(d.split.train), candidates: d.candidates ?? sampledCandidates(d.split, 0) };
  }
  const g = generateLog({ events: 1_000_000, seed: 1 });
  return { name: 'generated 1M events', data: { users: g.users, items: g.items, itemIds: g.itemIds, numUsers: g.numUsers } };
}

async function main(): Promise<void> {
  const counts = (process.env.THREADS ?? '1,2').split(',').map(Number);
  const iterations = Number(process.env.THREADS_ITERATIONS ?? 4);
  const sgd = process.env.THREADS_SOLVER === 'sgd';
  const { name, data: d, candidates } = await data();
  const recipe = { ...(sgd ? SPECS.ml1m.sgd : SPECS.ml1m.train), epochs: iterations };
  const rows: { threads: number; secondsPerIteration: number; speedup: number; wallPerIteration: number; wallSpeedup: number; sameFactors: boolean; ncfHr10?: number }[] = [];
  let reference: Float32Array | null = null;
  for (const threads of counts) {
    const t0 = performance.now();
    let epochSeconds = 0;
    const r = await pretrain(d, { ...recipe, threads: -threads, createAlsPool, createSgdPool, onEpoch: (e) => void (epochSeconds += e.seconds) });
    const wall = (performance.now() - t0) / 1000 / iterations;
    const s = epochSeconds / iterations;
    reference ??= r.params.itemEmb.slice();
    const same = r.params.itemEmb.every((v, k) => v === reference![k]);
    const first = rows[0];
    const ncfHr10 = sgd && candidates ? evaluateCandidates(createParamsScorer(r.params), candidates, { ks: [10] }).metrics['HR@10'] : undefined;
    rows.push({ threads, secondsPerIteration: s, speedup: first ? first.secondsPerIteration / s : 1, wallPerIteration: wall, wallSpeedup: first ? first.wallPerIteration / wall : 1, sameFactors: same, ncfHr10 });
    const row = rows[rows.length - 1];
    console.log(`${threads} thread(s): ${s.toFixed(2)} s/iteration (${row.speedup.toFixed(2)}x), with setup ${wall.toFixed(2)} s (${row.wallSpeedup.toFixed(2)}x), ${sgd ? `NCF HR@10 ${ncfHr10?.toFixed(4) ?? '—'}` : `same factors: ${same}`}`);
  }
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const meta = { generatedAt: new Date().toISOString(), data: name, pairs: d.users.length, recipe, cores: availableParallelism(), node: process.version };
  const file = sgd ? 'sgd_threads' : 'als_threads';
  writeFileSync(join(dir, `${file}.json`), JSON.stringify({ ...meta, solver: sgd ? 'sgd' : 'als', rows }, null, 2));
  const last = sgd ? 'NCF HR@10 (test)' : 'same factors';
  const md = [
    `# ${sgd ? 'Sampled-loss trainer' : 'ALS'} threads (${name}, ${d.users.length.toLocaleString('en')} ${sgd ? 'events' : 'pairs'}, dim ${recipe.dim}, ${iterations} ${sgd ? 'epochs' : 'iterations'}; ${meta.cores} cores reported)`,
    '',
    `| threads | s / iteration | speed-up | wall s / iteration, setup included | speed-up | ${last} |`,
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.threads} | ${r.secondsPerIteration.toFixed(2)} | ${r.speedup.toFixed(2)}x | ${r.wallPerIteration.toFixed(2)} | ${r.wallSpeedup.toFixed(2)}x | ${sgd ? (r.ncfHr10?.toFixed(4) ?? '—') : r.sameFactors} |`),
  ];
  writeFileSync(join(dir, `${file}.md`), md.join('\n') + '\n');
  console.log(md.join('\n'));
}

await main();
