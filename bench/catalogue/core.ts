/**
 * The worker side of `npm run bench:catalogue` (runs in the harness Worker, where the product's engine runs):
 * loads an artefact through the real loader (manifest validation, shards, decode to float32), keeps it while
 * the page measures the worker's memory, then times scan + top-10 per implementation: the plain-TypeScript
 * float32 scan (the engine's default scanner), the uint8 scan straight over the artefact's codes
 * (src/model/top_k_uint8.ts), and the active backend's catalogue scanner (src/kernels/scanner.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { concatBytes, loadArtefact } from '../../src/artefact/index.ts';
import { chooseBackend, createCatalogueScanner } from '../../src/kernels/index.ts';
import type { BackendName, KindedScanner } from '../../src/kernels/index.ts';
import type { GlobalModel } from '../../src/model/global_model.ts';
import { createRng } from '../../src/model/rng.ts';
import { scanTopK } from '../../src/model/top_k.ts';
import type { Uint8Table } from '../../src/model/top_k_uint8.ts';
import { scanTopKUint8 } from '../../src/model/top_k_uint8.ts';
import { timeIt } from '../lib/timing.ts';

export type CatalogueRequest =
  | { op: 'load'; backend: BackendName; url: string; keepCodes: boolean }
  | { op: 'scan'; impls: ('plain-f32' | 'plain-uint8' | 'backend')[]; budgetMs: number }
  | { op: 'drop' };

export interface ScanRow {
  impl: string;
  firstMs?: number;
  medianMs?: number;
  n?: number;
  /** Items of the plain float32 top-10 this implementation also returns. */
  agree?: number;
  error?: string;
}

interface Held {
  model: GlobalModel;
  codes: Uint8Table | null;
  scanner: KindedScanner | null;
}

let held: Held | null = null;
let backendReady: string | null = null;

/** Typed-array bytes the worker holds for the catalogue (plus the backend's tensors). */
function heldBytes(): Record<string, number> {
  const m = held?.model;
  const floats = m ? m.itemEmb.byteLength + m.itemBias.byteLength + m.popularity.byteLength : 0;
  const heap = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;
  return { floatTableBytes: floats, uint8CodesBytes: held?.codes?.codes.byteLength ?? 0, tfBytes: tf.memory().numBytes, ...(heap ? { jsHeapBytes: heap } : {}) };
}

async function load(r: Extract<CatalogueRequest, { op: 'load' }>): Promise<Record<string, unknown>> {
  if (backendReady !== r.backend) {
    if (r.backend === 'wasm') {
      // this page is cross-origin isolated (for the memory measurement), which makes tfjs pick its threaded
      // wasm build, whose pthread workers the build does not ship: measure the single-threaded SIMD build a
      // shop page (not isolated) gets
      await import('@tensorflow/tfjs-backend-wasm');
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    }
    await chooseBackend([r.backend]);
    backendReady = r.backend;
  }
  drop();
  const t0 = performance.now();
  const json = (await (await fetch(r.url)).json()) as { weightsManifest: { paths: string[]; weights: { name: string; quantization?: { dtype: string; min?: number; scale?: number } }[] }[] };
  const base = new URL(r.url, location.href);
  const shards = await Promise.all(json.weightsManifest[0].paths.map(async (p) => (await fetch(new URL(p, base))).arrayBuffer()));
  const fetchMs = performance.now() - t0;
  const { model } = await loadArtefact(json, shards);
  const loadMs = performance.now() - t0;
  // the artefact's first tensor is item_emb: its codes are the first numItems × dim bytes
  const q = json.weightsManifest[0].weights[0].quantization;
  const codes = r.keepCodes && q?.dtype === 'uint8' ? { codes: new Uint8Array(concatBytes(shards.map((s) => new Uint8Array(s))), 0, model.itemEmb.length).slice(), min: q.min ?? 0, scale: q.scale ?? 1 } : null;
  held = { model, codes, scanner: null };
  return { fetchMs, loadMs, items: model.itemIds.length, ...heldBytes() };
}

async function scan(r: Extract<CatalogueRequest, { op: 'scan' }>): Promise<Record<string, unknown>> {
  if (!held) throw new Error('catalogue bench: scan before load');
  const { model } = held;
  const d = model.dim;
  const rng = createRng(5);
  const zs = Array.from({ length: 8 }, () => Float32Array.from({ length: d }, () => rng.normal()));
  const exclude = new Uint8Array(model.itemIds.length);
  for (let i = 0; i < exclude.length; i += 97) exclude[i] = 1;
  const reference = scanTopK(model.itemEmb, model.itemBias, zs[0], 10, exclude).indices;
  const agree = (got: Int32Array): number => [...got].filter((i) => reference.includes(i)).length;
  const rows: ScanRow[] = [];
  const timed = async (impl: string, fn: (k: number) => Promise<{ indices: Int32Array }>): Promise<void> => {
    try {
      const first = await fn(0);
      rows.push({ impl, agree: agree(first.indices), ...(await timeIt(fn, { budgetMs: r.budgetMs, maxN: 30 })) });
    } catch (e) {
      rows.push({ impl, error: String(e instanceof Error ? e.message : e).slice(0, 200) });
    }
  };
  if (r.impls.includes('plain-f32')) await timed('plain-f32', async (k) => scanTopK(model.itemEmb, model.itemBias, zs[k % 8], 10, exclude));
  if (r.impls.includes('plain-uint8') && held.codes) {
    const codes = held.codes;
    await timed('plain-uint8', async (k) => scanTopKUint8(codes, model.itemBias, zs[k % 8], 10, exclude));
  }
  let uploadMs: number | undefined;
  if (r.impls.includes('backend')) {
    try {
      const t0 = performance.now();
      held.scanner = createCatalogueScanner(model.itemEmb, model.itemBias, d);
      uploadMs = performance.now() - t0;
      const s = held.scanner;
      await timed(`${tf.getBackend()}:${s.kind}`, (k) => s.topK(zs[k % 8], 10, exclude));
    } catch (e) {
      rows.push({ impl: `${tf.getBackend()}:scanner`, error: String(e instanceof Error ? e.message : e).slice(0, 200) });
    }
  }
  return { rows, uploadMs, ...heldBytes() };
}

function drop(): Record<string, unknown> {
  held?.scanner?.dispose();
  held = null;
  return heldBytes();
}

/**
 * @example
 * await runCatalogueOp({ op: 'load', backend: 'wasm', url: '/catalogue/100000-uint8/model.json', keepCodes: true });
 */
export async function runCatalogueOp(r: CatalogueRequest): Promise<unknown> {
  if (r.op === 'load') return load(r);
  if (r.op === 'scan') return scan(r);
  return drop();
}
