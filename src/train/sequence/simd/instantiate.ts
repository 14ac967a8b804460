/**
 * The hand-written wasm kernels (`*.wat`, assembled by `npm run build:wasm` into base64 modules) instantiated
 * synchronously: each is a few kilobytes, compiled once per thread on first use. Also the part of tfjs-backend-wasm's
 * backend the kernels' callers read tensors through.
 */
import type * as tf from '@tensorflow/tfjs-core';

// The WebAssembly and atob globals of Node and browsers, typed here: src/model's project has no DOM or Node lib.
interface WasmGlobals {
  WebAssembly: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object) => { exports: unknown } };
  atob(base64: string): string;
}

/** The exports every kernel module has: its own memory, which the callers copy operands into. */
export interface KernelMemory {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
}

/**
 * @example
 * const { memory, bmm } = instantiateKernel<BmmExports>(BMM_WASM_BASE64);
 */
export function instantiateKernel<T extends KernelMemory>(base64: string): T {
  const g = globalThis as unknown as WasmGlobals;
  const bytes = Uint8Array.from(g.atob(base64), (ch: string) => ch.charCodeAt(0));
  return new g.WebAssembly.Instance(new g.WebAssembly.Module(bytes)).exports as unknown as T;
}

/** Grows `kernel`'s memory to hold at least `bytes`. */
export function reserveKernelMemory(kernel: KernelMemory, bytes: number): void {
  const have = kernel.memory.buffer.byteLength;
  if (have < bytes) kernel.memory.grow(Math.ceil((bytes - have) / 65536));
}

/** tfjs-backend-wasm's own access to its heap (not in its public types): views of a tensor's bytes, new outputs. */
export interface WasmBackendHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
}
