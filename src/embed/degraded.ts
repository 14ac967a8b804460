/**
 * What the embed runs when the recommender cannot start (the model does not load, no backend, a deadline
 * passed): clicks are still stored on the device — with their ids, so the full recommender learns them once it
 * starts on a later page — while recommendations are empty, so widgets render nothing instead of staying busy.
 */
import type { Stats, TrackEvent } from '../engine/api.ts';
import { normalizeEvents } from '../engine/validate.ts';
import { openStore } from '../store/open_store.ts';
import type { Store } from '../store/types.ts';
import type { EmbedRecommender } from './runtime_types.ts';

/**
 * @example
 * const rec = createDegradedRecommender('shop', 'ModelLoadError: model.json: 404');
 * await rec.track([{ itemId: 'sku-1', type: 'select', eventId: 'e1' }]); // { stored: 1, ignored: 0 }
 * await rec.recommend({ k: 8 }); // []
 */
export function createDegradedRecommender(namespace: string, reason: string): EmbedRecommender {
  let store: Promise<Store> | null = null;
  const open = (): Promise<Store> => (store ??= openStore(namespace));
  return {
    async track(events: TrackEvent | TrackEvent[]) {
      const list = Array.isArray(events) ? events : [events];
      const checked = normalizeEvents(list.map(({ eventId: _id, ...e }) => e), Date.now);
      const withIds = checked.map((e, i) => ({ ...e, ...(list[i].eventId !== undefined && { eventId: list[i].eventId }) }));
      const stored = await (await open()).appendEvents(withIds);
      return { stored: stored.length, ignored: 0 };
    },
    recommend: async () => [],
    similarItems: async () => [],
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
