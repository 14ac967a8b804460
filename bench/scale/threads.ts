/**
 * `npm run bench:threads`: ALS on 1, 2 (and more, THREADS=1,2,4) worker threads side by side in one run, same
 * data, same recipe, same iterations: seconds per ALS iteration (the iterations alone, as each epoch reports
 * them) and the speed-up over one thread, and the whole pretrain call's wall time per iteration (with the serial
 * setup: pairs, CSR, recency, thread start) beside it. The factors are
 * checked to be identical across thread counts. Data: ML-1M implicit from ../shared/data, or a generated log
 * (THREADS_DATA=generated, or when the shared folder is absent). Writes bench/results/als_threads.{json,md}.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../../src/cli/datasets.ts';
import { asPretrainData } from '../../src/eval/experiment.ts';
import { createAlsPool } from '../../src/cli/als_pool.ts';
import { pretrain } from '../../src/train/pretrain.ts';
import type { PretrainData } from '../../src/train/pretrain.ts';
import { generateLog } from './log.ts';
import { SPECS } from '../lib/specs.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function data(): Promise<{ name: string; data: PretrainData }> {
  const spec = SPECS.ml1m;
  if (process.env.THREADS_DATA !== 'generated' && existsSync(spec.load.data)) {
    const d = await loadDataset(spec.load);
    return { name: 'ML-1M implicit (train part)', data: asPretrainData(d.split.train) };
  }
  const g = generateLog({ events: 1_000_000, seed: 1 });
  return { name: 'generated 1M events', data: { users: g.users, items: g.items, itemIds: g.itemIds, numUsers: g.numUsers } };
}

async function main(): Promise<void> {
  const counts = (process.env.THREADS ?? '1,2').split(',').map(Number);
  const iterations = Number(process.env.THREADS_ITERATIONS ?? 4);
  const { name, data: d } = await data();
  const recipe = { ...SPECS.ml1m.train, epochs: iterations };
  const rows: { threads: number; secondsPerIteration: number; speedup: number; wallPerIteration: number; wallSpeedup: number; sameFactors: boolean }[] = [];
  let reference: Float32Array | null = null;
  for (const threads of counts) {
    const t0 = performance.now();
    let epochSeconds = 0;
    const r = await pretrain(d, { ...recipe, threads: -threads, createAlsPool, onEpoch: (e) => void (epochSeconds += e.seconds) });
    const wall = (performance.now() - t0) / 1000 / iterations;
    const s = epochSeconds / iterations;
    reference ??= r.params.itemEmb.slice();
    const same = r.params.itemEmb.every((v, k) => v === reference![k]);
    const first = rows[0];
    rows.push({ threads, secondsPerIteration: s, speedup: first ? first.secondsPerIteration / s : 1, wallPerIteration: wall, wallSpeedup: first ? first.wallPerIteration / wall : 1, sameFactors: same });
    const row = rows[rows.length - 1];
    console.log(`${threads} thread(s): ${s.toFixed(2)} s/iteration (${row.speedup.toFixed(2)}x), with setup ${wall.toFixed(2)} s (${row.wallSpeedup.toFixed(2)}x), same factors: ${same}`);
  }
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const meta = { generatedAt: new Date().toISOString(), data: name, pairs: d.users.length, recipe, cores: availableParallelism(), node: process.version };
  writeFileSync(join(dir, 'als_threads.json'), JSON.stringify({ ...meta, rows }, null, 2));
  const md = [`# ALS threads (${name}, ${d.users.length.toLocaleString('en')} pairs, dim ${recipe.dim}, ${iterations} iterations; ${meta.cores} cores reported)`, '', '| threads | s / iteration | speed-up | wall s / iteration, setup included | speed-up | same factors |', '|---|---|---|---|---|---|', ...rows.map((r) => `| ${r.threads} | ${r.secondsPerIteration.toFixed(2)} | ${r.speedup.toFixed(2)}x | ${r.wallPerIteration.toFixed(2)} | ${r.wallSpeedup.toFixed(2)}x | ${r.sameFactors} |`)];
  writeFileSync(join(dir, 'als_threads.md'), md.join('\n') + '\n');
  console.log(md.join('\n'));
}

await main();
