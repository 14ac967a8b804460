/**
 * The sequence model's `track` → updated top-10 latency on the active backend, runnable in Node and in a
 * browser Worker. Each timed call is one click: the history (50 or 200 clicks) moves on by one item, is encoded
 * and the catalogue of 10,000 items is scanned for the top-10 not yet seen — all in the same process, so the
 * ratios to the plain-TypeScript reference (`encodeSequence` + `scoreSequence` + top-10) are side by side.
 *
 * Paths: reference (the spec's plain forward, float64 accumulators) · plain (the fast float32 forward, plain
 * scan) · plain+scan (the fast forward, then the backend's catalogue scanner) · tfjs (the TF.js forward on the
 * backend, then its scanner) · wgsl (webgpu: the hand-written WGSL forward, then the scanner) — the last three
 * are what the worker can run.
 */
import { chooseBackend, createCatalogueScanner, topKOfScores } from '../../src/kernels/index.ts';
import type { BackendName, CatalogueScanner } from '../../src/kernels/index.ts';
import { createSequenceEncoder } from '../../src/kernels/sequence_encoder.ts';
import type { BackendSequenceEncoder } from '../../src/kernels/sequence_encoder.ts';
import { createRng } from '../../src/model/rng.ts';
import { createSequenceParams, encodeSequence, scoreSequence } from '../../src/model/sequence/encode.ts';
import type { SequenceConfig, SequenceParams } from '../../src/model/sequence/types.ts';
import { scanTopK } from '../../src/model/top_k.ts';
import { timeIt } from '../lib/timing.ts';
import type { Timing } from '../lib/timing.ts';

/** The model size `createSequenceParams` documents (ML-1M-like), over a 10,000-item catalogue. */
export const LATENCY_CONFIG: SequenceConfig = { numItems: 10_000, dim: 64, maxLen: 200, blocks: 2, heads: 2, ffnDim: 256 };
export const HISTORIES = [50, 200];
export type LatencyImpl = 'reference' | 'plain' | 'plain+scan' | 'tfjs' | 'wgsl';

export interface LatencyRow extends Partial<Timing> {
  backend: string;
  history: number;
  impl: LatencyImpl;
  /** What scanned the catalogue ('plain' or the scanner kind on the backend). */
  scan: string;
  /** medianMs / reference medianMs of the same history in the same run. */
  vsReference?: number;
  error?: string;
}

export interface LatencyResult {
  backend: string;
  details: Record<string, unknown>;
  rows: LatencyRow[];
}

/** A click stream: the history of `n` clicks and every next click, seeded. */
function clickStream(n: number, numItems: number, seed: number): { start: number[]; next: () => number } {
  const rng = createRng(seed);
  return { start: Array.from({ length: n }, () => rng.int(numItems)), next: () => rng.int(numItems) };
}

type TrackFn = (history: Int32Array, seen: Uint8Array) => Promise<unknown>;

type Encoders = { plain: BackendSequenceEncoder; tfjs: BackendSequenceEncoder | null; wgsl: BackendSequenceEncoder | null };

function trackFns(p: SequenceParams, scanner: CatalogueScanner, enc: Encoders): Record<LatencyImpl, TrackFn | null> {
  return {
    reference: async (hist, seen) => topKOfScores(scoreSequence(p, encodeSequence(p, hist)), 10, seen),
    plain: async (hist, seen) => scanTopK(p.itemEmb, p.itemBias!, await enc.plain.encode(hist), 10, seen),
    'plain+scan': async (hist, seen) => scanner.topK(await enc.plain.encode(hist), 10, seen),
    tfjs: enc.tfjs ? async (hist, seen) => scanner.topK(await enc.tfjs!.encode(hist), 10, seen) : null,
    wgsl: enc.wgsl ? async (hist, seen) => scanner.topK(await enc.wgsl!.encode(hist), 10, seen) : null,
  };
}

async function timeTrack(fn: TrackFn, n: number, quick: boolean): Promise<Timing> {
  const { start, next } = clickStream(n, LATENCY_CONFIG.numItems, 7 + n);
  const hist = start.slice();
  const seen = new Uint8Array(LATENCY_CONFIG.numItems);
  for (const i of hist) seen[i] = 1;
  return timeIt(
    async () => {
      const i = next();
      hist.push(i);
      hist.shift();
      seen[i] = 1;
      await fn(Int32Array.from(hist), seen);
    },
    // A first call may compile a GPU pipeline per op (tens of seconds on SwiftShader): time the steady state anyway.
    { minN: quick ? 3 : 15, maxN: quick ? 10 : 60, budgetMs: quick ? 1500 : 6000, firstCapMs: 180_000 },
  );
}

/**
 * @example
 * const r = await runSequenceLatency({ backend: 'wasm' });
 * r.rows.find((x) => x.impl === 'tfjs' && x.history === 50)?.medianMs;
 */
export async function runSequenceLatency(o: { backend: BackendName; quick?: boolean }): Promise<LatencyResult> {
  const choice = await chooseBackend([o.backend]);
  const p = createSequenceParams(LATENCY_CONFIG, 3);
  p.itemBias = new Float32Array(LATENCY_CONFIG.numItems).map((_, i) => Math.sin(i) * 0.1);
  const scanner = createCatalogueScanner(p.itemEmb, p.itemBias, LATENCY_CONFIG.dim);
  const enc: Encoders = { plain: createSequenceEncoder(p, { kind: 'plain' }), tfjs: null, wgsl: null };
  const rows: LatencyRow[] = [];
  const errors: Partial<Record<LatencyImpl, string>> = {};
  for (const kind of o.backend === 'webgpu' ? (['tfjs', 'wgsl'] as const) : (['tfjs'] as const))
    try {
      enc[kind] = createSequenceEncoder(p, { kind });
    } catch (e) {
      errors[kind] = String(e).slice(0, 300);
    }
  const fns = trackFns(p, scanner, enc);
  for (const n of HISTORIES)
    for (const impl of Object.keys(fns) as LatencyImpl[]) {
      const fn = fns[impl];
      const scan = impl === 'reference' || impl === 'plain' ? 'plain' : (scanner as { kind?: string }).kind ?? '?';
      if (!fn) {
        if (errors[impl]) rows.push({ backend: choice.backend, history: n, impl, scan, error: errors[impl] });
        continue;
      }
      try {
        rows.push({ backend: choice.backend, history: n, impl, scan, ...(await timeTrack(fn, n, !!o.quick)) });
      } catch (e) {
        rows.push({ backend: choice.backend, history: n, impl, scan, error: String(e).slice(0, 300) });
      }
    }
  enc.plain.dispose();
  enc.tfjs?.dispose();
  enc.wgsl?.dispose();
  scanner.dispose();
  for (const r of rows) {
    const ref = rows.find((x) => x.history === r.history && x.impl === 'reference')?.medianMs;
    if (ref && r.medianMs !== undefined) r.vsReference = Math.round((r.medianMs / ref) * 1000) / 1000;
  }
  return { backend: choice.backend, details: { ...choice.details, config: LATENCY_CONFIG }, rows };
}
