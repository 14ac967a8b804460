/**
 * `backend: 'auto'` in the worker, after the engine answers: the cached measurement of this device and model
 * version, or a fresh one taken in the background. With the lazy boot it runs where TF.js would start its
 * backend, while the plain scan still answers, and the winner is the backend started (`measureAutoBackend`);
 * once a backend runs (a first visit without the lazy boot, a new model version) the scans move to the plain
 * scan while the candidates are timed (a TF.js backend switch under a running scan would move its tensors) and
 * then to the winner (`tuneAutoBackend`). The first answers never wait for this.
 */
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../kernels/index.ts';
import type { GlobalModel } from '../model/global_model.ts';
import type { Store } from '../store/types.ts';
import { deviceFingerprint, recommendTimer, scanCandidates, withoutSoftwareGpus } from './backend_measure.ts';
import { cacheHit, chooseAutoBackend, type AutoBackendCache, type AutoBackendReport, type ScanCandidate } from './backend_timing.ts';
import { catalogueRows } from '../engine/model_context.ts';
import { scannerOnBackend } from './device_scanner.ts';
import type { BackendScanner, MovableScanner } from './resilient_scanner.ts';

const CACHE_KEY = 'auto-backend';

/**
 * The measurement kept in the namespace's IndexedDB (`device` store; erased with everything by `forget`).
 * @example const cache = autoBackendCache(store); await cache.load(); // undefined on a first visit
 */
function autoBackendCache(store: Store): AutoBackendCache {
  return {
    load: async () => (await store.loadDevice?.(CACHE_KEY)) as AutoBackendReport | undefined,
    save: async (r) => store.saveDevice?.(CACHE_KEY, { ...r }),
  };
}

/**
 * The fingerprint a cache miss took, handed to the measurement that follows on the same store: taking it
 * requests a WebGPU adapter, so a miss takes it once, not once more for the measurement. Used up when read.
 */
const missedOn = new WeakMap<Store, string>();

function fingerprintFor(store: Store): Promise<string> {
  const device = missedOn.get(store);
  missedOn.delete(store);
  return device === undefined ? deviceFingerprint() : Promise.resolve(device);
}

/**
 * The cached report for this device and model, if any (read at init, so the engine starts on the winner).
 * @example const hit = await cachedAutoBackend(store, model.modelVersion); // { choice: 'wasm', source: 'cached', … }
 */
export async function cachedAutoBackend(store: Store, modelVersion: string): Promise<AutoBackendReport | undefined> {
  try {
    const [r, device] = await Promise.all([autoBackendCache(store).load(), deviceFingerprint()]);
    const hit = cacheHit(r, { device, modelVersion });
    if (!hit) missedOn.set(store, device);
    return hit;
  } catch {
    return undefined;
  }
}

export interface AutoMeasureInput {
  model: GlobalModel;
  store: Store;
  /** A TF.js backend that something else holds tensors on (a non-plain sequence encoder): only it and plain are timed. */
  pinned?: string;
  /** Checked before each candidate; true stops the measurement (the host closed). */
  stopped(): boolean;
  /** Called once before the first candidate is timed (not on a cache hit). */
  beforeTiming?(): Promise<void>;
}

/**
 * The cached report for this device, model version and candidates, or a fresh measurement (saved for the next
 * load). Leaves the TF.js backend timed last active: the caller activates the winner.
 * @example
 * const report = await measureAutoBackend({ model, store, stopped: () => false });
 * report.choice; // 'wasm' — report.ms: { plain: 0.61, cpu: 1.9, wasm: 0.42, webgl: 2.3, webgpu: 17.3 }
 */
export async function measureAutoBackend(o: AutoMeasureInput): Promise<AutoBackendReport> {
  const { itemEmb, itemBias } = catalogueRows(o.model);
  const timer = recommendTimer({ itemEmb, itemBias, dim: o.model.dim, w: o.model.w, priorUser: o.model.priorUser });
  let started = false;
  const all = scanCandidates();
  const device = await fingerprintFor(o.store);
  // a pinned backend already runs the encoder: it is timed whatever its GPU
  const { candidates, skipped } = o.pinned ? { candidates: all.filter((c) => c === 'plain' || c === o.pinned), skipped: [] } : withoutSoftwareGpus(all, device);
  return chooseAutoBackend({
    candidates,
    skipped,
    device,
    modelVersion: o.model.modelVersion,
    numItems: itemBias.length,
    cache: autoBackendCache(o.store),
    stopped: o.stopped,
    async time(candidate, budgetMs) {
      if (!started) {
        started = true;
        await o.beforeTiming?.();
      }
      return timer(candidate, budgetMs);
    },
  });
}

async function scannerOn(choice: ScanCandidate, model: GlobalModel, emb: Float32Array, bias: Float32Array): Promise<BackendScanner> {
  if (choice === 'plain') return { backend: 'plain', scanner: null };
  await chooseBackend([choice]);
  const on = await scannerOnBackend(choice, emb, bias, model.dim);
  return on.scanner ? on : { backend: 'plain', scanner: null };
}

/**
 * Measures (or reads the cached measurement) while a backend already scans, and moves the scans to the fastest
 * candidate: to the plain scan while the candidates are timed, then to the winner.
 * @example
 * const report = await tuneAutoBackend({ model, store, scanner, stopped: () => false });
 * scanner.backend === report.choice; // true
 */
export async function tuneAutoBackend(o: AutoMeasureInput & { scanner: MovableScanner }): Promise<AutoBackendReport> {
  const active = tf.getBackend();
  const report = await measureAutoBackend({ ...o, beforeTiming: () => o.scanner.replace(async () => ({ backend: 'plain', scanner: null })) });
  if (o.stopped()) return report;
  if (o.scanner.backend !== report.choice) {
    await o.scanner.replace((emb, bias) => scannerOn(report.choice, o.model, emb, bias));
  }
  // Whatever else uses TF.js (a sequence encoder) finds the backend it started on when the scans left TF.js.
  if (o.scanner.backend === 'plain' && active && tf.getBackend() !== active) await tf.setBackend(active);
  return report;
}
