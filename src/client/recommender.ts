/**
 * The recommender the caller holds: the same verbs whether the host runs in a Worker (behind comlink) or inline.
 * Errors are rebuilt as tastebud's named classes (comlink keeps only name, message and stack) so `instanceof`
 * works, and every verb after close() rejects with ClosedError.
 */
import { proxy } from 'comlink';
import type { ExportedData, Explanation, Recommendation, RecommendOptions, RecommenderApi, SimilarOptions, Stats, TrackEvent } from '../engine/api.ts';
import { ClosedError, reviveError } from '../errors.ts';
import type { HostApi, InitReport, ModelRefresh, UpdateListener } from '../worker/host_api.ts';
import { mergePersistent, type Persistence } from './persistence.ts';

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
 * Wraps a host (a comlink Remote or the host object itself) as a Recommender. `persistence` (main thread only)
 * is asked again when consent is given and its answer merged into `stats().persistent`.
 * @example const recs = wrapHost(remote, report, () => worker.terminate());
 */
export function wrapHost(host: HostApi, ready: InitReport, dispose: () => void, persistence?: Persistence): Recommender {
  let closed = false;
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    if (closed) throw new ClosedError('This recommender was closed; create a new one with createRecommender().');
    try {
      return await run();
    } catch (e) {
      throw reviveError(e);
    }
  };
  return {
    ready,
    track: (events: TrackEvent | TrackEvent[]) => call(() => host.track(events)),
    recommend: (options?: RecommendOptions): Promise<Recommendation[]> => call(() => host.recommend(options)),
    similarItems: (itemId: string, options?: SimilarOptions): Promise<Recommendation[]> => call(() => host.similarItems(itemId, options)),
    explain: (itemId: string): Promise<Explanation> => call(() => host.explain(itemId)),
    stats: (): Promise<Stats> =>
      call(async () => {
        const s = await host.stats();
        return persistence ? { ...s, persistent: mergePersistent(s.persistent, persistence.granted) } : s;
      }),
    exportData: (): Promise<ExportedData> => call(() => host.exportData()),
    forget: () => call(() => host.forget()),
    setConsent: (granted: boolean) =>
      call(async () => {
        await host.setConsent(granted);
        if (granted) persistence?.request();
      }),
    refreshModel: (): Promise<ModelRefresh> => call(() => host.refreshModel()),
    subscribe(listener: UpdateListener): () => void {
      if (closed) throw new ClosedError('This recommender was closed; create a new one with createRecommender().');
      // A comlink proxy lets the worker call back into this thread; inline it is just the function.
      const id = host.subscribe(proxy(listener));
      id.catch(() => undefined);
      return () => void id.then((n) => (closed ? undefined : host.unsubscribe(n))).catch(() => undefined);
    },
    async close(): Promise<void> {
      if (closed) return;
      try {
        await host.close();
      } catch (e) {
        throw reviveError(e);
      } finally {
        closed = true;
        dispose();
      }
    },
  };
}
