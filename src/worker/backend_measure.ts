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

/** Samples per candidate at most. */
const MAX_SAMPLES = 15;
/** Samples wanted before the budget may stop a candidate: a median of three shrugs off one GC pause. */
const MIN_SAMPLES = 3;
/** A sample lasts at least this long: a worker's clock ticks in 0.1 ms steps, a 1k-item scan takes about that. */
const SAMPLE_MS = 1;
const K = 10;

export interface ScanTable {
  itemEmb: Float32Array;
  itemBias: Float32Array;
  dim: number;
  w: Float32Array;
  priorUser: Float32Array;
}

/**
 * Runs ~1 ms chunks of queries until a chunk is no longer clearly faster than the one before (or `capMs` is
 * spent); returns the last chunk's ms per query. A loaded CPU delivers the JIT's optimised scan late: timed
 * before it arrives, the plain scan looked 100x slower than it is.
 */
async function warmUp(query: () => Promise<unknown>, capMs: number): Promise<number> {
  const start = performance.now();
  for (let prev = Infinity; ; ) {
    const t0 = performance.now();
    let n = 0;
    do {
      await query();
      n++;
    } while (performance.now() - t0 < SAMPLE_MS && n < 100);
    const per = (performance.now() - t0) / n;
    if (per > 0.8 * prev || performance.now() - start > capMs) return per;
    prev = per;
  }
}

/**
 * Median ms of one warm top-k query on `scanner`. The first query compiles shaders and uploads the table; warm-up
 * chunks follow until the speed settles (`warmUp`), so a sub-millisecond scan gets the JIT tier-ups a shelf's
 * hundredth query would have. Then samples of enough queries to last ~1 ms each: three while
 * they fit in twice the budget, more while the budget lasts, at least one.
 */
export async function medianScanMs(scanner: CatalogueScanner, z: Float32Array, budgetMs: number, maxSamples = MAX_SAMPLES): Promise<number> {
  const exclude = new Uint8Array(scanner.numItems);
  const query = (): Promise<unknown> => scanner.topK(z, K, exclude);
  await query();
  const reps = Math.min(100, Math.max(1, Math.ceil(SAMPLE_MS / Math.max(1e-3, await warmUp(query, budgetMs / 2)))));
  const ms: number[] = [];
  const start = performance.now();
  const more = (): boolean => {
    const next = performance.now() - start + ms[ms.length - 1] * reps;
    return ms.length < maxSamples && (next <= budgetMs || (ms.length < MIN_SAMPLES && next <= 2 * budgetMs));
  };
  do {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) await query();
    ms.push((performance.now() - t0) / reps);
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

/** Renderer names of GPUs emulated on the CPU (SwiftShader, Mesa's llvmpipe / lavapipe / softpipe, Windows' Basic Render Driver). */
const SOFTWARE_GPU = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i;

/** The WebGL renderer's name here (unmasked where the browser allows), or '' without WebGL; the context is let go. */
export function webglRenderer(): string {
  type Canvas = { getContext(t: string): unknown };
  const g = globalThis as { OffscreenCanvas?: new (w: number, h: number) => Canvas; document?: { createElement(t: 'canvas'): Canvas } };
  try {
    const canvas = g.OffscreenCanvas ? new g.OffscreenCanvas(1, 1) : g.document?.createElement('canvas');
    const gl = (canvas?.getContext('webgl2') ?? canvas?.getContext('webgl')) as WebGLRenderingContext | null | undefined;
    if (!gl) return '';
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return name;
  } catch {
    return '';
  }
}

/**
 * `candidates` less the GPU backends that run on a GPU emulated on the CPU: there they do the CPU backends' work
 * through a shader emulator (3-30x slower than the fastest at 1k-100k items, docs/shop.md), and timing them spins
 * the emulator up (hundreds of ms of the shopper's CPU) for a choice they cannot win. WebGPU's adapter is read
 * from the device fingerprint, WebGL's renderer from a throwaway context. An explicit backend list still runs them.
 *
 * @example
 * withoutSoftwareGpus(['plain', 'cpu', 'wasm', 'webgl', 'webgpu'], '… | gpu google/swiftshader//');
 * // { candidates: ['plain', 'cpu', 'wasm', 'webgl'], skipped: [{ backend: 'webgpu', reason: 'software GPU (google/swiftshader//)' }] }
 */
export function withoutSoftwareGpus(
  candidates: readonly ScanCandidate[],
  device: string,
  renderer: () => string = webglRenderer,
): { candidates: ScanCandidate[]; skipped: { backend: ScanCandidate; reason: string }[] } {
  const names: Partial<Record<ScanCandidate, string>> = {
    webgpu: candidates.includes('webgpu') ? /\| gpu (.*)$/.exec(device)?.[1] ?? '' : '',
    webgl: candidates.includes('webgl') ? renderer() : '',
  };
  const soft = (c: ScanCandidate): boolean => SOFTWARE_GPU.test(names[c] ?? '');
  return {
    candidates: candidates.filter((c) => !soft(c)),
    skipped: candidates.filter(soft).map((backend) => ({ backend, reason: `software GPU (${names[backend]!.slice(0, 120)})` })),
  };
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
