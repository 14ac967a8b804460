// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- a global `declare module '*?url'` script, not importable
/// <reference path="../kernels/vite_env.d.ts" />
/**
 * The recommender host: what runs in the Worker (and inline with `worker: false`). `init` opens the namespace's
 * store, loads the model through the cache and creates the engine on the plain-TypeScript scan, which needs no
 * backend; TF.js and its backends load after that (a dynamic import, so they are separate chunks): the chosen
 * backend's scanner then takes over. With `lazyBackend` init resolves before the backend is up, so the first
 * answer waits for no TF.js download. Under `backend: 'auto'` the backend is the one measured fastest on this
 * device for this catalogue (auto_backend.ts): cached from an earlier load, or measured where the backend would
 * start (the plain scan answers meanwhile). Then it joins the tabs of its namespace — the Web Lock holder applies
 * events, the others forward theirs and refresh from the store after each checkpoint the leader commits.
 */
// (The reference above: the kernels import Vite `?url` assets; any program that reaches the host, e.g. the
// embed's inline path, needs that declaration.)
import { releaseProxy } from 'comlink';
import type { AutoBackendStats, ExportedData, Explanation, Recommendation, RecommendOptions, SimilarOptions, Stats, TrackEvent } from '../engine/api.ts';
import { createEngine, type Engine } from '../engine/engine.ts';
import { normalizeEvents } from '../engine/validate.ts';
import { BackendError, ClosedError, InvalidInputError, TastebudError } from '../errors.ts';
import type { BackendChoice } from '../kernels/types.ts';
import type { GlobalModel } from '../model/global_model.ts';
import { assertNamespace, openStore } from '../store/open_store.ts';
import { createBootScanner, type BootScanner } from './boot_scanner.ts';
import { withEventIds, type EventIdStore } from './event_ids.ts';
import type { HostApi, HostInitOptions, InitReport, ModelRefresh, UpdateListener } from './host_api.ts';
import { createLazySequence, type LazySequence } from './lazy_sequence.ts';
import { defaultLocks, requestLeadership, type Leadership } from './leadership.ts';
import { loadGlobalModel, loadModelIfChanged } from './model_source.ts';
import { TabLink, type Announcement, type TrackResult } from './tab_link.ts';
import type { MovableScanner, ResilientScanner } from './resilient_scanner.ts';
import type { AutoBackendReport } from './backend_timing.ts';

/** The TF.js half of the worker (tf_backend.ts), fetched on first use. */
type TfBackend = typeof import('./tf_backend.ts');
const loadTf = (): Promise<TfBackend> => import('./tf_backend.ts');

interface Running {
  engine: Engine;
  store: EventIdStore;
  /** The plain scan until the backend is up, then the backend's scanner (a new model brings a new one). */
  scanner: ResilientScanner;
  /** The backend's scanner once it is up (what `auto`'s measurement moves); null while TF.js loads. */
  device: MovableScanner | null;
  report: InitReport;
  /** The backend chosen; null while TF.js loads (or when no backend could start: the plain scan stays). */
  choice: BackendChoice | null;
  /** Why no TF.js backend could start, when none could. */
  backendFailed: string | null;
  leadership: Leadership | null;
  link: TabLink | null;
  /** The sequence encoder per model: plain until the backend is up, then the backend's pick; in stats(). */
  sequence: LazySequence;
  model: GlobalModel;
  /** Under `backend: 'auto'`: the measurement (stats().autoBackend); null before it starts. */
  auto: AutoBackendStats | null;
}

/**
 * @example
 * const host = new RecommenderHost();
 * await host.init({ namespace: 'shop', model: 'https://shop.example/model.json', backend: 'auto', consent: true, maxEvents: 10_000, multiTab: true });
 * await host.recommend({ k: 5 });
 */
export class RecommenderHost implements HostApi {
  #run: Running | null = null;
  #starting = false;
  #closed = false;
  #consent = true;
  #options: HostInitOptions | null = null;
  #refreshing: Promise<ModelRefresh> | null = null;
  #tf: TfBackend | null = null;
  /** Settles once the backend is up, or (lazyBackend) given up: with lazyBackend it never rejects. */
  #backend: Promise<void> = Promise.resolve();
  /** lazyBackend: starts loading the backend; called after the first answer went out (or when someone waits). */
  #kick: (() => void) | null = null;
  /** `auto`'s measurement while it runs: close and a model refresh wait for it (it stops before its next candidate). */
  #tuning: Promise<unknown> | null = null;
  #nextListener = 1;
  readonly #listeners = new Map<number, UpdateListener>();

