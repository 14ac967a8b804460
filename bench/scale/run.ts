/**
 * `npm run bench:scale`: generated logs of 1M and 10M events (SCALE_SIZES=1000000,10000000; SCALE_50M=1 adds
 * 50M) with power-law popularity and sessions (scale_log.ts), written as CSV, then per size in a fresh process:
 * the CLI's streaming read into (user, item) pairs (loadPairs: no per-event arrays), the second read that
 * counts the trending and "bought together" lists (src/train/placements_stream.ts), as `pretrain --stream`
 * does them, and ALS with the shipped ML-1M recipe for SCALE_ITERATIONS (2) iterations on every core. Reports wall time,
 * peak memory (max RSS of that process), events/s, and bytes per event and per distinct pair.
 * Writes bench/results/scale.{json,md}.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAlsPool } from '../../src/cli/als_pool.ts';
import { loadPairs } from '../../src/cli/pair_log.ts';
import { pretrainPairs } from '../../src/train/pretrain.ts';
import { recencyOf } from '../../src/train/recency.ts';
import { createPlacementStream } from '../../src/train/placements_stream.ts';
import { SPECS } from '../lib/specs.ts';
import { generateLog } from './log.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function writeCsv(path: string, events: number): Promise<void> {
  const g = generateLog({ events, seed: 1 });
  const out = createWriteStream(path);
  const write = (s: string): Promise<void> => new Promise((ok) => (out.write(s) ? ok() : out.once('drain', ok)));
  await write('user_id,item_id,timestamp\n');
  for (let n = 0; n < events; n += 10_000) {
    let chunk = '';
    for (let k = n; k < Math.min(events, n + 10_000); k++) chunk += `u${g.users[k]},i${g.items[k]},${g.timestamps[k]}\n`;
    await write(chunk);
  }
  await new Promise((ok) => out.end(ok));
}

/** One size, in this (fresh) process: read, then train. */
async function measureOne(path: string, events: number): Promise<Record<string, number>> {
  const iterations = Number(process.env.SCALE_ITERATIONS ?? 2);
  const recipe = SPECS.ml1m.train;
  const threads = availableParallelism();
  const t0 = performance.now();
  const placements = createPlacementStream();
  const log = await loadPairs({ data: path, format: 'csv' }, recencyOf(recipe), { shared: threads > 1, onRow: placements.observe });
  const readSeconds = (performance.now() - t0) / 1000;
  const rssAfterRead = process.memoryUsage().rss;
  const tp = performance.now();
  placements.start(log.userIds.length, log.itemIds.length);
  await log.replay(placements.add);
  const lists = placements.finish();
  const placementSeconds = (performance.now() - tp) / 1000;
  const t1 = performance.now();
  await pretrainPairs(log.rows, { itemIds: log.itemIds, numUsers: log.userIds.length }, { ...recipe, epochs: iterations, threads, createAlsPool });
  const trainSeconds = (performance.now() - t1) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024;
  return {
    events, pairs: log.pairs, users: log.userIds.length, items: log.itemIds.length, readSeconds, readEventsPerSecond: events / readSeconds,
    placementSeconds, placementItemsOverCapacity: lists.inexactItems,
    trainSecondsPerIteration: trainSeconds / iterations, trainEventsPerSecond: (events * iterations) / trainSeconds,
    rssAfterReadMB: rssAfterRead / 2 ** 20, peakRssMB: peak / 2 ** 20, bytesPerEvent: peak / events, bytesPerPair: peak / log.pairs, threads,
  };
}

async function main(): Promise<void> {
  const one = process.argv.indexOf('--one');
  if (one > 0) {
    console.log(JSON.stringify(await measureOne(process.argv[one + 1], Number(process.argv[one + 2]))));
    return;
  }
  const sizes = (process.env.SCALE_SIZES ?? '1000000,10000000').split(',').map(Number);
  if (process.env.SCALE_50M === '1') sizes.push(50_000_000);
  const dir = join(tmpdir(), 'tastebud-scale');
  mkdirSync(dir, { recursive: true });
  const rows: Record<string, number>[] = [];
  for (const events of sizes) {
    const path = join(dir, `log-${events}.csv`);
    if (!existsSync(path)) await writeCsv(path, events);
    const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--one', path, String(events)], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
    const r = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
    rows.push(r);
    console.log(JSON.stringify(r));
    writeResults(rows); // after each size: a long 50M run keeps what finished
    if (process.env.SCALE_KEEP !== '1') rmSync(path);
  }
}

function writeResults(rows: Record<string, number>[]): void {
  const results = join(ROOT, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'scale.json'), JSON.stringify({ generatedAt: new Date().toISOString(), recipe: SPECS.ml1m.train, rows }, null, 2));
  const f = (n: number, d = 0): string => n.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });
  const md = [
    `# Scaling (generated logs, ALS dim ${SPECS.ml1m.train.dim}, ${rows[0]?.threads} threads)`, '',
    '| events | distinct pairs | users | items | read s | read events/s | placements s (second read) | train s / iteration | train events/s | RSS after read MB | peak RSS MB | peak bytes / event | peak bytes / pair |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${f(r.events)} | ${f(r.pairs)} | ${f(r.users)} | ${f(r.items)} | ${f(r.readSeconds, 1)} | ${f(r.readEventsPerSecond)} | ${f(r.placementSeconds, 1)} | ${f(r.trainSecondsPerIteration, 1)} | ${f(r.trainEventsPerSecond)} | ${f(r.rssAfterReadMB)} | ${f(r.peakRssMB)} | ${f(r.bytesPerEvent, 1)} | ${f(r.bytesPerPair, 1)} |`),
  ];
  writeFileSync(join(results, 'scale.md'), md.join('\n') + '\n');
  console.log(md.join('\n'));
}

await main();
