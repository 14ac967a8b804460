/**
 * `npm run bench:sequence-batches [ml1m|beauty]`: how the sequence trainer packs an epoch's windows into batches,
 * today's order by exact length against the earlier buckets of 8 lengths (`epochBatches(…, bucket)`), side by side
 * in one process on the same windows (one epoch of the default `prefix` windows, and of `crop`):
 *   - padding: cells (rows × width) per target position, batches per epoch, targets per batch;
 *   - speed: the trainer's own step on one thread of TF.js wasm (`batchGradients` then `adamStep`, the dataset's
 *     bench recipe: ML-1M the full softmax, Beauty 256 sampled negatives and dropout 0.4), over the same
 *     BATCH_TARGETS (default 40,000) target positions of each packing, in alternating rounds (BATCH_ROUNDS, default 3);
 *     target positions per second, median of the rounds.
 * Writes bench/results/sequence_batches.{json,md}. Skips a dataset loudly when its folder is absent.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '@tensorflow/tfjs'; // registers the gradients
import { chooseBackend } from '../../src/kernels/index.ts';
import { createSequenceParams } from '../../src/model/sequence/encode.ts';
import { createRng } from '../../src/model/rng.ts';
import { adamStep, createAdam } from '../../src/train/sequence/adam.ts';
import { cropWindows, epochBatches } from '../../src/train/sequence/batches.ts';
import type { SequenceBatch } from '../../src/train/sequence/batches.ts';
import { DEFAULT_SEQUENCE_TRAIN_OPTIONS } from '../../src/train/sequence/defaults.ts';
import { flatLayout, flattenParams, unflattenParams } from '../../src/train/sequence/flat_params.ts';
import type { FlatLayout } from '../../src/train/sequence/flat_params.ts';
import type { SequenceConfig } from '../../src/model/sequence/types.ts';
import { batchGradients, loadVariables } from '../../src/train/sequence/gradients.ts';
import type { GradientSettings } from '../../src/train/sequence/gradients.ts';
import { installSimdBatchMatMul } from '../../src/train/sequence/simd/batch_matmul.ts';
import { createSequenceVariables } from '../../src/train/sequence/tf_forward.ts';
import { installZeroCopyIdentity } from '../../src/train/sequence/wasm_identity.ts';
import { DATA } from '../lib/specs.ts';
import { loadBeauty, loadMl1m } from './data.ts';

const TARGETS = Number(process.env.BATCH_TARGETS ?? 40_000);
const ROUNDS = Number(process.env.BATCH_ROUNDS ?? 3);
const OUT = 'bench/results/';
const PACKINGS = [{ name: 'buckets of 8 (before)', bucket: 8 }, { name: 'exact length (now)', bucket: 1 }] as const;

const DATASETS = {
  ml1m: { folder: 'ml-1m-implicit-afcfm', load: loadMl1m, settings: { loss: 'full', negatives: 256, dropout: 0.2 } as GradientSettings },
  beauty: { folder: 'amazon-s3rec', load: loadBeauty, settings: { loss: 'sampled', negatives: 256, dropout: 0.4 } as GradientSettings },
};

interface Row {
  dataset: string;
  windows: string;
  packing: string;
  batches: number;
  targetsPerBatch: number;
  cellsPerTarget: number;
  targetsPerSecond?: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await chooseBackend(['wasm']);
installZeroCopyIdentity();
installSimdBatchMatMul();
const o = DEFAULT_SEQUENCE_TRAIN_OPTIONS;
const rows: Row[] = [];
const speedups: Record<string, number> = {};
for (const key of process.argv[2] ? [process.argv[2] as keyof typeof DATASETS] : (Object.keys(DATASETS) as (keyof typeof DATASETS)[])) {
  const d = DATASETS[key];
  if (!d) throw new Error(`unknown dataset '${key}' (ml1m or beauty)`);
  if (!existsSync(join(DATA, d.folder))) {
    console.warn(`SKIPPED ${key}: ${join(DATA, d.folder)} not found (set TASTEBUD_DATA to the shared data folder)`);
    continue;
  }
  const split = await d.load(DATA);
  const config = { numItems: split.numItems, dim: o.dim, maxLen: o.maxLen, blocks: o.blocks, heads: o.heads, ffnDim: o.ffnDim };
  const layout = flatLayout(config);
  const start = flattenParams(createSequenceParams(config, 1), layout);
  for (const windows of ['prefix', 'crop'] as const) {
    const epoch = cropWindows(split.fit, o.maxLen, createRng(5), o.cropNewest, windows === 'prefix');
    const packed = PACKINGS.map((p) => epochBatches(epoch, o.batchSize * o.maxLen, createRng(6), p.bucket));
    const timed = windows === 'prefix'; // the default; crop's padding is reported, not timed
    const times: number[][] = PACKINGS.map(() => []);
    for (let round = 0; timed && round < ROUNDS; round++) {
      PACKINGS.forEach((_, k) => times[k].push(stepTargetsPerSecond(packed[k], config, layout, start, d.settings)));
    }
    PACKINGS.forEach((p, k) => {
      const targets = packed[k].reduce((a, b) => a + b.targets.length, 0);
      const cells = packed[k].reduce((a, b) => a + b.rows * b.width, 0);
      const row: Row = {
        dataset: split.name, windows, packing: p.name, batches: packed[k].length,
        targetsPerBatch: Math.round(targets / packed[k].length), cellsPerTarget: cells / targets,
        ...(timed ? { targetsPerSecond: Math.round(median(times[k])) } : {}),
      };
      rows.push(row);
      console.log(`[${split.name}] ${windows} ${p.name}: ${row.batches} batches, ${row.targetsPerBatch} targets per batch, ${row.cellsPerTarget.toFixed(3)} cells per target${timed ? `, ${row.targetsPerSecond} targets/s (rounds ${times[k].map(Math.round).join(', ')})` : ''}`);
    });
    if (timed) speedups[split.name] = median(times[1]) / median(times[0]);
  }
}

/** The trainer's step (gradients on one thread, then Adam) over the first TARGETS target positions of `batches`. */
function stepTargetsPerSecond(batches: SequenceBatch[], config: SequenceConfig, layout: FlatLayout, start: Float32Array, settings: GradientSettings): number {
  const params = start.slice();
  const vars = createSequenceVariables(unflattenParams(params, layout, config));
  const grad = new Float32Array(layout.size);
  const adam = createAdam(layout.size, o.lr, 0.9, 0.98, 1e-8);
  let targets = 0;
  const t0 = performance.now();
  for (let b = 0; b < batches.length && targets < TARGETS; b++) {
    loadVariables(vars, layout, params);
    batchGradients(vars, config, layout, settings, { batch: batches[b], dropoutSeed: b, negativeSeed: b }, grad);
    adamStep(adam, params, grad);
    targets += batches[b].targets.length;
  }
  const seconds = (performance.now() - t0) / 1000;
  Object.values(vars).forEach((v) => v.dispose());
  return targets / seconds;
}

mkdirSync(OUT, { recursive: true });
writeFileSync(`${OUT}sequence_batches.json`, JSON.stringify({ when: new Date().toISOString(), targets: TARGETS, rounds: ROUNDS, rows, speedups }, null, 2));
const md = [
  '# Sequence trainer batches: exact-length order against buckets of 8 lengths',
  '',
  `One epoch's windows per dataset (seed 5), packed both ways into batches of ${o.batchSize * o.maxLen} cells. Speed: the trainer's step`,
  `(gradients on one wasm thread, then Adam) over the first ${TARGETS.toLocaleString('en')} target positions of each packing, medians of ${ROUNDS} alternating rounds, one process.`,
  '',
  '| dataset | windows | packing | batches / epoch | targets / batch | cells / target | targets / s |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.dataset} | ${r.windows} | ${r.packing} | ${r.batches} | ${r.targetsPerBatch} | ${r.cellsPerTarget.toFixed(3)} | ${r.targetsPerSecond ?? '—'} |`),
  '',
  ...Object.entries(speedups).map(([name, x]) => `${name}, prefix windows: exact length ${x.toFixed(2)}x the targets per second of buckets of 8.`),
  '',
];
writeFileSync(`${OUT}sequence_batches.md`, md.join('\n'));
