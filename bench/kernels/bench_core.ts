/**
 * The kernel bench, runnable in Node and in a browser Worker: per-click update, batch throughput and catalogue
 * scan + top-10 on the active backend, for the plain-TypeScript reference, the backend's own kernels, the
 * generic gather + scatter path and the naive TF.js path — all in the same process so ratios are fair.
 */
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend, createCatalogueScanner, createSparseTrainer, defaultTrainerKind } from '../../src/kernels/index.ts';
import type { BackendName, TrainerKind } from '../../src/kernels/index.ts';
import { createParams, queryVector } from '../../src/model/cf_model.ts';
import type { CfParams } from '../../src/model/cf_model.ts';
import { createRng } from '../../src/model/rng.ts';
import { DEFAULT_STEP } from '../../src/model/sparse_step.ts';
import type { TrainBatch } from '../../src/model/sparse_step.ts';
import { scanTopK } from '../../src/model/top_k.ts';
import { createNaiveTrainer, naiveTopK } from '../lib/naive.ts';
import { timeIt } from '../lib/timing.ts';
import type { Timing } from '../lib/timing.ts';

export type BenchCase = 'click' | 'batch1024' | 'scan10k' | 'scan100k';

export interface BenchRow extends Partial<Timing> {
  backend: string;
  case: BenchCase;
  /** 'plain', 'naive', or a trainer/scanner kind. */
  impl: string;
  samplesPerSec?: number;
  error?: string;
}

export interface BenchResult {
  backend: string;
  details: Record<string, unknown>;
  rows: BenchRow[];
}

const SHAPE = { numUsers: 6000, numItems: 3700, dim: 64 };
const STEPS_PER_CLICK = 3;
/** Clicks per timed call: Worker clocks tick in 0.1 ms, a plain-TS click takes less. */
const CLICKS_PER_CALL = 10;

function clicks(p: CfParams, n: number): TrainBatch[] {
  const rng = createRng(42);
  return Array.from({ length: n }, () => {
    const user = rng.int(p.numUsers);
    const items = new Set<number>();
    while (items.size < 9) items.add(rng.int(p.numItems));
    const labels = new Float32Array(9);
    labels[0] = 1;
    return { users: new Int32Array(9).fill(user), items: Int32Array.from(items), labels };
  });
}

function batches(p: CfParams, size: number, n: number): TrainBatch[] {
  const rng = createRng(7);
  return Array.from({ length: n }, () => ({
    users: Int32Array.from({ length: size }, () => rng.int(p.numUsers)),
    items: Int32Array.from({ length: size }, () => rng.int(p.numItems)),
    labels: Float32Array.from({ length: size }, () => (rng.next() < 0.5 ? 1 : 0)),
  }));
}

type Stepper = { step(b: TrainBatch): Promise<number>; dispose(): void };

async function makeStepper(impl: string, p: CfParams): Promise<Stepper> {
  if (impl === 'naive') return createNaiveTrainer(p);
  return createSparseTrainer(p, DEFAULT_STEP, { kind: impl as TrainerKind });
}

const perRep = (t: Timing, reps: number): Timing => ({ firstMs: t.firstMs, medianMs: Math.round((t.medianMs / reps) * 1e4) / 1e4, n: t.n * reps });

