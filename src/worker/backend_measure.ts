/**
 * The worker's side of `backend: 'auto'`: times the recommend path on one candidate with the real catalogue
 * and the real cold-start query (`w ⊙ p_0`, top-10 with an exclusion mask, as a shelf asks), and fingerprints
 * the device for the cache. The logic that compares and caches is in `backend_timing.ts`.
 */
import { createPlainScanner } from '../engine/plain_scanner.ts';
import { chooseBackend, createCatalogueScanner } from '../kernels/index.ts';
import type { CatalogueScanner } from '../kernels/types.ts';
import { queryVector } from '../model/cf_model.ts';
import type { ScanCandidate, TimeRecommend } from './backend_timing.ts';

/** Repetitions per candidate at most (after one warm-up that compiles shaders and uploads the table). */
const MAX_RUNS = 7;
const K = 10;

export interface ScanTable {
  itemEmb: Float32Array;
  itemBias: Float32Array;
  dim: number;
  w: Float32Array;
  priorUser: Float32Array;
}

/** Runs wanted before the budget may stop a candidate: the median of three shrugs off one GC pause or JIT tier-up. */
const MIN_RUNS = 3;

/**
 * Median ms of warm top-k queries on `scanner`, after warm-ups (the first compiles shaders and uploads the
 * table, the others let the JIT settle): three runs while they fit in twice the budget, more while the budget
 * lasts, at least one.
 */
export async function medianScanMs(scanner: CatalogueScanner, z: Float32Array, budgetMs: number): Promise<number> {
  const exclude = new Uint8Array(scanner.numItems);
  // Warm-ups: at least two, and for fast candidates a quarter of the budget (costs nothing on a slow GPU start,
  // and gives a sub-millisecond scan the JIT tier-ups a shelf's hundredth query would have).
  const warm = performance.now();
  for (let w = 0; w < 2 || (w < 1000 && performance.now() - warm < budgetMs / 4); w++) await scanner.topK(z, K, exclude);
  const ms: number[] = [];
  const start = performance.now();
  const more = (): boolean => {
    const next = performance.now() - start + ms[ms.length - 1];
    return ms.length < MAX_RUNS && (next <= budgetMs || (ms.length < MIN_RUNS && next <= 2 * budgetMs));
  };
  do {
    const t0 = performance.now();
    await scanner.topK(z, K, exclude);
    ms.push(performance.now() - t0);
  } while (more());
  ms.sort((a, b) => a - b);
  return ms[ms.length >> 1];
}

/**
 * A `TimeRecommend` over `table`: each TF.js candidate is activated (`chooseBackend([c])`), gets its own scanner,
 * is timed and disposed; the TF.js backend left active is the last one timed (the caller activates the winner).
 * @example
 * const time = recommendTimer({ ...rows, dim: model.dim, w: model.w, priorUser: model.priorUser });
 * await time('wasm', 60); // 0.42
 */
export function recommendTimer(table: ScanTable): TimeRecommend {
  const z = queryVector(table.w, table.priorUser);
  return async (candidate, budgetMs) => {
    let scanner: CatalogueScanner | null = null;
    try {
      if (candidate === 'plain') {
        scanner = createPlainScanner(table.itemEmb, table.itemBias, table.dim);
      } else {
        await chooseBackend([candidate]);
        scanner = createCatalogueScanner(table.itemEmb, table.itemBias, table.dim);
      }
      return await medianScanMs(scanner, z, budgetMs);
    } finally {
      scanner?.dispose();
    }
  };
}

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

/**
 * What identifies "this device" for the cache: the browser (user agent), its cores and its GPU adapter where
 * WebGPU offers one. It never leaves the device; it only tells a later load whether the measurement still holds.
 * @example await deviceFingerprint(); // 'Mozilla/5.0 (X11; Linux x86_64) … | cores 2 | gpu google/swiftshader//'
 */
export async function deviceFingerprint(): Promise<string> {
  const nav = (globalThis as { navigator?: { userAgent?: string; hardwareConcurrency?: number; gpu?: { requestAdapter(): Promise<{ info?: AdapterInfoLike } | null> } } }).navigator;
  let gpu = 'none';
  try {
    const info = (await nav?.gpu?.requestAdapter())?.info;
    if (info) gpu = [info.vendor, info.architecture, info.device, info.description].map((x) => x ?? '').join('/');
  } catch {
    gpu = 'error';
  }
  return `${nav?.userAgent ?? 'unknown'} | cores ${nav?.hardwareConcurrency ?? '?'} | gpu ${gpu}`;
}

/** Which candidates this global can try, cheapest to start first (the GPU backends compile shaders). */
export function scanCandidates(): ScanCandidate[] {
  const g = globalThis as { navigator?: { gpu?: unknown }; OffscreenCanvas?: unknown; document?: unknown; WebAssembly?: unknown };
  const out: ScanCandidate[] = ['plain', 'cpu'];
  if (g.WebAssembly) out.push('wasm');
  if (g.OffscreenCanvas || g.document) out.push('webgl');
  if (g.navigator?.gpu) out.push('webgpu');
  return out;
}
