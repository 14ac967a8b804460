/**
 * Catalogue scanners: score one query `z = w ⊙ p` against every item (`V z + b_i`) and keep the top k not
 * excluded, ties broken by the smaller index — exactly `scanTopK`'s answer.
 *   plain  — `scanTopK` on typed arrays;
 *   cpu    — `scanTopK` straight on the cpu backend's storage of the item tensors (no copy, no kernel launch);
 *   tensor — webgpu / webgl: one `matMul(z, V, false, true)` (the fast orientation on webgpu; the other
 *            is ~25x slower) plus the bias on the device, one read-back of the scores, then a JS heap with the
 *            exclusion mask (`tf.topk` over 100k items costs ~140 ms on webgpu and knows no exclusions);
 *            wasm: the table kept transposed (`[dim, n]`) and one `fused.matMul(z, Vᵀ, bias)` — tfjs-backend-wasm
 *            runs a product on XNNPACK only when neither operand is transposed (the weights packed once, cached
 *            on the tensor), any other orientation on a scalar loop.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidInputError } from '../errors.ts';
import { createTopKHeap, scanTopK } from '../model/top_k.ts';
import type { TopK } from '../model/top_k.ts';
import type { CatalogueScanner } from './types.ts';

export type ScannerKind = 'plain' | 'cpu' | 'tensor';

export interface ScannerOptions {
  /** Force an implementation; default: by the active backend (cpu → 'cpu', others → 'tensor'). */
  kind?: ScannerKind;
  /**
   * wasm only: the largest table (floats) kept transposed for XNNPACK, decided again at each `setItems`
   * (default 16M floats; see XNNPACK_MAX_FLOATS).
   */
  transposeMaxFloats?: number;
}

/**
 * How the scanner holds the table: `rows` `[n, dim]`, or `columns` `[dim, n]` (wasm's XNNPACK orientation).
 */
export type ScannerLayout = 'rows' | 'columns';

/** A scanner that also says which implementation runs, and how it holds the current table. */
export interface KindedScanner extends CatalogueScanner {
  readonly kind: ScannerKind;
  readonly layout: ScannerLayout;
}

function checkTable(itemEmb: Float32Array, itemBias: Float32Array, dim: number): number {
  if (!Number.isInteger(dim) || dim <= 0) throw new InvalidInputError(`scanner: dim must be a positive integer, got ${dim}`);
  const n = itemBias.length;
  if (itemEmb.length !== n * dim)
    throw new InvalidInputError(`scanner: itemEmb has ${itemEmb.length} floats, expected ${n} items x ${dim} dims`);
  return n;
}

function checkQuery(numItems: number, dim: number, z: Float32Array, k: number, exclude?: Uint8Array | null): void {
  if (z.length !== dim) throw new InvalidInputError(`topK: query has ${z.length} dims, the catalogue ${dim}`);
  if (!Number.isInteger(k) || k < 0) throw new InvalidInputError(`topK: k must be a non-negative integer, got ${k}`);
  if (exclude && exclude.length !== numItems)
    throw new InvalidInputError(`topK: exclude has ${exclude.length} entries, the catalogue ${numItems} items`);
}

/**
 * Top-k of precomputed scores, skipping `exclude[i] !== 0`; ties by the smaller index.
 *
 * @example
 * topKOfScores(Float32Array.of(0.5, 2, 2), 2).indices; // Int32Array [1, 2]
 */
export function topKOfScores(scores: ArrayLike<number>, k: number, exclude?: Uint8Array | null): TopK {
  const heap = createTopKHeap(Math.min(k, scores.length));
  for (let i = 0; i < scores.length; i++) if (!exclude || !exclude[i]) heap.push(scores[i], i);
  return heap.result();
}

function plainScanner(itemEmb: Float32Array, itemBias: Float32Array, dim: number): KindedScanner {
  let V = itemEmb.slice();
  let b = itemBias.slice();
  return {
    kind: 'plain',
    layout: 'rows',
    get numItems() {
      return b.length;
    },
    dim,
    async topK(z, k, exclude) {
      checkQuery(b.length, dim, z, k, exclude);
      return scanTopK(V, b, z, k, exclude);
    },
    async setItems(e, bias) {
      checkTable(e, bias, dim);
      V = e.slice();
      b = bias.slice();
    },
    dispose() {},
  };
}

