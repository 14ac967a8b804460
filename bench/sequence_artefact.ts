/**
 * `npm run bench:seq-artefact -- DIR`: what storing a sequence model as float16 / uint8 costs.
 * - bytes of model.json + weights per dtype, beside the matrix-factorisation artefact of the same catalogue (the
 *   same item table, dim and popularity without the sequence tensors: what `tastebud pretrain` writes for it; the
 *   bytes do not depend on the values);
 * - quality per dtype on the adaptation bench's held-out users (DESIGN.md split): each held-out stream's first
 *   min(100, n) events, the last one ranked (full ranking, ties against) from the ones before, and the mean
 *   cosine between the uint8 / float16 and the float32 `h`.
 * DIR is a sequence artefact (e.g. bench/results/seqmodel-…, cached by `bench:adapt -- --global sasrec`).
 * Writes bench/results/sequence_artefact.{json,md}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { decodeArtefact, encodeArtefact } from '../src/artefact/index.ts';
import type { WeightDtype } from '../src/artefact/format.ts';
import type { GlobalModel } from '../src/model/global_model.ts';
import { encodeHistoriesTf } from '../src/train/sequence/index.ts';
import { startTrainingBackend } from '../src/cli/sequence_family.ts';
import { hasDataset, loadDataset } from './adapt_data.ts';
import { loadSequenceArtefact } from './adapt_sequence.ts';
import { RESULTS_DIR } from './adapt_model.ts';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--'));
if (!dir) throw new Error('usage: bench:seq-artefact -- DIR [--dataset ml-1m|beauty]');
const flag = (f: string): string | undefined => (args.includes(f) ? args[args.indexOf(f) + 1] : undefined);
const dataset = (flag('--dataset') ?? (dir.includes('beauty') ? 'beauty' : 'ml-1m')) as 'ml-1m' | 'beauty';

const bytesOf = (m: GlobalModel, dtype: WeightDtype): number => {
  const enc = encodeArtefact(m, { dtype });
  return JSON.stringify(enc.modelJson).length + enc.weights.byteLength;
};

/** The MF model of the same catalogue: what `tastebud pretrain` writes (no sequence tensors). */
function mfTwin(m: GlobalModel): GlobalModel {
  const { sequence: _s, ...mf } = m;
  return { ...mf, hyperParameters: { solver: 'als', dim: m.dim } };
}

function evaluate(m: GlobalModel, histories: Int32Array[], targets: number[]): { hr: number; ndcg: number; h: Float32Array } {
  const d = m.dim;
  const h = encodeHistoriesTf(m.sequence!, histories);
  let hr = 0;
  let ndcg = 0;
  histories.forEach((hist, u) => {
    const seen = new Set(hist);
    const score = (i: number): number => {
      let s = m.itemBias[i];
      for (let j = 0; j < d; j++) s += h[u * d + j] * m.itemEmb[i * d + j];
      return s;
    };
    const st = score(targets[u]);
    let rank = 0;
    for (let i = 0; i < m.itemIds.length; i++) if (i !== targets[u] && !seen.has(i) && !(score(i) < st)) rank++;
    if (rank < 10) {
      hr++;
      ndcg += 1 / Math.log2(rank + 2);
    }
  });
  return { hr: hr / histories.length, ndcg: ndcg / histories.length, h };
}

function meanCosine(a: Float32Array, b: Float32Array, d: number): number {
  let total = 0;
  const n = a.length / d;
  for (let u = 0; u < n; u++) {
    let ab = 0, aa = 0, bb = 0;
    for (let j = 0; j < d; j++) {
      ab += a[u * d + j] * b[u * d + j];
      aa += a[u * d + j] ** 2;
      bb += b[u * d + j] ** 2;
    }
    total += ab / Math.sqrt(aa * bb || 1);
  }
  return total / n;
}

async function main(): Promise<void> {
  await startTrainingBackend();
  const model = loadSequenceArtefact(dir!);
  const mf = mfTwin(model);
  const rows: Record<string, unknown>[] = [];
  const index = new Map(model.itemIds.map((id, i) => [id, i]));
  const histories: Int32Array[] = [];
  const targets: number[] = [];
  if (hasDataset(dataset)) {
    for (const s of loadDataset(dataset).heldOut) {
      const rowsOf = s.items.slice(0, 100).map((id) => index.get(id)).filter((r): r is number => r !== undefined);
      if (rowsOf.length < 2) continue;
      histories.push(Int32Array.from(rowsOf.slice(0, -1)));
      targets.push(rowsOf[rowsOf.length - 1]);
    }
  } else console.warn(`SKIPPING quality: ../shared/data for ${dataset} is absent; sizes only`);
  let ref: Float32Array | null = null;
  for (const dtype of ['float32', 'float16', 'uint8'] as const) {
    const enc = encodeArtefact(model, { dtype });
    const back = decodeArtefact(enc.modelJson, enc.weights);
    const row: Record<string, unknown> = { dtype, bytes: bytesOf(model, dtype), mfBytes: bytesOf(mf, dtype) };
    row.ratio = (row.bytes as number) / (row.mfBytes as number);
    if (histories.length) {
      const r = evaluate(back, histories, targets);
      ref ??= r.h;
      Object.assign(row, { 'HR@10': r.hr, 'NDCG@10': r.ndcg, cosineToFloat32: meanCosine(ref, r.h, model.dim), users: histories.length });
    }
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}sequence_artefact.json`, JSON.stringify({ artefact: dir, dataset, config: model.sequence!.config, rows }, null, 1));
  const md = [`# sequence artefact: bytes and quality per dtype (${dir})`, '', `config ${JSON.stringify(model.sequence!.config)}`, '',
    '| dtype | bytes | MF artefact bytes | ratio | HR@10 | NDCG@10 | cosine to float32 h |', '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.dtype} | ${r.bytes} | ${r.mfBytes} | ${(r.ratio as number).toFixed(2)} | ${fmt(r['HR@10'])} | ${fmt(r['NDCG@10'])} | ${fmt(r.cosineToFloat32, 5)} |`)];
  writeFileSync(`${RESULTS_DIR}sequence_artefact.md`, md.join('\n') + '\n');
}

const fmt = (x: unknown, digits = 4): string => (typeof x === 'number' ? x.toFixed(digits) : '–');

await main();
