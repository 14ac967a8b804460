/**
 * What the embed runs when the recommender cannot start (the worker dies at boot, the model does not load, no
 * backend, a deadline passed): clicks are still stored on the device — with their ids, so the full recommender
 * learns them once it starts on a later page — and every shelf shows the non-personal list shipped next to the
 * model (trending.json), or nothing where that cannot load either, so widgets never stay busy.
 */
import type { Recommendation, RecommendOptions, Stats, TrackEvent } from '../engine/api.ts';
import { normalizeEvents } from '../engine/validate.ts';
import { openStore } from '../store/open_store.ts';
import type { Store } from '../store/types.ts';
import type { EmbedRecommender } from './runtime_types.ts';

/** The shipped list minus the shelf's own item and what the caller leaves out, as trending recommendations. */
function fromShipped(ids: readonly string[], o: RecommendOptions, drop: readonly string[] = []): Recommendation[] {
  const out = new Set([...drop, ...(o.exclude ?? []), ...(o.unavailable ?? []), ...(o.cart ?? []), ...(o.item ? [o.item] : [])]);
  const k = o.k ?? 10;
  const only = o.candidates && new Set(o.candidates);
  return ids.filter((id) => !out.has(id) && (!only || only.has(id))).slice(0, k).map((itemId, n) => ({ itemId, score: 1 / (n + 1), source: 'trending' as const }));
}

/**
 * `shipped` lists the non-personal item ids (the embed reads trending.json); a failure there means no list.
 *
 * @example
 * const rec = createDegradedRecommender('shop', 'TastebudError: the worker failed to start', async () => ['sku-3', 'sku-1']);
 * await rec.track([{ itemId: 'sku-1', type: 'select', eventId: 'e1' }]); // { stored: 1, ignored: 0 }
 * await rec.recommend({ k: 8 }); // [{ itemId: 'sku-3', score: 1, source: 'trending' }, { itemId: 'sku-1', … }]
 */
export function createDegradedRecommender(namespace: string, reason: string, shipped?: () => Promise<readonly string[]>): EmbedRecommender {
  let store: Promise<Store> | null = null;
  const open = (): Promise<Store> => (store ??= openStore(namespace));
  let list: Promise<readonly string[]> | null = null;
  const ids = (): Promise<readonly string[]> => (list ??= (shipped?.() ?? Promise.resolve([])).then((x) => (Array.isArray(x) ? x.filter((id) => typeof id === 'string') : []), () => []));
  return {
    async track(events: TrackEvent | TrackEvent[]) {
      const list = Array.isArray(events) ? events : [events];
      const checked = normalizeEvents(list.map(({ eventId: _id, ...e }) => e), Date.now);
      const withIds = checked.map((e, i) => ({ ...e, ...(list[i].eventId !== undefined && { eventId: list[i].eventId }) }));
      const stored = await (await open()).appendEvents(withIds);
      return { stored: stored.length, ignored: 0 };
    },
    recommend: async (o = {}) => fromShipped(await ids(), o),
    similarItems: async (itemId, o = {}) => fromShipped(await ids(), o, [itemId]),
    explain: async (itemId) => ({ itemId, because: [], popularity: 1 }),
    async stats(): Promise<Stats> {
      const s = await open();
      return {
        backend: 'none',
        backendSkipped: [{ backend: 'all', reason }],
        modelVersion: '',
        numItems: 0,
        eventsStored: await s.countEvents(),
        lastUpdateMs: null,
        lastRecommendMs: null,
        lossHistory: [],
        storage: s.kind,
        persistent: null,
        leader: true,
      };
    },
    async exportData() {
      return { namespace, modelVersion: '', exportedAt: Date.now(), events: await (await open()).readEvents(0), userVector: [] };
    },
    forget: async () => (await open()).clear(),
    close: async () => (await open()).close(),
    subscribe: () => () => undefined,
  };
}
