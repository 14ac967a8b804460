/**
 * `npm run bench -- --auto`: what `backend: 'auto'` picks against every backend, side by side in one Worker
 * (or one Node process), per catalogue size. For each size: the worker's own short measurement
 * (`withoutSoftwareGpus` + `chooseAutoBackend` + `recommendTimer`, exactly what runs on a shopper's device, no
 * cache), then a longer
 * reference timing of the recommend path (scan + top-10 with an exclusion mask; 1.5 s and up to 60 samples per
 * candidate instead of 60 ms and 15) on every candidate; the ratio
 * is auto's choice over the fastest reference. Target: <= 1.2 on every size.
 */
import { createPlainScanner } from '../../src/engine/plain_scanner.ts';
import { chooseBackend, createCatalogueScanner } from '../../src/kernels/index.ts';
import type { CatalogueScanner } from '../../src/kernels/types.ts';
import { queryVector } from '../../src/model/cf_model.ts';
import { createRng } from '../../src/model/rng.ts';
import { deviceFingerprint, medianScanMs, recommendTimer, scanCandidates, withoutSoftwareGpus, type ScanTable } from '../../src/worker/backend_measure.ts';
import { chooseAutoBackend, type ScanCandidate } from '../../src/worker/backend_timing.ts';

export interface AutoSizeResult {
  numItems: number;
  /** The candidate auto chose, and its own short measurement (ms per candidate) with the wall time it took. */
  choice: ScanCandidate;
  autoMs: Partial<Record<ScanCandidate, number>>;
  autoFailed: { backend: string; reason: string }[];
  /** Candidates auto did not time (a GPU backend on an emulated GPU), with the reason. */
  autoSkipped: { backend: string; reason: string }[];
  measureWallMs: number;
  /** Reference: steady-state median ms of one recommend per candidate (longer runs). */
  referenceMs: Partial<Record<ScanCandidate, number>>;
  referenceErrors: Partial<Record<ScanCandidate, string>>;
  fastest: ScanCandidate;
  /** referenceMs[choice] / referenceMs[fastest]. */
  ratio: number;
}

export interface AutoBenchResult {
  env: string;
  candidates: ScanCandidate[];
  sizes: AutoSizeResult[];
}

function table(numItems: number, dim = 64, seed = 11): ScanTable {
  const rng = createRng(seed);
  const g = (n: number, s: number): Float32Array => Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * s);
  return { itemEmb: g(numItems * dim, 0.3), itemBias: g(numItems, 0.5), dim, w: g(dim, 1), priorUser: g(dim, 0.3) };
}

async function reference(t: ScanTable, c: ScanCandidate, budgetMs: number): Promise<number> {
  let scanner: CatalogueScanner | null = null;
  try {
    if (c !== 'plain') await chooseBackend([c]);
    scanner = c === 'plain' ? createPlainScanner(t.itemEmb, t.itemBias, t.dim) : createCatalogueScanner(t.itemEmb, t.itemBias, t.dim);
    return await medianScanMs(scanner, queryVector(t.w, t.priorUser), budgetMs, 60);
  } finally {
    scanner?.dispose();
  }
}

async function benchSize(env: string, numItems: number, candidates: ScanCandidate[], budgetMs: number): Promise<AutoSizeResult> {
  const t = table(numItems);
  const t0 = performance.now();
  // what the worker times: its candidates less the GPU backends on an emulated GPU (the reference still times all)
  const offered = withoutSoftwareGpus(candidates, await deviceFingerprint());
  const auto = await chooseAutoBackend({ ...offered, device: env, modelVersion: `bench-${numItems}`, numItems, time: recommendTimer(t) });
  const measureWallMs = performance.now() - t0;
  const referenceMs: AutoSizeResult['referenceMs'] = {};
  const referenceErrors: AutoSizeResult['referenceErrors'] = {};
  for (const c of candidates) {
    try {
      referenceMs[c] = await reference(t, c, budgetMs);
    } catch (e) {
      referenceErrors[c] = String(e instanceof Error ? e.message : e).slice(0, 200);
    }
  }
  const timed = Object.entries(referenceMs) as [ScanCandidate, number][];
  const [fastest, best] = timed.reduce((a, b) => (b[1] < a[1] ? b : a));
  const mine = referenceMs[auto.choice] ?? Number.NaN;
  return { numItems, choice: auto.choice, autoMs: auto.ms, autoFailed: auto.failed, autoSkipped: auto.skipped ?? [], measureWallMs: Math.round(measureWallMs), referenceMs, referenceErrors, fastest, ratio: Math.round((mine / best) * 1000) / 1000 };
}

/**
 * @example const r = await runAutoBench({ env: 'chromium-worker', quick: false }); r.sizes.map((s) => s.ratio); // [1, 1.04, 1]
 */
export async function runAutoBench(o: { env: string; quick?: boolean; sizes?: number[] }): Promise<AutoBenchResult> {
  const candidates = scanCandidates();
  const sizes = o.sizes ?? (o.quick ? [1000, 10_000] : [1000, 10_000, 100_000]);
  const out: AutoSizeResult[] = [];
  for (const n of sizes) out.push(await benchSize(o.env, n, candidates, o.quick ? 400 : 1500));
  return { env: o.env, candidates, sizes: out };
}
