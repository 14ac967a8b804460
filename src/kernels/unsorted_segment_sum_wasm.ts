/**
 * The wasm backend has no `UnsortedSegmentSum` (tensorflow/tfjs#8082), and it is the gradient of `tf.gather`:
 * without it any stock `optimizer.minimize` over embedding lookups throws on wasm. This JS kernel closes the gap
 * by summing on the wasm heap directly.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface HeapBackend {
  readSync(dataId: unknown): ArrayLike<number>;
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
}

const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const be = backend as unknown as HeapBackend;
  const ids = be.readSync(segmentIds.dataId);
  const L = ids.length;
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const out = be.makeOutput(outShape, x.dtype);
  // Views after makeOutput: allocating may grow (and so detach) the heap.
  const xv = be.typedArrayFromHeap(x);
  const ov = be.typedArrayFromHeap(out);
  ov.fill(0);
  const inner = L === 0 ? 0 : xv.length / L;
  for (let n = 0; n < L; n++) {
    const s = ids[n];
    if (s < 0 || s >= numSegments) continue;
    const o = s * inner;
    const xi = n * inner;
    for (let j = 0; j < inner; j++) ov[o + j] += xv[xi + j];
  }
  return out;
};

/**
 * Registers the JS `UnsortedSegmentSum` for the wasm backend unless one exists. Idempotent.
 *
 * @example
 * await tf.setBackend('wasm');
 * registerWasmUnsortedSegmentSum();
 * tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3]), tf.tensor1d([0, 1, 0], 'int32'), 2); // [4, 2]
 */
export function registerWasmUnsortedSegmentSum(): void {
  if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return;
  tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum });
}
