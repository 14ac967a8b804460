/**
 * `createRecommender()`: the factory that resolves to a ready recommender — worker running, storage open,
 * backend chosen, model and the shopper's state restored. The main-thread side stays tiny: the engine, TF.js
 * and IndexedDB code load in the worker (or, with `worker: false`, through a dynamic import).
 */
import { releaseProxy, wrap } from 'comlink';
import { InvalidInputError, TastebudError } from '../errors.ts';
import { BACKEND_ORDER, type BackendName } from '../kernels/types.ts';
import type { GlobalModel } from '../model/global_model.ts';
import type { HostApi, HostInitOptions, InitReport } from '../worker/host_api.ts';
import { createPersistence, type Persistence } from './persistence.ts';
import { rememberConsent, rememberedConsent, watchConsent } from './consent_memory.ts';
import { createClient, type Recommender } from './recommender.ts';
import { DEFAULT_TIMEOUTS, Supervisor, type Connection, type Timeouts } from './supervisor.ts';
import { resolveLearnerConfig, type LearnerConfig } from '../engine/learner_config.ts';

export interface RecommenderOptions {
  /** URL of the shop's model.json. One of `model` / `modelData` is required. */
  model?: string;
  /** A GlobalModel already in memory (tests, demos). */
  modelData?: GlobalModel;
  /** The shop's storage namespace; default 'default'. */
  namespace?: string;
  /** 'auto' (default: the fastest measured on this device for this catalogue, cached; docs/shop.md), one backend, or an ordered list. */
  backend?: 'auto' | BackendName | BackendName[];
  /**
   * Default false: createRecommender resolves once the TF.js backend is chosen and holds the catalogue. true: it
   * resolves as soon as the model and the shopper's state are ready, answering with the plain-TypeScript scan
   * (same results within the backends' tolerance) while TF.js and the backend load in the worker; then
   * `stats().backend` names the backend and subscribers are told. `ready.backend` is then 'plain'. The embed
   * script uses it, so a shelf's first answer waits for no TF.js download.
   */
  lazyBackend?: boolean;
  /** Run in a Web Worker (default where `Worker` exists) or inline (Node, tests). */
  worker?: boolean;
  /**
   * Default true. false: nothing is stored or learned, and recommendations are the non-personal ones, until
   * `setConsent(true)`. A choice the shopper made with `setConsent` is remembered on this device and wins over
   * this default on the next visit.
   */
  consent?: boolean;
  /**
   * Deadlines in ms: `initMs` (createRecommender and each worker restart, default 120,000), `callMs` (any other
   * call, default 30,000), `heartbeatMs` (how long a worker may stay silent while calls are pending before it is
   * restarted, default 10,000). A call past its deadline rejects with TimeoutError.
   */
  timeouts?: Partial<Timeouts>;
  /** Refuse model downloads above this many bytes (default 256 MiB). */
  maxModelBytes?: number;
  /** Keep at most this many events in the log (default 10,000; older ones are compacted away). */
  maxEvents?: number;
  /** Coordinate tabs of one namespace so one learns and all agree (default true). */
  multiTab?: boolean;
  /**
   * Ask the browser to keep the shopper's data under storage pressure (`navigator.storage.persist()`, default
   * true), once consent is given; the answer shows in `stats().persistent`. Firefox may show a prompt.
   */
  persist?: boolean;
  /**
   * Learner settings over the defaults (`LearnerConfig`, src/engine/learner_config.ts), e.g.
   * `{ attributeWeight: 0.3 }` to lift items sharing a rare brand with recent clicks, or
   * `{ typeWeights: { view: 0, select: 1, add_to_cart: 2, purchase: 3 } }` to keep views out of learning.
   * The event log's size is `maxEvents`, not set here.
   */
  learner?: Partial<LearnerConfig>;
}

const KNOWN = new Set(['model', 'modelData', 'namespace', 'backend', 'worker', 'consent', 'maxModelBytes', 'maxEvents', 'multiTab', 'persist', 'learner', 'timeouts', 'lazyBackend']);

/**
 * Creates a ready recommender.
 * @example
 * const recs = await createRecommender({ model: '/models/model.json', namespace: 'acme-shoes' });
 * await recs.track({ itemId: 'sku-42', type: 'select' });
 * await recs.recommend({ k: 8 }); // [{ itemId: 'sku-17', score: 3.2 }, …]
 * (await recs.stats()).backend;   // 'webgpu'
 */
export async function createRecommender(options: RecommenderOptions = {}): Promise<Recommender> {
  const init = normalizeOptions(options);
  const timeouts = normalizeTimeouts(options.timeouts);
  const remembered = rememberedConsent(init.namespace);
  if (remembered !== undefined) init.consent = remembered; // the shopper's own choice wins over the default
  const useWorker = options.worker ?? typeof Worker !== 'undefined';
  const persist = options.persist ?? true;
  if (useWorker && typeof Worker === 'undefined') throw new InvalidInputError('worker: true needs Web Workers, which this runtime lacks; pass worker: false');
  // A restarted worker gets the options in force then (the consent given since included).
  const connect = useWorker ? () => connectWorker(init) : () => connectInline(init);
  const sup = await Supervisor.start(connect, timeouts);
  // Another tab's choice applies here at once too (its worker is told; nothing is remembered twice).
  const stopWatching = watchConsent(init.namespace, (granted) => {
    init.consent = granted;
    void sup.call('setConsent', (h) => h.setConsent(granted), true).catch(() => undefined);
  });
  sup.onClose = stopWatching;
  return createClient(sup, {
    persistence: persistenceFor(persist, init, sup.report!),
    onConsent: (granted) => {
      init.consent = granted;
      rememberConsent(init.namespace, granted);
    },
  });
}