  async init(o: HostInitOptions): Promise<InitReport> {
    if (this.#starting || this.#run) throw new TastebudError('init() was already called on this host');
    this.#starting = true;
    assertNamespace(o.namespace);
    this.#consent = o.consent;
    this.#options = o;
    // Without lazyBackend a backend that cannot start fails init, as before anything is opened.
    const early = o.lazyBackend ? null : await this.#chooseBackend();
    const store = withEventIds(await openStore(o.namespace), () => this.#announce('updated'));
    try {
      const { model, source } = o.modelData ? { model: o.modelData, source: 'memory' } : await loadGlobalModel({ url: o.model ?? '', store, maxBytes: o.maxModelBytes });
      const scanner = createBootScanner(model);
      const learner = { ...o.learner, maxEvents: o.maxEvents, keepEvents: Math.ceil(o.maxEvents / 2) };
      const sequence = createLazySequence();
      const engine = await createEngine({ model, store, namespace: o.namespace, learner, scanner, sequenceEncoder: (p) => sequence.create(p) });
      engine.setPersonal(o.consent);
      const report: InitReport = { backend: scanner.backend, storage: store.kind, modelVersion: model.modelVersion, modelSource: source };
      const run: Running = { engine, store, scanner, device: null, report, choice: null, backendFailed: null, leadership: null, link: null, sequence, model, auto: null };
      this.#run = run;
      engine.onUpdate(() => this.#notify());
      // The memory store is private to this tab: sharing events would need the shared database.
      if (o.multiTab && store.kind === 'indexeddb') this.#joinTabs(o.namespace);
      if (o.lazyBackend) {
        // TF.js loads after the first answer: its parsing and the backend's start-up (shader or wasm compiles)
        // share this thread, so starting them at once would delay exactly the answer they are deferred for.
        const kicked = new Promise<void>((resolve) => (this.#kick = resolve));
        this.#backend = kicked.then(() => this.#startBackend(run, model, scanner, null));
      } else {
        this.#backend = this.#startBackend(run, model, scanner, early);
        await this.#backend;
      }
      return run.report;
    } catch (e) {
      if (this.#run) await this.close().catch(() => undefined); // closes the engine and with it the store
      else await store.close().catch(() => undefined);
      throw e;
    }
  }

  /** The report once the TF.js backend is up (or given up: then `backend` stays 'plain'). */
  async backendReady(): Promise<InitReport> {
    await this.#backendStarted();
    return this.#ready().report;
  }

  async track(input: TrackEvent | TrackEvent[]): Promise<TrackResult> {
    const run = this.#ready();
    const events = stamp(input);
    normalizeEvents(events.map(withoutId), Date.now); // bad input fails here, before anything is sent or stored
    if (!this.#consent || events.length === 0) return { stored: 0, ignored: events.length };
    if (run.link && !run.leadership?.isLeader) return run.link.forward(events);
    return this.#apply(events);
  }

  recommend(options?: RecommendOptions): Promise<Recommendation[]> {
    return this.#answered(this.#ready().engine.recommend(options));
  }

  similarItems(itemId: string, options?: SimilarOptions): Promise<Recommendation[]> {
    return this.#answered(this.#ready().engine.similarItems(itemId, options));
  }

  explain(itemId: string): Promise<Explanation> {
    return this.#ready().engine.explain(itemId);
  }

  async stats(): Promise<Stats> {
    const run = this.#ready();
    const s = await run.engine.stats();
    const persistent = await persisted();
    // Everything below is read in one synchronous step: a backend measurement that ends during an await must
    // not pair the old backend with its finished report.
    const fallback = run.store.fallbackReason;
    const lost = run.scanner.lost;
    const seq = run.sequence.report;
    return {
      ...s,
      backend: run.scanner.backend,
      backendSkipped: run.choice?.skipped ?? (run.backendFailed ? [{ backend: 'tfjs', reason: run.backendFailed }] : []),
      ...(!run.choice && !run.backendFailed && { backendLoading: true }),
      ...(lost.length > 0 && { backendLost: lost.map((x) => ({ ...x })) }),
      consent: this.#consent,
      ...(run.store.lastError && { storageError: run.store.lastError }),
      storage: run.store.kind,
      ...(fallback && { storageFallbackReason: fallback }),
      leader: run.leadership?.isLeader ?? true,
      persistent,
      ...(seq && s.learner.sequence && { sequenceEncoder: seq }), // only while the model reads the click order
      ...(run.auto && { autoBackend: structuredClone(run.auto) }),
    };
  }

  exportData(): Promise<ExportedData> {
    return this.#ready().engine.exportData();
  }

  async forget(): Promise<void> {
    const run = this.#ready();
    // A follower has the leader erase: its forget then resolves only once the erase happened, and the leader's
    // queue orders it against every event acknowledged before or after.
    if (run.link && !run.leadership?.isLeader && (await run.link.forwardForget())) {
      run.store.skipNextClear();
      await run.engine.forget(); // this tab's memory only; the leader erased the store
      return;
    }
    await run.engine.forget();
    this.#announce('forgot');
  }

  async setConsent(granted: boolean): Promise<void> {
    if (typeof granted !== 'boolean') throw new InvalidInputError('setConsent(granted) takes true or false');
    const run = this.#ready();
    this.#consent = granted;
    run.engine.setPersonal(granted); // at once: the next recommend is the non-personal list
    this.#notify();
  }

  async ping(): Promise<true> {
    return true;
  }

  /**
   * Test hook of the fault suite (never called by tastebud itself): 'lose-device' loses the GPU device of the
   * backend in use, 'stall' blocks this thread for `ms`, 'crash' ends the worker (`close()` on its global).
   */
  async simulateFault(kind: 'lose-device' | 'stall' | 'crash', ms = 0): Promise<boolean> {
    const run = this.#ready();
    if (kind === 'lose-device') return this.#tf?.loseDevice(run.scanner.backend) ?? false;
    if (kind === 'stall') {
      for (const end = Date.now() + ms; Date.now() < end; ) {
        // busy: a stuck kernel or an endless loop, as the heartbeat sees it
      }
      return true;
    }
    const scope = globalThis as { close?: () => void; WorkerGlobalScope?: unknown };
    if (!scope.WorkerGlobalScope || !scope.close) return false;
    setTimeout(() => scope.close!(), 0);
    return true;
  }

  async subscribe(listener: UpdateListener): Promise<number> {
    this.#ready();
    if (typeof listener !== 'function') throw new InvalidInputError('subscribe(listener) takes a function');
    const id = this.#nextListener++;
    this.#listeners.set(id, listener);
    return id;
  }

  async unsubscribe(id: number): Promise<void> {
    const l = this.#listeners.get(id);
    this.#listeners.delete(id);
    (l as Partial<Record<typeof releaseProxy, () => void>> | undefined)?.[releaseProxy]?.();
  }

  refreshModel(): Promise<ModelRefresh> {
    this.#ready();
    // Calls while a check runs share it: one download, one transfer.
    this.#refreshing ??= this.#refreshModel().finally(() => (this.#refreshing = null));
    return this.#refreshing;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const run = this.#run;
    this.#run = null;
    if (!run) return;
    await this.#tuning; // stops before its next candidate
    run.leadership?.release();
    run.link?.close();
    await run.engine.close(); // finishes pending learning, checkpoints, closes the store
    run.scanner.dispose();
    for (const id of [...this.#listeners.keys()]) await this.unsubscribe(id);
  }

  #ready(): Running {
    if (this.#closed) throw new ClosedError('This recommender was closed; create a new one with createRecommender().');
    if (!this.#run) throw new TastebudError('The recommender is not ready: await createRecommender() before using it.');
    return this.#run;
  }

  async #apply(events: TrackEvent[]): Promise<TrackResult> {
    const run = this.#ready();
    const done = run.store.expect(events);
    try {
      return await run.engine.track(events.map(withoutId));
    } finally {
      done();
    }
  }

  async #refreshModel(): Promise<ModelRefresh> {
    const run = this.#ready();
    const previousVersion = run.report.modelVersion;
    const url = this.#options?.model;
    if (!url) return { updated: false, modelVersion: previousVersion, previousVersion }; // modelData: nothing to re-check
    await this.#backendStarted(); // the new model's scanner goes on the backend in use
    const next = await loadModelIfChanged({ url, store: run.store, maxBytes: this.#options?.maxModelBytes }, previousVersion);
    if (!next) return { updated: false, modelVersion: previousVersion, previousVersion };
    await this.#tuning; // one user of TF.js's active backend at a time
    // No backend (the TF.js chunk did not load, or none started): the new model goes on a plain scan as well.
    const device = run.device ? await this.#scanner(next.model, run.scanner.backend) : null;
    const scanner = device ?? createBootScanner(next.model);
    try {
      await run.engine.setModel(next.model, scanner); // re-fits the shopper's state from the events
    } catch (e) {
      scanner.dispose();
      throw e;
    }
    run.scanner.dispose(); // the engine no longer holds it
    run.scanner = scanner;
    run.device = device;
    run.model = next.model;
    run.report = { ...run.report, modelVersion: next.model.modelVersion, modelSource: next.source };
    if (this.#options?.backend === 'auto') this.#tune(run); // another catalogue: measured again
    this.#announce('model');
    return { updated: true, modelVersion: next.model.modelVersion, previousVersion };
  }

  #joinTabs(namespace: string): void {
    const run = this.#run!;
    const name = `tastebud/${namespace}`;
    run.link = new TabLink({
      channelName: name,
      isLeader: () => run.leadership?.isLeader ?? false,
      applyTrack: (events) => this.#apply(events),
      applyForget: async () => {
        await run.engine.forget();
        this.#announce('forgot');
      },
      onAnnouncement: (kind) => void this.#heard(kind),
    });
    // A new leader first learns whatever the previous one stored but this tab has not replayed yet.
    run.leadership = requestLeadership(name, defaultLocks(), () => run.engine.refreshFromStore());
  }

  async #heard(kind: Announcement): Promise<void> {
    const run = this.#run;
    if (!run) return;
    try {
      if (kind === 'model') {
        await this.refreshModel(); // the version is cached by now: no download; unchanged: nothing happens
      } else if (kind === 'forgot') {
        // Every tab drops its in-memory state. Only the leader clears the store again, to undo a checkpoint it
        // may have raced in; a follower's clear could delete events the leader stored after that forget.
        if (!run.leadership?.isLeader) run.store.skipNextClear();
        await run.engine.forget();
      } else {
        await run.engine.refreshFromStore();
      }
    } catch (e) {
      if (!(e instanceof ClosedError)) console.warn(`tastebud: could not apply another tab's ${kind}:`, e);
    }
  }

  /** After the first answer is sent (a task later, so comlink posts it first), the backend starts loading. */
  #answered<T>(answer: Promise<T>): Promise<T> {
    if (!this.#kick) return answer; // started already: every later answer passes straight through
    return answer.finally(() => {
      if (this.#kick) setTimeout(() => void this.#backendStarted(), 0);
    });
  }

  #backendStarted(): Promise<void> {
    const kick = this.#kick;
    this.#kick = null;
    kick?.();
    return this.#backend;
  }

  /** A chunk that cannot be fetched (network, 404, CSP) fails by name; a later call tries the import again. */
  async #loadTf(): Promise<TfBackend> {
    try {
      return (this.#tf ??= await loadTf());
    } catch (e) {
      throw new BackendError(`the TF.js chunk did not load (${String(e)})`);
    }
  }

  /** TF.js once loaded; only reached on paths that run after a load succeeded (a backend scanner exists). */
  #loadedTf(): TfBackend {
    if (!this.#tf) throw new BackendError('TF.js is not loaded: recommendations run on the plain-TypeScript scan');
    return this.#tf;
  }

  async #chooseBackend(): Promise<{ choice: BackendChoice }> {
    return { choice: await (await this.#loadTf()).chooseBackend(this.#options?.backend ?? 'auto') };
  }

  /**
   * Loads TF.js and the backend (unless `early` did), puts the catalogue on it and moves the engine's scans and
   * sequence encodes there. Under `auto` the backend is the cached or measured winner (`#autoFirst`). Lazily
   * started, a failure keeps the plain scan (and says why in stats()).
   */
  async #startBackend(run: Running, model: GlobalModel, boot: BootScanner, early: { choice: BackendChoice } | null): Promise<void> {
    if (this.#run !== run) return; // closed before it started
    try {
      const tf = await this.#loadTf();
      const auto = this.#options?.backend === 'auto' ? await this.#autoFirst(run, model, early === null) : null;
      if (this.#run !== run) return; // closed while it measured
      const { choice } = auto ? { choice: await tf.chooseBackend(tf.preferenceFor(auto.choice)) } : (early ?? (await this.#chooseBackend()));
      const scanner = await this.#scanner(model, auto?.choice === 'plain' ? 'plain' : choice.backend);
      if (this.#run !== run) return scanner.dispose(); // closed meanwhile
      boot.upgrade(scanner); // the engine's scans go to the backend from the next query on
      run.device = scanner;
      run.choice = choice;
      run.report = { ...run.report, backend: scanner.backend };
      await run.sequence.adopt(tf.sequenceEncoderChooser(choice));
      if (this.#options?.backend === 'auto' && !auto && !run.auto) this.#tune(run); // first visit, eager start
    } catch (e) {
      if (!early && this.#options?.lazyBackend) {
        run.backendFailed = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        console.warn(`tastebud: ${run.backendFailed}; recommendations stay on the plain-TypeScript scan`);
      } else throw e;
    }
    if (this.#options?.lazyBackend) this.#notify(); // stats() changed (and listeners re-render in place)
  }

  /**
   * `auto` before the backend starts: the winner cached for this device and model version, or (`measureNow`,
   * the lazy boot: the plain scan answers meanwhile and nothing runs on TF.js yet) a measurement now. Null: the
   * fixed order starts, and without `measureNow` `#tune` measures once the backend is up.
   */
  async #autoFirst(run: Running, model: GlobalModel, measureNow: boolean): Promise<AutoBackendReport | null> {
    const tf = this.#loadedTf();
    const cached = await tf.cachedAutoBackend(run.store, model.modelVersion);
    if (cached || !measureNow) {
      if (cached) run.auto = { state: 'done', ...cached };
      return cached ?? null;
    }
    run.auto = { state: 'measuring' };
    const measuring = tf.measureAutoBackend({ model, store: run.store, stopped: () => this.#run !== run });
    this.#tuning = measuring.catch(() => undefined).finally(() => (this.#tuning = null));
    try {
      const report = await measuring;
      run.auto = { state: 'done', ...report };
      return report;
    } catch (e) {
      this.#autoFailed(run, e);
      return null;
    }
  }

  /** `auto` with a backend running: the measurement in the background; the scans move to the winner. */
  #tune(run: Running): void {
    const scanner = run.device;
    if (!scanner) return;
    const seq = run.sequence.report?.backend;
    run.auto = { state: 'measuring' };
    const pinned = seq && seq !== 'none' ? seq : undefined;
    this.#tuning = this.#loadedTf().tuneAutoBackend({ model: run.model, store: run.store, scanner, pinned, stopped: () => this.#run !== run })
      .then((r) => {
        run.auto = { state: 'done', ...r };
        run.report = { ...run.report, backend: scanner.backend };
      })
      .catch((e: unknown) => this.#autoFailed(run, e))
      .finally(() => {
        this.#tuning = null;
        this.#notify();
      });
  }

  #autoFailed(run: Running, e: unknown): void {
    run.auto = { state: 'failed', error: String(e).slice(0, 300) };
    if (this.#run === run) console.warn(`tastebud: the backend measurement failed (${String(e)}); recommendations run on the usual order`);
  }

  /** A scanner on `backend` that falls back along the caller's list when the device is lost. */
  #scanner(model: GlobalModel, backend: string): Promise<MovableScanner> {
    return this.#loadedTf().createDeviceScanner(model, {
      backend,
      preference: this.#options?.backend ?? 'auto',
      onSwitch: (lost, now) => {
        console.warn(`tastebud: BackendError: ${lost.reason}; recommendations now run on ${now}`);
        this.#notify();
      },
    });
  }

  #announce(kind: Announcement): void {
    this.#run?.link?.announce(kind);
  }

  #notify(): void {
    for (const l of this.#listeners.values()) {
      // A comlink proxy returns a promise; a page that went away must not break learning.
      Promise.resolve()
        .then(() => l())
        .catch(() => undefined);
    }
  }
}

/** Fills the defaults the engine would (type, timestamp) so that an event has one identity across retries. */
function stamp(input: TrackEvent | TrackEvent[]): TrackEvent[] {
  const list = Array.isArray(input) ? input : [input];
  const now = Date.now();
  return list.map((e) => {
    if (!e || typeof e !== 'object' || Array.isArray(e)) return e;
    if (e.eventId !== undefined && (typeof e.eventId !== 'string' || e.eventId.length === 0 || e.eventId.length > 128)) {
      throw new InvalidInputError(`eventId must be a non-empty string of at most 128 characters, got ${typeof e.eventId}`);
    }
    return { ...e, type: e.type ?? 'select', timestamp: e.timestamp ?? now };
  });
}

function withoutId(e: TrackEvent): TrackEvent {
  if (!e || typeof e !== 'object' || !('eventId' in e)) return e;
  const { eventId: _id, ...rest } = e;
  return rest;
}

async function persisted(): Promise<boolean | null> {
  const storage = (globalThis as { navigator?: { storage?: { persisted?: () => Promise<boolean> } } }).navigator?.storage;
  try {
    return storage?.persisted ? await storage.persisted() : null;
  } catch {
    return null;
  }
}
