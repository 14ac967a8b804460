/**
 * The recommender the caller holds: the same verbs whether the host runs in a Worker (behind comlink) or inline.
 * Errors are rebuilt as tastebud's named classes (comlink keeps only name, message and stack) so `instanceof`
 * works, every call has a deadline (src/client/supervisor.ts), and every verb after close() rejects with
 * ClosedError.
 */
import { proxy } from 'comlink';
import type { ExportedData, Explanation, Recommendation, RecommendOptions, RecommenderApi, SimilarOptions, Stats, TrackEvent } from '../engine/api.ts';
import { ClosedError, WorkerLostError } from '../errors.ts';
import type { HostApi, InitReport, ModelRefresh, UpdateListener } from '../worker/host_api.ts';
import { mergePersistent, type Persistence } from './persistence.ts';
import { DEFAULT_TIMEOUTS, Supervisor } from './supervisor.ts';

export interface Recommender extends RecommenderApi {
  /** What init found: backend, storage, model version and where the model came from. */
  readonly ready: InitReport;
  /**
   * Calls `listener` whenever recommendations may have changed (this tab learned, another tab did, forget).
   * Returns the unsubscribe function.
   * @example const stop = recs.subscribe(() => render(await recs.recommend({ k: 8 })));
   */
  subscribe(listener: UpdateListener): () => void;
  /** Gives or withdraws consent to learn; without it `track` stores nothing. */
  setConsent(granted: boolean): Promise<void>;
  /**
   * Picks up a model version the shop published while the page is open: re-checks model.json (a conditional
   * request) and, on a new version, downloads it and transfers the shopper's state; subscribers are notified.
   * `ready` keeps the start-up report; `stats().modelVersion` is the version in use.
   * @example
   * const { updated, modelVersion } = await recs.refreshModel(); // { updated: true, modelVersion: 'v42', … }
   */
  refreshModel(): Promise<ModelRefresh>;
}

/**
 * Wraps a host (a comlink Remote or the host object itself) as a Recommender, under a supervisor that only
 * enforces deadlines (no restart: use createRecommender for that). `persistence` (main thread only) is asked
 * again when consent is given and its answer merged into `stats().persistent`.
 * @example const recs = wrapHost(remote, report, () => worker.terminate());
 */
export function wrapHost(host: HostApi, ready: InitReport, dispose: () => void, persistence?: Persistence): Recommender {
  return createClient(Supervisor.adopt({ host, started: Promise.resolve(ready), dispose }, ready, DEFAULT_TIMEOUTS), { persistence });
}

export interface ClientOptions {
  persistence?: Persistence;
  /** Told each consent the caller gives (remembered for reloads and used by a restarted worker). */
  onConsent?: (granted: boolean) => void;
}

/**
 * The Recommender over a supervised host: deadlines, restarts, listeners carried over to a new worker, and
 * events stamped with an id and a timestamp here, at the call site, so a retry (ours after a restart, or the
 * caller's with the same event object) is stored once.
 * @example const recs = createClient(await Supervisor.start(connect, DEFAULT_TIMEOUTS), {});
 */
export function createClient(sup: Supervisor, options: ClientOptions): Recommender {
  const { persistence, onConsent } = options;
  const listeners = new Map<number, { listener: UpdateListener; remote: Promise<number> }>();
  let nextListener = 1;
  let closed = false;
  const assertOpen = (): void => {
    if (closed) throw new ClosedError('This recommender was closed; create a new one with createRecommender().');
  };
  const remoteSubscribe = (host: HostApi, listener: UpdateListener): Promise<number> => {
    // A comlink proxy lets the worker call back into this thread; inline it is just the function.
    const id = host.subscribe(proxy(listener));
    id.catch(() => undefined);
    return id;
  };
  sup.onRestart = async (host) => {
    for (const entry of listeners.values()) entry.remote = remoteSubscribe(host, entry.listener);
    // The new worker restored from storage: whatever the page shows may be stale.
    for (const { listener } of listeners.values()) Promise.resolve().then(listener).catch(() => undefined);
  };
  const ids = createEventStamper();
  const client: Recommender = {
    ready: sup.report!,
    track: (events: TrackEvent | TrackEvent[]) => sup.call('track', (h) => h.track(ids.stamp(events)), true),
    recommend: (o?: RecommendOptions): Promise<Recommendation[]> => sup.call('recommend', (h) => h.recommend(o), true),
    similarItems: (itemId: string, o?: SimilarOptions): Promise<Recommendation[]> => sup.call('similarItems', (h) => h.similarItems(itemId, o), true),
    explain: (itemId: string): Promise<Explanation> => sup.call('explain', (h) => h.explain(itemId), true),
    stats: (): Promise<Stats> =>
      sup.call(
        'stats',
        async (h) => {
          const s = { ...(await h.stats()), workerRestarts: sup.restarts };
          return persistence ? { ...s, persistent: mergePersistent(s.persistent, persistence.granted) } : s;
        },
        true,
      ),
    exportData: (): Promise<ExportedData> => sup.call('exportData', (h) => h.exportData(), true),
    forget: () => sup.call('forget', (h) => h.forget(), false),
    setConsent: (granted: boolean) =>
      sup.call(
        'setConsent',
        async (h) => {
          await h.setConsent(granted);
          onConsent?.(granted);
          if (granted) persistence?.request();
        },
        true,
      ),
    refreshModel: (): Promise<ModelRefresh> => sup.call('refreshModel', (h) => h.refreshModel(), true),
    subscribe(listener: UpdateListener): () => void {
      assertOpen();
      const id = nextListener++;
      const entry = { listener, remote: Promise.reject<number>(new WorkerLostError('no worker yet')) };
      entry.remote.catch(() => undefined);
      listeners.set(id, entry);
      void sup.call('subscribe', async (h) => (entry.remote = remoteSubscribe(h, listener)), false).catch(() => undefined);
      return () => {
        listeners.delete(id);
        if (!closed) void sup.call('unsubscribe', async (h) => h.unsubscribe(await entry.remote), false).catch(() => undefined);
      };
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await sup.close();
    },
  };
  // The fault suite's handle (not public API): recs[Symbol.for('tastebud.faults')]('crash').
  Object.defineProperty(client, FAULTS, { value: (kind: 'lose-device' | 'stall' | 'crash', ms?: number) => sup.call('simulateFault', (h) => h.simulateFault(kind, ms), false) });
  return client;
}

/** Key of the fault suite's hook on a Recommender. */
export const FAULTS = Symbol.for('tastebud.faults');

/**
 * Gives each event an id and a timestamp once: the same event object passed again (a retry) gets the same
 * ones, so the store keeps it once.
 * @example const s = createEventStamper(); const e = { itemId: 'a' }; s.stamp(e)[0].eventId === s.stamp(e)[0].eventId // true
 */
export function createEventStamper(): { stamp(input: TrackEvent | TrackEvent[]): TrackEvent[] } {
  const known = new WeakMap<object, { eventId: string; timestamp: number }>();
  return {
    stamp(input) {
      const list = Array.isArray(input) ? input : [input];
      const now = Date.now();
      return list.map((e) => {
        if (!e || typeof e !== 'object' || Array.isArray(e)) return e;
        const ids = known.get(e) ?? { eventId: newEventId(), timestamp: now };
        known.set(e, ids);
        return { ...e, eventId: e.eventId ?? ids.eventId, timestamp: e.timestamp ?? ids.timestamp };
      });
    },
  };
}

/** A random id; `crypto.randomUUID` exists only in secure contexts, `getRandomValues` everywhere. */
function newEventId(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const bytes = c.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