async function connectWorker(init: HostInitOptions): Promise<Connection> {
  const worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: `tastebud/${init.namespace}` });
  const remote = wrap<HostApi>(worker);
  return {
    host: remote as unknown as HostApi,
    started: Promise.race([remote.init(init), workerFailure(worker)]),
    dispose: () => {
      remote[releaseProxy]();
      worker.terminate();
    },
  };
}

async function connectInline(init: HostInitOptions): Promise<Connection> {
  const { RecommenderHost } = await import('../worker/host.ts');
  const host = new RecommenderHost();
  return { host, started: host.init(init), dispose: () => void host.close().catch(() => undefined) };
}

/** Persistence is asked for only where there is stored data to keep: IndexedDB, with consent (now or later). */
function persistenceFor(persist: boolean, init: HostInitOptions, report: InitReport): Persistence | undefined {
  if (!persist || report.storage !== 'indexeddb') return undefined;
  const p = createPersistence();
  if (init.consent) p.request();
  return p;
}

/** Rejects when the worker script cannot load or throws at the top level (otherwise init would hang). */
function workerFailure(worker: Worker): Promise<never> {
  return new Promise((_, reject) => {
    worker.addEventListener('error', (e) => reject(new TastebudError(`The tastebud worker failed to start: ${e.message || 'script error'}`)), { once: true });
  });
}

function normalizeOptions(o: RecommenderOptions): HostInitOptions {
  if (!o || typeof o !== 'object') throw new InvalidInputError('createRecommender(options) needs an options object');
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) throw new InvalidInputError(`createRecommender: unknown option "${k}" (known: ${[...KNOWN].join(', ')})`);
  if ((o.model === undefined) === (o.modelData === undefined)) throw new InvalidInputError('createRecommender needs exactly one of `model` (a model.json URL) or `modelData`');
  if (o.model !== undefined && (typeof o.model !== 'string' || o.model.length === 0)) throw new InvalidInputError('`model` must be the URL of a model.json');
  const backend = normalizeBackend(o.backend ?? 'auto');
  const maxEvents = o.maxEvents ?? 10_000;
  if (!Number.isInteger(maxEvents) || maxEvents < 1) throw new InvalidInputError(`maxEvents must be a positive integer, got ${String(maxEvents)}`);
  if (o.consent !== undefined && typeof o.consent !== 'boolean') throw new InvalidInputError(`consent must be true or false, got ${JSON.stringify(o.consent)}`);
  if (o.persist !== undefined && typeof o.persist !== 'boolean') throw new InvalidInputError('persist must be true or false');
  if (o.lazyBackend !== undefined && typeof o.lazyBackend !== 'boolean') throw new InvalidInputError('lazyBackend must be true or false');
  if (o.maxModelBytes !== undefined && !(Number.isFinite(o.maxModelBytes) && o.maxModelBytes > 0)) throw new InvalidInputError('maxModelBytes must be a positive number');
  const learner = normalizeLearner(o.learner);
  const base = (globalThis as { location?: { href: string } }).location?.href;
  return {
    namespace: o.namespace ?? 'default',
    ...(o.model !== undefined && { model: base ? new URL(o.model, base).href : o.model }),
    ...(o.modelData !== undefined && { modelData: o.modelData }),
    backend,
    consent: o.consent ?? true,
    ...(o.maxModelBytes !== undefined && { maxModelBytes: o.maxModelBytes }),
    maxEvents,
    multiTab: o.multiTab ?? true,
    ...(learner && { learner }),
    ...(o.lazyBackend && { lazyBackend: true }),
  };
}

/** Checks `learner` here, so a typo fails createRecommender with a named error rather than the worker later. */
function normalizeLearner(l: unknown): Partial<LearnerConfig> | undefined {
  if (l === undefined) return undefined;
  if (!l || typeof l !== 'object' || Array.isArray(l)) throw new InvalidInputError('learner must be an object of learner settings');
  for (const k of ['maxEvents', 'keepEvents']) {
    if (k in l) throw new InvalidInputError(`learner.${k}: set the event log's size with the maxEvents option`);
  }
  resolveLearnerConfig(l as Partial<LearnerConfig>); // unknown settings, wrong types, ranges, typeWeights
  return { ...(l as Partial<LearnerConfig>) };
}

function normalizeTimeouts(t: unknown): Timeouts {
  if (t === undefined) return { ...DEFAULT_TIMEOUTS };
  if (!t || typeof t !== 'object' || Array.isArray(t)) throw new InvalidInputError('timeouts must be an object like { callMs: 30000 }');
  const out = { ...DEFAULT_TIMEOUTS };
  for (const [k, v] of Object.entries(t)) {
    if (!(k in DEFAULT_TIMEOUTS)) throw new InvalidInputError(`timeouts: unknown key "${k}" (known: ${Object.keys(DEFAULT_TIMEOUTS).join(', ')})`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 1 || v > 2 ** 31 - 1) throw new InvalidInputError(`timeouts.${k} must be a number of ms between 1 and 2^31-1, got ${String(v)}`);
    out[k as keyof Timeouts] = v;
  }
  return out;
}

function normalizeBackend(b: unknown): 'auto' | BackendName[] {
  if (b === 'auto') return 'auto';
  const list = typeof b === 'string' ? [b] : b;
  if (!Array.isArray(list) || list.length === 0 || list.some((x) => !BACKEND_ORDER.includes(x as BackendName))) {
    throw new InvalidInputError(`backend must be 'auto' or a list of ${BACKEND_ORDER.join(', ')}; got ${JSON.stringify(b)}`);
  }
  return list as BackendName[];
}
