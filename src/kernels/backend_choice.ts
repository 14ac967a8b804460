/**
 * Picks the TF.js backend inside whatever global runs this (a Worker, a page, Node): tries webgpu → webgl →
 * wasm → cpu (or the caller's list) and reports why each earlier one was skipped. Backend packages are loaded
 * with dynamic `import()` so a bundle only fetches what it actually tries.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../errors.ts';
import { registerSparseStepKernels } from './sparse_step_js_kernel.ts';
import { BACKEND_ORDER } from './types.ts';
import type { BackendChoice, BackendName } from './types.ts';
import { registerWasmUnsortedSegmentSum } from './unsorted_segment_sum_wasm.ts';

export interface ChooseBackendOptions {
  /** Where the wasm binaries are (prefix or file map, as `setWasmPaths`); browser default: the Vite-built URLs. */
  wasmPaths?: string | Record<string, string>;
}

type Probe = (opts: ChooseBackendOptions, details: Record<string, unknown>) => Promise<string | null>;

interface GpuLike {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string } } | null>;
}

/** Each probe loads and activates one backend; it returns null on success or the reason it was skipped. */
const PROBES: Record<BackendName, Probe> = {
  async webgpu(_opts, details) {
    const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
    if (!gpu) return 'no navigator.gpu (WebGPU unsupported here, or not a secure context)';
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'navigator.gpu.requestAdapter() returned no adapter';
    details.adapter = `${adapter.info?.vendor ?? '?'}/${adapter.info?.architecture ?? '?'}`;
    await import('@tensorflow/tfjs-backend-webgpu');
    return activate('webgpu');
  },
  async webgl(_opts, details) {
    const g = globalThis as { OffscreenCanvas?: unknown; document?: unknown };
    if (!g.OffscreenCanvas && !g.document) return 'no OffscreenCanvas or document to get a WebGL context from';
    await import('@tensorflow/tfjs-backend-webgl');
    const reason = await activate('webgl');
    if (reason) return reason;
    // SwiftShader reports 16-bit precision while rendering float32 (tensorflow/tfjs#6980): our optimisers pass
    // explicit epsilons, so record it rather than refuse the backend.
    details.floatPrecision = (tf.backend() as unknown as { floatPrecision(): number }).floatPrecision();
    details.webglVersion = tf.env().getNumber('WEBGL_VERSION');
    return null;
  },
  async wasm(opts, details) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (opts.wasmPaths) wasm.setWasmPaths(opts.wasmPaths);
    else if (!tf.env().getBool('IS_NODE')) wasm.setWasmPaths((await import('./wasm_urls.ts')).WASM_URLS);
    // On a cross-origin isolated page tfjs sees SharedArrayBuffer and picks its threaded build, whose pthread
    // workers a bundled copy cannot start (their inlined script breaks under minification): the backend would
    // never finish loading. The single-threaded SIMD build is what every other page gets.
    if (!tf.env().getBool('IS_NODE')) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    registerWasmUnsortedSegmentSum();
    const reason = await activate('wasm');
    if (reason) return reason;
    details.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    details.threads = wasm.getThreadsCount();
    return null;
  },
  async cpu() {
    await import('@tensorflow/tfjs-backend-cpu');
    return activate('cpu');
  },
};

async function activate(name: BackendName): Promise<string | null> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) return `tf.setBackend('${name}') failed (active: ${tf.getBackend() ?? 'none'})`;
  return null;
}

/**
 * Activates the first backend of the preference list that works here.
 *
 * @example
 * const choice = await chooseBackend(); // in a Worker on a machine with WebGPU:
 * // { backend: 'webgpu', skipped: [], details: { adapter: 'google/swiftshader' } }
 * await chooseBackend(['wasm', 'cpu']); // force wasm, cpu as fallback
 */
export async function chooseBackend(
  preference: readonly BackendName[] | 'auto' = 'auto',
  opts: ChooseBackendOptions = {},
): Promise<BackendChoice> {
  const order = preference === 'auto' ? BACKEND_ORDER : preference;
  const unknown = order.filter((b) => !BACKEND_ORDER.includes(b));
  if (order.length === 0 || unknown.length) throw new BackendError(`unknown backend(s) ${unknown.join(', ') || '(empty list)'}; use ${BACKEND_ORDER.join(', ')}`);
  registerSparseStepKernels();
  const skipped: BackendChoice['skipped'] = [];
  for (const backend of order) {
    const details: Record<string, unknown> = {};
    let reason: string | null;
    try {
      reason = await PROBES[backend](opts, details);
    } catch (e) {
      reason = `failed to initialise: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300);
    }
    if (reason === null) return { backend, skipped, details };
    skipped.push({ backend, reason });
  }
  throw new BackendError(`no TF.js backend works here: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}
