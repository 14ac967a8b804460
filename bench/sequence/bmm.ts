/**
 * `npm run bench:sequence-bmm`: the sequence trainer's batched products on tfjs-backend-wasm, TF.js's own
 * `BatchMatMul` (a scalar loop for batched products) against bmm.wat on 128-bit SIMD (`installSimdBatchMatMul`),
 * side by side in one process, in alternating rounds:
 *   - attention's products per block in their three orientations (forward q·kᵀ and p·v; backward dO·vᵀ,
 *     pᵀ·dO, dS·k, dSᵀ·q) at a share's shape, [B·heads, L, 32] with B = 32 and heads = 2, L = 50 and 200;
 *   - one whole training share (`batchGradients`: 32 windows of 51 items, 2 blocks, 256 sampled negatives,
 *     dropout 0.2; 3,706 items as ML-1M);
 *   - the same share under the full softmax (3,706 items), its loss as TF.js ops against softmax_ce.wat's one pass
 *     (`useFusedSoftmax`), bmm.wat on for both.
 * Writes bench/results/sequence_bmm.{json,md}. BMM_ROUNDS (default 5) rounds of BMM_REPS (default 20) products.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { chooseBackend } from '../../src/kernels/index.ts';
import { createSequenceParams } from '../../src/model/sequence/encode.ts';
import { createRng } from '../../src/model/rng.ts';
import { buildBatch } from '../../src/train/sequence/batches.ts';
import { flatLayout } from '../../src/train/sequence/flat_params.ts';
import { batchGradients } from '../../src/train/sequence/gradients.ts';
import { installSimdBatchMatMul, uninstallSimdBatchMatMul } from '../../src/train/sequence/simd/batch_matmul.ts';
import { useFusedSoftmax } from '../../src/train/sequence/simd/softmax_ce.ts';
import { createSequenceVariables } from '../../src/train/sequence/tf_forward.ts';
import { installZeroCopyIdentity } from '../../src/train/sequence/wasm_identity.ts';

const ROUNDS = Number(process.env.BMM_ROUNDS ?? 5);
const REPS = Number(process.env.BMM_REPS ?? 20);
const OUT = 'bench/results/';

await chooseBackend(['wasm']);
installZeroCopyIdentity();
const rng = createRng(7);
const randn = (shape: number[]): tf.Tensor3D => tf.tensor3d(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape as [number, number, number]);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(fn: () => tf.Tensor | void, reps: number): number {
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) {
    const y = fn();
    if (y) {
      y.dataSync();
      y.dispose();
    }
  }
  return (performance.now() - t0) / reps;
}

interface ProductRow {
  L: number;
  product: string;
  tfjsMs: number;
  simdMs: number;
  tfjsGflops: number;
  simdGflops: number;
  speedup: number;
}

const rows: ProductRow[] = [];
for (const L of [50, 200]) {
  const n = 64;
  const hs = 32;
  const q = randn([n, L, hs]);
  const k = randn([n, L, hs]);
  const p = randn([n, L, L]);
  const products: [string, () => tf.Tensor, number][] = [
    ['A·Bᵀ (q·kᵀ, dO·vᵀ)', () => tf.matMul(q, k, false, true), 2 * n * L * L * hs],
    ['A·B (p·v, dS·k)', () => tf.matMul(p, k), 2 * n * L * L * hs],
    ['Aᵀ·B (pᵀ·dO, dSᵀ·q)', () => tf.matMul(p, k, true, false), 2 * n * L * L * hs],
  ];
  for (const [name, fn, flops] of products) {
    const reps = L === 200 ? Math.max(2, REPS >> 3) : REPS;
    const t: number[] = [];
    const s: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      uninstallSimdBatchMatMul();
      time(fn, 1);
      t.push(time(fn, reps));
      installSimdBatchMatMul();
      time(fn, 1);
      s.push(time(fn, reps));
    }
    const tm = median(t);
    const sm = median(s);
    rows.push({ L, product: name, tfjsMs: tm, simdMs: sm, tfjsGflops: flops / tm / 1e6, simdGflops: flops / sm / 1e6, speedup: tm / sm });
    console.log(`L ${L} ${name.padEnd(20)} TF.js ${tm.toFixed(2)} ms (${(flops / tm / 1e6).toFixed(1)} GFLOP/s)  SIMD ${sm.toFixed(2)} ms (${(flops / sm / 1e6).toFixed(1)} GFLOP/s)  ${(tm / sm).toFixed(2)}x`);
  }
  tf.dispose([q, k, p]);
}

// one training share, as the trainer runs it
const config = { numItems: 3706, dim: 64, maxLen: 50, blocks: 2, heads: 2, ffnDim: 128 };
const params = createSequenceParams(config, 1, 'fanIn');
const layout = flatLayout(config);
const vars = createSequenceVariables(params);
const windows = Array.from({ length: 32 }, () => Int32Array.from({ length: 51 }, () => rng.int(config.numItems)));
const batch = buildBatch(windows, config.maxLen);
const grad = new Float32Array(layout.size);
const settings = { loss: 'sampled' as const, negatives: 256, dropout: 0.2 };
let seed = 0;
const share = (): void => void batchGradients(vars, config, layout, settings, { batch, dropoutSeed: seed, negativeSeed: seed++ }, grad);
const shareT: number[] = [];
const shareS: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  uninstallSimdBatchMatMul();
  time(share, 2);
  shareT.push(time(share, 8));
  installSimdBatchMatMul();
  time(share, 2);
  shareS.push(time(share, 8));
}
const share0 = median(shareT);
const share1 = median(shareS);
console.log(`training share (32 x 51, sampled 256): TF.js ${share0.toFixed(1)} ms, SIMD ${share1.toFixed(1)} ms, ${(share0 / share1).toFixed(2)}x`);

// the full softmax's share: its loss as TF.js ops, then softmax_ce.wat
const fullSettings = { loss: 'full' as const, negatives: 0, dropout: 0.2 };
const fullShare = (): void => void batchGradients(vars, config, layout, fullSettings, { batch, dropoutSeed: seed, negativeSeed: seed++ }, grad);
installSimdBatchMatMul();
const fullT: number[] = [];
const fullS: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  useFusedSoftmax(false);
  time(fullShare, 2);
  fullT.push(time(fullShare, 8));
  useFusedSoftmax(true);
  time(fullShare, 2);
  fullS.push(time(fullShare, 8));
}
const full0 = median(fullT);
const full1 = median(fullS);
console.log(`training share (32 x 51, full softmax 3,706): TF.js ops ${full0.toFixed(1)} ms, one pass ${full1.toFixed(1)} ms, ${(full0 / full1).toFixed(2)}x`);

mkdirSync(OUT, { recursive: true });
const result = { when: new Date().toISOString(), rounds: ROUNDS, reps: REPS, products: rows, share: { tfjsMs: share0, simdMs: share1, speedup: share0 / share1, rounds: { tfjs: shareT, simd: shareS } },
  fullSoftmaxShare: { tfjsOpsMs: full0, onePassMs: full1, speedup: full0 / full1, rounds: { tfjsOps: fullT, onePass: fullS } } };
writeFileSync(`${OUT}sequence_bmm.json`, JSON.stringify(result, null, 2));
const md = [
  '# Batched products on tfjs-backend-wasm: TF.js BatchMatMul vs bmm.wat (SIMD)',
  '',
  `Medians of ${ROUNDS} alternating rounds, one process, one thread. Shapes [64, L, 32] (a share of 32 windows, 2 heads).`,
  '',
  '| L | product | TF.js ms | SIMD ms | TF.js GFLOP/s | SIMD GFLOP/s | speed-up |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.L} | ${r.product} | ${r.tfjsMs.toFixed(2)} | ${r.simdMs.toFixed(2)} | ${r.tfjsGflops.toFixed(1)} | ${r.simdGflops.toFixed(1)} | ${r.speedup.toFixed(2)}x |`),
  '',
  `One training share (batchGradients, 32 windows of 51, 2 blocks, 256 sampled negatives, dropout 0.2): TF.js ${share0.toFixed(1)} ms, SIMD ${share1.toFixed(1)} ms (${(share0 / share1).toFixed(2)}x).`,
  '',
  `The same share under the full softmax (3,706 items), bmm.wat on: its loss as TF.js ops ${full0.toFixed(1)} ms, softmax_ce.wat's one pass ${full1.toFixed(1)} ms (${(full0 / full1).toFixed(2)}x).`,
  '',
];
writeFileSync(`${OUT}sequence_bmm.md`, md.join('\n'));
