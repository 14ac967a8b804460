/**
 * Batched products on 128-bit wasm SIMD for the sequence trainer on tfjs-backend-wasm.
 *
 * tfjs-backend-wasm hands a product to XNNPACK only when it is one 2-D matrix by another with no transpose; a
 * batched product (attention's `q · kᵀ` and `softmax · v` over `[B·heads, L, L]`, and their four gradient
 * products) runs a scalar triple loop, 2.7 GFLOP/s here. `installSimdBatchMatMul` replaces the backend's
 * `BatchMatMul` kernel: batched or transposed products go to bmm.wat (a 4 × 8 register-blocked kernel, and
 * `bmm_ta` for a transposed left operand; operands copied into its memory, zero-padded to the block size, a
 * transposed right operand transposed on the copy), everything else to TF.js's own kernel. The sums
 * over k run in the same order as TF.js's loop, so results differ only by rounding. Training only: the device's
 * encoders keep TF.js's kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BMM_WASM_BASE64 } from './bmm_wasm.ts';
import { instantiateKernel, reserveKernelMemory } from './instantiate.ts';
import type { KernelMemory, WasmBackendHeap } from './instantiate.ts';

interface BmmExports extends KernelMemory {
  bmm(a: number, b: number, c: number, batch: number, m: number, k: number, n: number): void;
  bmm_ta(a: number, b: number, c: number, batch: number, m: number, k: number, n: number): void;
}

let kernel: BmmExports | null = null;

/** Operands and result above this many bytes (with padding) stay on TF.js's kernel rather than grow the module's memory. */
const MAX_BYTES = 1 << 30;

/** Bytes `batchMatMulSimd` needs in the kernel's memory for these sizes. */
function bytesFor(batch: number, m: number, k: number, n: number): number {
  const m4 = (m + 3) & ~3;
  const n8 = (n + 7) & ~7;
  return (batch * m4 * k + batch * k * n8 + batch * m4 * n8) * 4;
}

function bmmKernel(): BmmExports {
  return (kernel ??= instantiateKernel<BmmExports>(BMM_WASM_BASE64));
}

/**
 * `out[t] = op(A[t]) · op(B[t])` for t < batch, out `[batch, m, n]`. A is stored `[batch, m, k]` (`[batch, k, m]`
 * when `transposeA`), B `[batch, k, n]` (`[batch, n, k]` when `transposeB`).
 *
 * @example
 * const c = new Float32Array(2 * 3 * 5);
 * batchMatMulSimd(a, b, 2, 3, 4, 5, false, true, c); // a: 2·3·4 floats, b: 2·5·4 floats (transposed)
 */
export function batchMatMulSimd(
  a: Float32Array,
  b: Float32Array,
  batch: number,
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
  out: Float32Array,
): void {
  const kern = bmmKernel();
  const { bmm, bmm_ta } = kern;
  const m4 = (m + 3) & ~3;
  const n8 = (n + 7) & ~7;
  const aLen = batch * m4 * k;
  const bLen = batch * k * n8;
  const need = bytesFor(batch, m, k, n);
  reserveKernelMemory(kern, need);
  const heap = new Float32Array(kern.memory.buffer);
  const A = 0;
  const B = aLen;
  const C = aLen + bLen;
  // A: [m4, k] per batch, or as stored ([k, m4]) for bmm_ta; padding rows / columns zero
  if (m4 !== m) heap.fill(0, A, B);
  if (m4 === m) heap.set(a.subarray(0, batch * m * k), A);
  else if (!transposeA) for (let t = 0; t < batch; t++) heap.set(a.subarray(t * m * k, (t + 1) * m * k), A + t * m4 * k);
  else copyRows(a, heap, batch * k, m, m, A, m4);
  // B: [k, n8] per batch
  if (n8 !== n) heap.fill(0, B, C);
  if (!transposeB) {
    if (n8 === n) heap.set(b.subarray(0, batch * k * n), B);
    else copyRows(b, heap, batch * k, n, n, B, n8);
  } else
    for (let t = 0; t < batch; t++) {
      const src = t * k * n;
      const dst = B + t * k * n8;
      for (let j = 0; j < n; j++) {
        const row = src + j * k;
        for (let kk = 0; kk < k; kk++) heap[dst + kk * n8 + j] = b[row + kk];
      }
    }
  (transposeA ? bmm_ta : bmm)(A * 4, B * 4, C * 4, batch, m4, k, n8);
  if (m4 === m && n8 === n) out.set(heap.subarray(C, C + batch * m * n));
  else
    for (let t = 0; t < batch; t++)
      for (let i = 0; i < m; i++) {
        const from = C + (t * m4 + i) * n8;
        const to = (t * m + i) * n;
        for (let j = 0; j < n; j++) out[to + j] = heap[from + j];
      }
}

/** `rows` rows of `width` floats, `srcStride` apart in `src`, into `dst` from `at`, `dstStride` apart. */
function copyRows(src: Float32Array, dst: Float32Array, rows: number, width: number, srcStride: number, at: number, dstStride: number): void {
  for (let r = 0; r < rows; r++) {
    const from = r * srcStride;
    const to = at + r * dstStride;
    for (let j = 0; j < width; j++) dst[to + j] = src[from + j];
  }
}

let original: tf.KernelConfig | null = null;
let calls = 0;

/** Products the installed kernel has run in this thread (tests and profiles read it). */
export function simdBatchMatMulCalls(): number {
  return calls;
}

/**
 * Routes the wasm backend's batched and transposed float32 products to `batchMatMulSimd` (once per process;
 * a no-op on other backends). A plain 2-D product, anything broadcast, and products needing more than 1 GiB
 * of the kernel's memory stay on TF.js's kernel (XNNPACK for the first).
 *
 * @example
 * await chooseBackend(['wasm']);
 * installSimdBatchMatMul(); // tf.matMul(q, k, false, true) on [64, 50, 32] now runs bmm.wat
 */
export function installSimdBatchMatMul(): void {
  if (original || tf.getBackend() !== 'wasm') return;
  const own = tf.getKernel('BatchMatMul', 'wasm');
  if (!own) return;
  bmmKernel();
  original = own;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
      const ra = a.shape.length;
      const outer = a.shape.slice(0, -2);
      const batch = outer.reduce((p, d) => p * d, 1);
      const sameOuter = b.shape.length === ra && outer.every((d, q) => b.shape[q] === d);
      if (a.dtype !== 'float32' || b.dtype !== 'float32' || ra < 2 || !sameOuter || (batch === 1 && !transposeA && !transposeB))
        return own.kernelFunc(args);
      const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
      const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
      const n = transposeB ? b.shape[ra - 2] : b.shape[ra - 1];
      if ((transposeB ? b.shape[ra - 1] : b.shape[ra - 2]) !== k || bytesFor(batch, m, k, n) > MAX_BYTES) return own.kernelFunc(args);
      calls++;
      const backend = args.backend as unknown as WasmBackendHeap;
      const out = backend.makeOutput([...outer, m, n], 'float32');
      // views after makeOutput: allocating may grow (and move) the backend's heap
      const av = backend.typedArrayFromHeap(a) as Float32Array;
      const bv = backend.typedArrayFromHeap(b) as Float32Array;
      batchMatMulSimd(av, bv, batch, m, k, n, transposeA, transposeB, backend.typedArrayFromHeap(out) as Float32Array);
      return out;
    },
  });
}

/** Puts TF.js's own `BatchMatMul` back (benches compare the two in one process). */
export function uninstallSimdBatchMatMul(): void {
  if (!original) return;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(original);
  original = null;
}
