/**
 * `backend: 'auto'` by measurement: the recommend path (a catalogue scan plus top-k over the loaded catalogue)
 * is timed on each candidate — the TF.js backends this browser offers and the plain-TypeScript scan — and the
 * fastest is kept. The choice is cached per device and model version, so the next load skips the measurement;
 * a new model version (another catalogue) or another device (a browser update, another GPU) measures again.
 * Pure logic: the timing and the cache are injected (src/worker/backend_measure.ts does the real timing).
 */
import { BACKEND_ORDER, type BackendName } from '../kernels/types.ts';

/** What can answer recommend: a TF.js backend or the plain-TypeScript scan. */
export type ScanCandidate = BackendName | 'plain';

/** What `stats().autoBackend` reports. */
export interface AutoBackendReport {
  /** The fastest candidate here: the backend recommendations run on. */
  choice: ScanCandidate;
  /** 'measured' on this load, or 'cached' from an earlier load on this device with this model version. */
  source: 'measured' | 'cached';
  /** Median ms of one recommend (scan + top-k) per candidate that ran, as measured (also when cached). */
  ms: Partial<Record<ScanCandidate, number>>;
  /** Candidates that failed to start or to scan, with the reason; never chosen. */
  failed: { backend: ScanCandidate; reason: string }[];
  /** Candidates not timed, with the reason (a GPU backend on a GPU emulated on the CPU); absent when none. */
  skipped?: { backend: ScanCandidate; reason: string }[];
  /** The device fingerprint the measurement belongs to (user agent, GPU adapter, cores). */
  device: string;
  modelVersion: string;
  /** Catalogue rows scanned. */
  numItems: number;
  /** When it was measured (ms since epoch). */
  measuredAt: number;
}

/** Where the last measurement is kept (the namespace's IndexedDB in the worker). */
export interface AutoBackendCache {
  load(): Promise<AutoBackendReport | undefined>;
  save(report: AutoBackendReport): Promise<void>;
}

/** Times one candidate: the median ms of a few warm recommends, spending about `budgetMs`; throws if it cannot run. */
export type TimeRecommend = (candidate: ScanCandidate, budgetMs: number) => Promise<number>;

export interface AutoBackendOptions {
  /** In the order they are timed; cheap ones first, so a slow GPU start does not delay the others. */
  candidates: readonly ScanCandidate[];
  device: string;
  modelVersion: string;
  numItems: number;
  time: TimeRecommend;
  cache?: AutoBackendCache;
  /** Total time for the timed repetitions, split evenly between candidates (each still gets one run); default 300. */
  budgetMs?: number;
  /** Checked before each candidate: true abandons the measurement (nothing is chosen or cached). */
  stopped?: () => boolean;
  now?: () => number;
  /** Left out of `candidates` before timing, reported as such (AutoBackendReport.skipped). */
  skipped?: AutoBackendReport['skipped'];
}

export const AUTO_BUDGET_MS = 300;

/** Thrown when `stopped()` said so: a measurement cut short is never a choice (nor cached). */
export class MeasurementStopped extends Error {
  override name = 'MeasurementStopped';
}

/**
 * Times every candidate and keeps the fastest; a candidate that throws is skipped and named in `failed`.
 * Ties go to the earlier candidate. Throws when no candidate ran at all, or `MeasurementStopped` when `stopped()`.
 *
 * @example
 * await measureBackends(['plain', 'wasm', 'webgpu'], time);
 * // { choice: 'wasm', ms: { plain: 0.61, wasm: 0.42, webgpu: 17.3 }, failed: [] }
 */
export async function measureBackends(
  candidates: readonly ScanCandidate[],
  time: TimeRecommend,
  budgetMs = AUTO_BUDGET_MS,
  stopped: () => boolean = () => false,
): Promise<Pick<AutoBackendReport, 'choice' | 'ms' | 'failed'>> {
  const ms: AutoBackendReport['ms'] = {};
  const failed: AutoBackendReport['failed'] = [];
  let choice: ScanCandidate | null = null;
  const each = budgetMs / Math.max(1, candidates.length);
  for (const c of candidates) {
    if (stopped()) throw new MeasurementStopped(`the measurement was stopped before ${c}`);
    try {
      const t = await time(c, each);
      if (!Number.isFinite(t) || t < 0) throw new Error(`timing returned ${t}`);
      ms[c] = t;
      if (choice === null || t < ms[choice]!) choice = c;
    } catch (e) {
      failed.push({ backend: c, reason: (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).slice(0, 300) });
    }
  }
  if (choice === null) throw new Error(`no backend could answer recommend here: ${failed.map((f) => `${f.backend}: ${f.reason}`).join('; ')}`);
  return { choice, ms, failed };
}

/**
 * `cached` as a hit when it was measured on this device for this model version (and, where `candidates` are
 * given, its choice is still one of them); undefined otherwise.
 *
 * @example
 * cacheHit(await cache.load(), { device, modelVersion }); // { choice: 'wasm', source: 'cached', … } or undefined
 */
export function cacheHit(
  cached: AutoBackendReport | undefined,
  o: { device: string; modelVersion: string; candidates?: readonly ScanCandidate[] },
): AutoBackendReport | undefined {
  const fits = cached && cached.device === o.device && cached.modelVersion === o.modelVersion && (!o.candidates || o.candidates.includes(cached.choice));
  return fits ? { ...cached, source: 'cached' } : undefined;
}

/**
 * The cached choice when it belongs to this device and model version and its backend is still a candidate;
 * otherwise a fresh measurement, saved for the next load. A failing cache only costs the measurement.
 *
 * @example
 * const r = await chooseAutoBackend({ candidates: ['plain', 'cpu', 'wasm', 'webgl', 'webgpu'], device, modelVersion, numItems, time, cache });
 * r.choice; // 'wasm' — r.source 'measured' the first time, 'cached' on the next load
 */
export async function chooseAutoBackend(o: AutoBackendOptions): Promise<AutoBackendReport> {
  const hit = cacheHit(await o.cache?.load().catch(() => undefined), o);
  if (hit) return hit;
  const measured = await measureBackends(o.candidates, o.time, o.budgetMs, o.stopped);
  const report: AutoBackendReport = {
    ...measured,
    ...(o.skipped?.length && { skipped: o.skipped }),
    source: 'measured',
    device: o.device,
    modelVersion: o.modelVersion,
    numItems: o.numItems,
    measuredAt: (o.now ?? Date.now)(),
  };
  await o.cache?.save(report).catch((e: unknown) => console.warn(`tastebud: could not keep the backend measurement (${String(e)}); the next load measures again`));
  return report;
}

/**
 * The choice a cached report allows before anything is measured: its TF.js backend first (then the usual
 * order as fallbacks), or — when the plain scan won — the lightest TF.js backend (cpu), which then only
 * holds what is not the scan.
 *
 * @example
 * preferenceFor('wasm'); // ['wasm', 'webgpu', 'webgl', 'cpu']
 * preferenceFor('plain'); // ['cpu', 'wasm', 'webgl', 'webgpu']
 */
export function preferenceFor(choice: ScanCandidate, order: readonly BackendName[] = BACKEND_ORDER): BackendName[] {
  if (choice === 'plain') return [...order].reverse();
  return [choice, ...order.filter((b) => b !== choice)];
}