/**
 * Largest table (floats) the wasm scanner hands to XNNPACK, which keeps a packed copy of it besides the tensor:
 * 16M floats (250,000 items of 64 dims) cost 64 MiB more; a bigger catalogue stays on the scalar loop rather
 * than double its memory in the shopper's tab.
 */
const XNNPACK_MAX_FLOATS = 16 * 1024 * 1024;

function tensorScanner(itemEmb: Float32Array, itemBias: Float32Array, dim: number, kind: 'cpu' | 'tensor', maxColumns: number): KindedScanner {
  let n = itemBias.length;
  // wasm: the table as [dim, n] (see the header) up to maxColumns floats, chosen per table (setItems may cross
  // the cap either way); every other backend as [n, dim]
  const columnsFor = (floats: number): boolean => kind === 'tensor' && tf.getBackend() === 'wasm' && floats <= maxColumns;
  let transposed = columnsFor(itemEmb.length);
  const table = (e: Float32Array, rows: number): tf.Tensor2D =>
    transposed ? tf.tidy(() => tf.transpose(tf.tensor2d(e, [rows, dim]))) : tf.tensor2d(e.slice(), [rows, dim]);
  let V = table(itemEmb, n);
  let b = tf.tensor1d(itemBias.slice());
  const backend = tf.backend() as unknown as { data?: { get(id: unknown): { values: Float32Array } } };
  return {
    kind,
    get layout(): ScannerLayout {
      return transposed ? 'columns' : 'rows';
    },
    get numItems() {
      return n;
    },
    dim,
    async topK(z, k, exclude) {
      checkQuery(n, dim, z, k, exclude);
      if (kind === 'cpu' && backend.data) return scanTopK(backend.data.get(V.dataId).values, backend.data.get(b.dataId).values, z, k, exclude);
      const scores = tf.tidy(() =>
        transposed
          ? tf.reshape(tf.fused.matMul({ a: tf.tensor2d(z, [1, dim]), b: V, bias: b }), [n])
          : tf.add(tf.reshape(tf.matMul(tf.tensor2d(z, [1, dim]), V, false, true), [n]), b),
      );
      const s = await scores.data();
      scores.dispose();
      return topKOfScores(s as Float32Array, k, exclude);
    },
    async setItems(e, bias) {
      const m = checkTable(e, bias, dim);
      V.dispose();
      b.dispose();
      n = m;
      transposed = columnsFor(e.length);
      V = table(e, n);
      b = tf.tensor1d(bias.slice());
    },
    dispose() {
      V.dispose();
      b.dispose();
    },
  };
}

/**
 * The scanner for the active TF.js backend (call after `chooseBackend`). Tables are copied.
 *
 * @example
 * const scanner = createCatalogueScanner(model.itemEmb, model.itemBias, model.dim);
 * const { indices, scores } = await scanner.topK(queryVector(model.w, p), 10, seenMask);
 */
export function createCatalogueScanner(itemEmb: Float32Array, itemBias: Float32Array, dim: number, opts: ScannerOptions = {}): KindedScanner {
  checkTable(itemEmb, itemBias, dim);
  const kind = opts.kind ?? (tf.getBackend() === 'cpu' ? 'cpu' : 'tensor');
  if (kind === 'plain') return plainScanner(itemEmb, itemBias, dim);
  if (kind === 'cpu' && tf.getBackend() !== 'cpu') throw new InvalidInputError(`scanner kind 'cpu' needs the cpu backend, not ${tf.getBackend()}`);
  const cap = opts.transposeMaxFloats ?? XNNPACK_MAX_FLOATS;
  if (!(cap >= 0)) throw new InvalidInputError(`scanner: transposeMaxFloats must be a number >= 0, got ${String(cap)}`);
  return tensorScanner(itemEmb, itemBias, dim, kind, cap);
}
