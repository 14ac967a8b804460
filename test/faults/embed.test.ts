/**
 * Fault suite, the embed: mistaken consent values are warned about by name and change nothing; consent is
 * remembered on the device; a track that meets a lost worker is retried with the same event ids (stored once);
 * every distinct mistake is warned about; with the model unavailable, clicks are still stored and the full
 * recommender learns them later.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRecommender } from '../../src/client/create_recommender.ts';
import { createDegradedRecommender } from '../../src/embed/degraded.ts';
import { createInstance } from '../../src/embed/instance.ts';
import type { EmbedOptions } from '../../src/embed/options.ts';
import type { EmbedRecommender } from '../../src/embed/runtime_types.ts';
import { WorkerLostError } from '../../src/errors.ts';
import { createTinyModel } from '../../harness/engine_model.ts';
import { fakeLocalStorage } from './harness.ts';

const OPTIONS: EmbedOptions = { model: '/m.json', namespace: 'shop', runtime: 'http://x/rt.js', consent: 'pending' };

function flakyRecommender(failFirst: number): EmbedRecommender & { stored: Map<string, number> } {
  const stored = new Map<string, number>();
  let calls = 0;
  return {
    stored,
    async track(e) {
      for (const x of Array.isArray(e) ? e : [e]) if (!stored.has(x.eventId!)) stored.set(x.eventId!, stored.size);
      if (calls++ < failFirst) throw new WorkerLostError('lost after storing'); // the worst case: stored, not acknowledged
      return { stored: 1, ignored: 0 };
    },
    recommend: async () => [],
    similarItems: async () => [],
    explain: async (itemId) => ({ itemId, because: [], popularity: 1 }),
    stats: async () => ({}) as never,
    exportData: async () => ({}) as never,
    forget: async () => undefined,
    close: async () => undefined,
    subscribe: () => () => undefined,
    setConsent: () => undefined,
  };
}
const runtimeOf = (rec: EmbedRecommender) => async () => ({ start: async () => rec });

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  (globalThis as { localStorage?: Storage }).localStorage = fakeLocalStorage();
});
afterEach(() => vi.restoreAllMocks());

describe('fault: embed consent', () => {
  it("'maybe' is warned about by name, never thrown, and leaves consent as it was", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const inst = createInstance(OPTIONS, runtimeOf(flakyRecommender(0)));
    await expect(inst.run('consent', ['maybe'])).resolves.toBeUndefined();
    expect(inst.consent()).toBe('pending');
    expect(String(warn.mock.calls.at(-1)?.[0])).toMatch(/InvalidInputError: .*'granted' or 'denied', got "maybe"/);
    await inst.run('consent', [42]);
    expect(warn.mock.calls).toHaveLength(2); // a different mistake is warned about too
  });

  it('a choice is remembered for the next page of the same namespace, not for another namespace', async () => {
    const first = createInstance(OPTIONS, runtimeOf(flakyRecommender(0)));
    await first.run('consent', [true]);
    expect(createInstance(OPTIONS, runtimeOf(flakyRecommender(0))).consent()).toBe('granted');
    expect(createInstance({ ...OPTIONS, namespace: 'other' }, runtimeOf(flakyRecommender(0))).consent()).toBe('pending');
    await first.run('consent', ['denied']);
    expect(createInstance({ ...OPTIONS, consent: 'granted' }, runtimeOf(flakyRecommender(0))).consent()).toBe('denied');
  });
});

describe('fault: embed retries', () => {
  it('a track that meets a lost worker is retried with the same ids: acknowledged once, stored once', async () => {
    const rec = flakyRecommender(2);
    const inst = createInstance({ ...OPTIONS, consent: 'granted' }, runtimeOf(rec));
    await expect(inst.run('track', ['select_item', { items: [{ item_id: 'a' }, { item_id: 'b' }] }])).resolves.toEqual({ stored: 1, ignored: 0 });
    expect(rec.stored.size).toBe(2); // two events, three attempts, each id seen once
  });
});

describe('fault: the worker dies at boot', () => {
  it('shelves get the shipped non-personal list, minus the shelf item and what the caller leaves out', async () => {
    const shipped = vi.fn(async () => ['t1', 't2', 't3', 't4', 't5']);
    const degraded = createDegradedRecommender('boot', 'TastebudError: The tastebud worker failed to start', shipped);
    expect(await degraded.recommend({ k: 3 })).toEqual([
      { itemId: 't1', score: 1, source: 'trending' },
      { itemId: 't2', score: 0.5, source: 'trending' },
      { itemId: 't3', score: 1 / 3, source: 'trending' },
    ]);
    expect((await degraded.recommend({ k: 3, placement: 'similar', item: 't1', unavailable: ['t3'], exclude: ['t4'] })).map((r) => r.itemId)).toEqual(['t2', 't5']);
    expect((await degraded.similarItems('t2', { k: 2 })).map((r) => r.itemId)).toEqual(['t1', 't3']);
    expect((await degraded.recommend({ candidates: ['t5', 't2'] })).map((r) => r.itemId)).toEqual(['t2', 't5']);
    expect(shipped).toHaveBeenCalledTimes(1); // fetched once per page
    await degraded.close();
  });

  it('a shipped list that cannot load means empty shelves, not an error', async () => {
    const degraded = createDegradedRecommender('boot-2', 'x', async () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(degraded.recommend({ k: 3 })).resolves.toEqual([]);
    await degraded.close();
  });
});

describe('fault: model unavailable', () => {
  it('clicks are stored with their ids, and the full recommender learns them later', async () => {
    const degraded = createDegradedRecommender('shop', 'ModelLoadError: 404');
    expect(await degraded.recommend({ k: 5 })).toEqual([]);
    await degraded.track([{ itemId: 'item-2', type: 'select', eventId: 'e1', timestamp: 1000 }, { itemId: 'item-6', type: 'select', eventId: 'e2', timestamp: 1001 }]);
    await degraded.track([{ itemId: 'item-2', type: 'select', eventId: 'e1', timestamp: 1000 }]); // a retry
    expect((await degraded.stats()).eventsStored).toBe(2);
    await degraded.close();
    const full = await createRecommender({ modelData: createTinyModel({ numItems: 120 }), namespace: 'shop', worker: false, backend: 'cpu', multiTab: false });
    const data = await full.exportData();
    expect(data.events.map((e) => e.eventId)).toEqual(['e1', 'e2']);
    expect(data.userVector.some((x) => x !== 0)).toBe(true); // learned: the tiny model's prior is all zeros
    await full.close();
  });
});