async function benchTraining(backend: string, impls: string[], p: CfParams, budgetMs: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const cl = clicks(p, 64);
  const bs = batches(p, 1024, 4);
  // Warm the shared sparse-step code up first so the JIT does not favour whichever path runs later.
  const warm = await createSparseTrainer(p, DEFAULT_STEP, { kind: 'plain' });
  for (const t0 = performance.now(); performance.now() - t0 < Math.min(budgetMs, 1000); ) await warm.step(bs[0]);
  warm.dispose();
  for (const impl of impls) {
    const budget = impl === 'naive' ? budgetMs / 2 : budgetMs;
    for (const c of ['click', 'batch1024'] as const) {
      const prev = rows.find((r) => r.impl === impl && r.case === 'click');
      if (c === 'batch1024' && impl !== 'plain' && prev && (prev.error || prev.n === 0 || prev.medianMs! > budget)) {
        rows.push({ backend, case: c, impl, error: `skipped: one click (${prev.medianMs ?? '?'} ms) was already over the time budget` });
        continue;
      }
      let s: Stepper | null = null;
      try {
        s = await makeStepper(impl, p);
        const st = s;
        const reps = c === 'click' && (impl === 'plain' || impl === 'js-kernel') ? CLICKS_PER_CALL : 1;
        const t =
          c === 'click'
            ? perRep(await timeIt(async (k) => {
                for (let q = 0; q < reps; q++) for (let r = 0; r < STEPS_PER_CLICK; r++) await st.step(cl[(k * reps + q) % cl.length]);
              }, { budgetMs: budget, maxN: 100 }), reps)
            : await timeIt((k) => st.step(bs[k % bs.length]), { budgetMs: budget, maxN: 40 });
        rows.push({ backend, case: c, impl, ...t, ...(c === 'batch1024' ? { samplesPerSec: Math.round(1024 / (t.medianMs / 1000)) } : {}) });
      } catch (e) {
        rows.push({ backend, case: c, impl, error: String(e instanceof Error ? e.message : e).slice(0, 200) });
      } finally {
        s?.dispose();
      }
    }
  }
  return rows;
}

async function benchScan(backend: string, numItems: number, budgetMs: number): Promise<BenchRow[]> {
  const c: BenchCase = numItems >= 100_000 ? 'scan100k' : 'scan10k';
  const p = createParams({ numUsers: 8, numItems, dim: 64, seed: 31 });
  const zs = Array.from({ length: 8 }, (_, u) => queryVector(p.w, p.userEmb.subarray(u * 64, (u + 1) * 64)));
  const exclude = new Uint8Array(numItems);
  for (let i = 0; i < numItems; i += 97) exclude[i] = 1;
  const rows: BenchRow[] = [];
  const plain = await timeIt(async (k) => scanTopK(p.itemEmb, p.itemBias, zs[k % 8], 10, exclude), { budgetMs });
  rows.push({ backend, case: c, impl: 'plain', ...plain });
  const scanner = createCatalogueScanner(p.itemEmb, p.itemBias, 64);
  rows.push({ backend, case: c, impl: `scanner:${scanner.kind}`, ...(await timeIt((k) => scanner.topK(zs[k % 8], 10, exclude), { budgetMs })) });
  scanner.dispose();
  const V = tf.tensor2d(p.itemEmb, [numItems, 64]);
  const b = tf.tensor1d(p.itemBias);
  try {
    rows.push({ backend, case: c, impl: 'naive', ...(await timeIt((k) => naiveTopK(V, b, zs[k % 8], 10), { budgetMs })) });
  } catch (e) {
    rows.push({ backend, case: c, impl: 'naive', error: String(e).slice(0, 200) });
  }
  tf.dispose([V, b]);
  return rows;
}

/**
 * Runs every case on one backend (chosen here).
 *
 * @example
 * const r = await runKernelBench({ backend: 'wasm' });
 * r.rows.find((x) => x.case === 'click' && x.impl === 'js-kernel')?.medianMs;
 */
export async function runKernelBench(opts: { backend: BackendName; quick?: boolean }): Promise<BenchResult> {
  const choice = await chooseBackend([opts.backend]);
  const budgetMs = opts.quick ? 300 : 2500;
  const own = defaultTrainerKind(opts.backend);
  const impls = [...new Set(['plain', own, 'gather-scatter', 'naive'])];
  const p = createParams({ ...SHAPE, seed: 21 });
  const rows = await benchTraining(opts.backend, impls, p, budgetMs);
  for (const n of opts.quick ? [10_000] : [10_000, 100_000]) rows.push(...(await benchScan(opts.backend, n, budgetMs)));
  return { backend: tf.getBackend(), details: choice.details, rows };
}
