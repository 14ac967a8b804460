/**
 * The host's catalogue scanner on the chosen TF.js backend, wrapped so that a lost GPU device (WebGPU
 * `device.lost`, a WebGL context loss, a scan that fails or never answers) moves it to the next backend of the
 * caller's list and finally to the plain-TypeScript scan (src/worker/resilient_scanner.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createPlainScanner } from '../engine/plain_scanner.ts';
import { chooseBackend, createCatalogueScanner } from '../kernels/index.ts';
import { BACKEND_ORDER, type BackendName, type CatalogueScanner } from '../kernels/types.ts';
import type { GlobalModel } from '../model/global_model.ts';
import { catalogueRows } from '../engine/model_context.ts';
import { createResilientScanner, type BackendScanner, type MovableScanner } from './resilient_scanner.ts';
import { warmScanner } from './warm_up.ts';

/** A scan slower than this counts as a lost device; generous, because SwiftShader compiles shaders on the CPU. */
export const SCAN_DEADLINE_MS = 15_000;

interface GpuBackendLike {
  device?: { lost?: Promise<{ reason?: string; message?: string }>; destroy?(): void };
  gpgpu?: { gl?: { canvas?: EventTarget; getExtension(name: string): unknown } };
}

const gpuOf = (backend: string): GpuBackendLike | undefined => tf.findBackend(backend) as unknown as GpuBackendLike | undefined;

/**
 * Settles with a reason when the device behind `backend` is lost; undefined where there is no device to lose.
 * @example deviceLost('webgpu')?.then((why) => console.warn(why))
 */
export function deviceLost(backend: string): Promise<string> | undefined {
  const b = gpuOf(backend);
  if (backend === 'webgpu' && b?.device?.lost) {
    return b.device.lost.then((info) => `WebGPU device lost (${info?.reason ?? 'unknown'}): ${info?.message || 'no message'}`);
  }
  const canvas = backend === 'webgl' ? b?.gpgpu?.gl?.canvas : undefined;
  if (canvas && typeof canvas.addEventListener === 'function') {
    return new Promise((resolve) => canvas.addEventListener('webglcontextlost', () => resolve('WebGL context lost'), { once: true }));
  }
  return undefined;
}

/**
 * Test hook (fault suite): loses the device on purpose — `device.destroy()` on WebGPU, `WEBGL_lose_context` on
 * WebGL. Returns false where the backend has no device.
 */
export function loseDevice(backend: string): boolean {
  const b = gpuOf(backend);
  if (backend === 'webgpu' && b?.device?.destroy) {
    b.device.destroy();
    return true;
  }
  const ext = backend === 'webgl' ? (b?.gpgpu?.gl?.getExtension('WEBGL_lose_context') as { loseContext(): void } | null) : null;
  if (ext) {
    ext.loseContext();
    return true;
  }
  return false;
}

/** A warm scanner on the active backend, or null (the plain scan) when the backend cannot hold the table. */
async function activeScanner(itemEmb: Float32Array, itemBias: Float32Array, dim: number, backend: string): Promise<CatalogueScanner | null> {
  try {
    return await warmScanner(createCatalogueScanner(itemEmb, itemBias, dim));
  } catch (e) {
    console.warn(`tastebud: no ${backend} catalogue scanner (${String(e)}); using the plain scan`);
    return null;
  }
}

/**
 * The scans on `backend` once it is active: a warm catalogue scanner (null: the plain scan, the backend could
 * not hold the table) and the signal of its device's loss.
 * @example const on = await scannerOnBackend('webgl', itemEmb, itemBias, dim); // { backend: 'webgl', scanner, lost }
 */
export async function scannerOnBackend(backend: string, itemEmb: Float32Array, itemBias: Float32Array, dim: number): Promise<BackendScanner> {
  return { backend, scanner: await activeScanner(itemEmb, itemBias, dim, backend), lost: deviceLost(backend) };
}

export interface DeviceScannerOptions {
  /** The backend `chooseBackend` activated, or 'plain' for the plain-TypeScript scan (measured fastest by `auto`). */
  backend: string;
  /** The caller's preference list: after a loss, the backends after the lost one are tried in order. */
  preference: 'auto' | readonly BackendName[];
  onSwitch(lost: { backend: string; reason: string }, now: string): void;
}

/**
 * @example
 * const scanner = await createDeviceScanner(model, { backend: 'webgpu', preference: 'auto', onSwitch: notify });
 * scanner.backend; // 'webgpu' — 'webgl' after a device loss
 */
export async function createDeviceScanner(model: GlobalModel, o: DeviceScannerOptions): Promise<MovableScanner> {
  const { itemEmb, itemBias } = catalogueRows(model);
  const first: BackendScanner = o.backend === 'plain' ? { backend: 'plain', scanner: null } : await scannerOnBackend(o.backend, itemEmb, itemBias, model.dim);
  const order = o.preference === 'auto' ? BACKEND_ORDER : o.preference;
  return createResilientScanner(first, {
    itemEmb,
    itemBias,
    dim: model.dim,
    scanMs: SCAN_DEADLINE_MS,
    plain: createPlainScanner,
    onSwitch: o.onSwitch,
    async next(lost, emb, bias) {
      const rest = order.slice(order.indexOf(lost as BackendName) + 1);
      if (rest.length === 0) return { backend: 'plain', scanner: null };
      try {
        const choice = await chooseBackend(rest);
        return await scannerOnBackend(choice.backend, emb, bias, model.dim);
      } catch {
        return { backend: 'plain', scanner: null }; // no TF.js backend left: plain TypeScript needs no device
      }
    },
  });
}
