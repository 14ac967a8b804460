/**
 * `npm run bench:integrity`: what the SHA-256 checks of issue 15 cost next to the decode they guard, on a
 * shop-sized model (100k items × dim 64, float32 and uint8), measured side by side in one process: seal (write
 * side), the unchecked decode (decodeArtefact, the load before issue 15), the checked load (loadArtefact: one
 * validation, the hashes, the decode) and the check of the cached concatenation alone (start from IndexedDB).
 * Node's Web Crypto here; browsers use their own native SHA-256 (same API). Writes bench/results/integrity.{json,md}.
 *
 *   npm run bench:integrity -- [--items=100000] [--dim=64] [--reps=5]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { decodeArtefact, encodeArtefact, loadArtefact, sealArtefact, verifyArtefact } from '../../src/artefact/index.ts';
import type { WeightDtype } from '../../src/artefact/index.ts';
import { createTinyModel } from '../../harness/engine_model.ts';

const arg = (name: string, def: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def);
const items = arg('items', 100_000);
const dim = arg('dim', 64);
const reps = arg('reps', 5);

const mid = (t: number[]): number => t.slice().sort((a, b) => a - b)[Math.floor(t.length / 2)];

/** Medians of `fs` timed in turn within each repetition, so a noisy neighbour hits all of them alike. */
async function interleaved(...fs: (() => unknown)[]): Promise<number[]> {
  const t: number[][] = fs.map(() => []);
  for (let k = 0; k < reps; k++) {
    for (const [j, f] of fs.entries()) {
      const t0 = performance.now();
      await f();
      t[j].push(performance.now() - t0);
    }
  }
  return t.map(mid);
}

const rows = [];
const model = createTinyModel({ numItems: items, dim });
for (const dtype of ['float32', 'uint8'] as WeightDtype[]) {
  const enc = encodeArtefact(model, { dtype });
  const sealed = await sealArtefact(enc);
  const json = JSON.parse(JSON.stringify(sealed.modelJson));
  const shards = sealed.shards.map((s) => s.data);
  const [sealMs, decodeMs, loadMs, cachedMs] = await interleaved(
    () => sealArtefact(enc),
    () => decodeArtefact(json, shards),
    () => loadArtefact(json, shards),
    () => verifyArtefact(json, sealed.weights),
  );
  const row = {
    dtype,
    weightMiB: +(enc.weights.byteLength / 1048576).toFixed(1),
    shards: shards.length,
    sealMs: +sealMs.toFixed(1),
    decodeMs: +decodeMs.toFixed(1),
    loadCheckedMs: +loadMs.toFixed(1),
    verifyCachedMs: +cachedMs.toFixed(1),
  };
  rows.push({ ...row, checkedOverUnchecked: +(row.loadCheckedMs / row.decodeMs).toFixed(2) });
}
const meta = { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, items, dim, reps };
const md = [
  `# Integrity checks (SHA-256) vs decode — ${items} items × dim ${dim}, median of ${reps}, ${meta.node} on ${meta.cpu}`,
  '',
  '| storage | weights MiB | shards | seal ms | decode, unchecked ms | load, checked ms | checked / unchecked | verify cached copy ms |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.dtype} | ${r.weightMiB} | ${r.shards} | ${r.sealMs} | ${r.decodeMs} | ${r.loadCheckedMs} | ${r.checkedOverUnchecked} | ${r.verifyCachedMs} |`),
].join('\n');
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/integrity.json', JSON.stringify({ meta, rows }, null, 1));
writeFileSync('bench/results/integrity.md', md + '\n');
console.log(md);
