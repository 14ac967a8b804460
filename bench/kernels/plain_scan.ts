/**
 * `npm run bench:plain-scan`: the plain-TypeScript scan (`scanTopK`, the engine's default scanner and the
 * evaluation's `scanScores`) against its previous form, one running sum per row, side by side in one process:
 * rounds alternate between the two, median ms per top-10 query over 10k and 100k random 64-dim rows, and whether
 * both give the same top-10. Writes bench/results/plain_scan.{json,md}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createTopKHeap, scanTopK, type TopK } from '../../src/model/top_k.ts';
import { createRng } from '../../src/model/rng.ts';

/** The scan as it was: one running sum per row. */
function oneSum(itemEmb: Float32Array, itemBias: Float32Array, z: Float32Array, k: number): TopK {
  const d = z.length;
  const n = itemBias.length;
  const heap = createTopKHeap(Math.min(k, n));
  for (let i = 0, o = 0; i < n; i++, o += d) {
    let s = itemBias[i];
    for (let j = 0; j < d; j++) s += itemEmb[o + j] * z[j];
    heap.push(s, i);
  }
  return heap.result();
}

const median = (x: number[]): number => [...x].sort((a, b) => a - b)[x.length >> 1];
const rng = createRng(5);
const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.next() - 0.5);

const rows: { items: number; beforeMs: number; afterMs: number; speedup: number; sameTop10: boolean }[] = [];
for (const n of [10_000, 100_000]) {
  const d = 64;
  const emb = rand(n * d);
  const bias = rand(n);
  const zs = Array.from({ length: 8 }, () => rand(d));
  const reps = Math.max(20, Math.round(4e6 / n));
  const time = (f: (z: Float32Array) => unknown): number => {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) f(zs[r % zs.length]);
    return (performance.now() - t0) / reps;
  };
  const before: number[] = [];
  const after: number[] = [];
  for (let round = 0; round < 7; round++) {
    before.push(time((z) => oneSum(emb, bias, z, 10)));
    after.push(time((z) => scanTopK(emb, bias, z, 10)));
  }
  const sameTop10 = zs.every((z) => oneSum(emb, bias, z, 10).indices.join() === scanTopK(emb, bias, z, 10).indices.join());
  rows.push({ items: n, beforeMs: median(before), afterMs: median(after), speedup: median(before) / median(after), sameTop10 });
}

const md = [
  '# Plain-TypeScript scan: four running sums against one',
  '',
  `Node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' / ')}; median of 7 alternating rounds, ms per top-10 query (dim 64).`,
  '',
  '| items | one sum (before) | four sums (now) | speed-up | same top-10 |',
  '|---:|---:|---:|---:|---|',
  ...rows.map((r) => `| ${r.items.toLocaleString('en')} | ${r.beforeMs.toFixed(3)} | ${r.afterMs.toFixed(3)} | ${r.speedup.toFixed(2)}x | ${r.sameTop10 ? 'yes' : 'no'} |`),
  '',
].join('\n');
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/plain_scan.json', JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2));
writeFileSync('bench/results/plain_scan.md', md);
console.log(md);
