import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { MessageChannel } from 'node:worker_threads';
import { expose, wrap } from 'comlink';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecommender } from '../../src/client/create_recommender.ts';
import { wrapHost, type Recommender } from '../../src/client/recommender.ts';
import { RecommenderHost } from '../../src/worker/host.ts';
import type { HostApi, HostInitOptions } from '../../src/worker/host_api.ts';
import { ClosedError, InvalidInputError, ModelLoadError, UnknownItemError } from '../../src/errors.ts';
import { clusterOf, createTinyModel } from '../../harness/engine_model.ts';

const model = createTinyModel({ numItems: 120 });
const open: Recommender[] = [];
const make = async (extra: Parameters<typeof createRecommender>[0] = {}): Promise<Recommender> => {
  const r = await createRecommender({ modelData: model, namespace: 'shop', backend: 'cpu', worker: false, multiTab: false, ...extra });
  open.push(r);
  return r;
};

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});
afterEach(async () => {
  for (const r of open.splice(0)) await r.close().catch(() => undefined);
});

describe('createRecommender (inline)', () => {
  it('resolves ready: backend chosen, IndexedDB open, model loaded', async () => {
    const r = await make();
    expect(r.ready).toEqual({ backend: 'cpu', storage: 'indexeddb', modelVersion: 'tiny-1', modelSource: 'memory' });
    const s = await r.stats();
    expect([s.backend, s.storage, s.modelVersion, s.numItems, s.eventsStored, s.leader]).toEqual(['cpu', 'indexeddb', 'tiny-1', 120, 0, true]);
  });

  it('learns toward clicked items and keeps state across a restart', async () => {
    const r = await make();
    const clicks = ['item-2', 'item-6', 'item-10', 'item-14', 'item-18', 'item-22'];
    for (const itemId of clicks) await r.track({ itemId, type: 'select' });
    const before = await r.exportData(); // waits for learning and the checkpoint
    const recs = await r.recommend({ k: 10 });
    expect(recs.filter((x) => clusterOf(x.itemId) === 2).length).toBeGreaterThanOrEqual(6);
    await r.close();
    const again = await make();
    const after = await again.exportData();
    expect(after.events.map((e) => e.itemId)).toEqual(clicks);
    expect(after.userVector).toEqual(before.userVector);
    expect(await again.recommend({ k: 10 })).toEqual(recs);
  });

  it('rejects with named errors and changes nothing stored', async () => {
    await expect(createRecommender({ worker: false, namespace: 'shop' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(createRecommender({ worker: false, modelData: model, bogus: 1 } as never)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(createRecommender({ worker: false, modelData: model, backend: 'tpu' as never })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(createRecommender({ worker: true, modelData: model })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(make({ modelData: undefined, model: 'http://127.0.0.1:9/model.json' })).rejects.toBeInstanceOf(ModelLoadError);
    const r = await make();
    await r.track({ itemId: 'item-1' });
    await expect(r.track([{ itemId: 'item-2' }, { itemId: 'item-3', type: 'stare' as never }])).rejects.toBeInstanceOf(InvalidInputError);
    await expect(r.track({ itemId: 'item-2', eventId: 42 as never })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(r.similarItems('no-such-item')).rejects.toBeInstanceOf(UnknownItemError);
    expect((await r.stats()).eventsStored).toBe(1);
    await r.close();
    await expect(r.recommend()).rejects.toBeInstanceOf(ClosedError);
  });

  it('takes learner settings, and rejects bad ones by name before anything starts', async () => {
    const views = { view: 0, select: 1, add_to_cart: 2, purchase: 3 };
    const r = await make({ learner: { typeWeights: views, attributeWeight: 0.3 } });
    await r.track([{ itemId: 'item-2', type: 'select' }, { itemId: 'item-7', type: 'view' }]);
    await r.exportData(); // waits for learning
    expect((await r.stats()).eventsStored).toBe(2);
    // the view is stored but, weighed 0, not learned: one learned event
    expect(((await r.stats()) as unknown as { learner: { learned: number } }).learner.learned).toBe(1);
    for (const learner of [{ alpha: -1 }, { nope: 1 }, { maxEvents: 5 }, { halfLifeEvents: '3' }, { loss: 'mse' }, { typeWeights: { ...views, view: Number.NaN } }, { typeWeights: { stare: 1 } }, [1]]) {
      await expect(make({ learner: learner as never })).rejects.toBeInstanceOf(InvalidInputError);
    }
  });

  it('stores nothing without consent, and learns once consent is given', async () => {
    const r = await make({ consent: false });
    let updates = 0;
    r.subscribe(() => void updates++);
    expect(await r.track({ itemId: 'item-1' })).toEqual({ stored: 0, ignored: 1 });
    expect((await r.stats()).eventsStored).toBe(0);
    await r.setConsent(true);
    expect(await r.track({ itemId: 'item-1' })).toEqual({ stored: 1, ignored: 0 });
    await r.exportData();
    expect(updates).toBeGreaterThanOrEqual(2); // consent change + learning
  });

  it('keeps a retried eventId once', async () => {
    const r = await make();
    await r.track({ itemId: 'item-1', timestamp: 1000, eventId: 'click-1' });
    await r.track({ itemId: 'item-1', timestamp: 1000, eventId: 'click-1' });
    const plain = { itemId: 'item-1', timestamp: 1000 };
    await r.track(plain);
    await r.track(plain); // the same event object again: a retry, given the same id at the call site
    const ids = (await r.exportData()).events.map((e) => e.eventId ?? null);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe('click-1');
    expect(ids[1]).toMatch(/^[0-9a-f-]{32,36}$/);
  });

  it('forget() deletes the database and resets the shopper', async () => {
    const r = await make();
    const cold = await r.recommend({ k: 5 });
    await r.track([{ itemId: 'item-3' }, { itemId: 'item-7' }]);
    await r.exportData();
    await r.forget();
    expect(await indexedDB.databases()).toEqual([]);
    expect((await r.exportData()).events).toEqual([]);
    expect(await r.recommend({ k: 5 })).toEqual(cold);
  });
});

describe('across a real comlink boundary', () => {
  it('rebuilds named errors so instanceof works, and calls back subscribers', async () => {
    const { port1, port2 } = new MessageChannel();
    const host = new RecommenderHost();
    expose(host, port1 as never);
    const remote = wrap<HostApi>(port2 as never);
    const init: HostInitOptions = { namespace: 'shop', modelData: model, backend: ['cpu'], consent: true, maxEvents: 100, multiTab: false };
    const r = wrapHost(remote as unknown as HostApi, await remote.init(init), () => {
      port1.close();
      port2.close();
    });
    let updates = 0;
    r.subscribe(() => void updates++);
    const err = await r.similarItems('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownItemError);
    expect((err as Error).message).toContain('nope');
    await expect(r.recommend({ k: -3 })).rejects.toBeInstanceOf(InvalidInputError);
    await r.track({ itemId: 'item-1' });
    await r.exportData();
    await new Promise((res) => setTimeout(res, 20));
    expect(updates).toBeGreaterThan(0);
    await r.close();
    await expect(r.stats()).rejects.toBeInstanceOf(ClosedError);
  });
});

describe('model versions through createRecommender', () => {
  it('downloads a newly published version, keeps the shopper’s events, then serves it from the cache', async () => {
    const { encodeArtefact } = await import('../../src/artefact/index.ts');
    const files = new Map<string, ArrayBuffer | string>();
    const publish = (version: string) => {
      const a = encodeArtefact(createTinyModel({ numItems: 120, modelVersion: version }));
      files.set('model.json', JSON.stringify(a.modelJson));
      for (const s of a.shards) files.set(s.path, s.data);
    };
    const fetched: string[] = [];
    const fakeFetch = async (url: string | URL) => {
      const name = String(url).split('/').pop()!;
      fetched.push(name);
      return files.has(name) ? new Response(files.get(name)!) : new Response('', { status: 404 });
    };
    const realFetch = globalThis.fetch;
    globalThis.fetch = fakeFetch as typeof fetch;
    try {
      const opts = { model: 'https://shop.example/m/model.json', modelData: undefined };
      publish('v1');
      const one = await make(opts);
      expect(one.ready).toMatchObject({ modelVersion: 'v1', modelSource: 'network' });
      await one.track([{ itemId: 'item-1' }, { itemId: 'item-5' }]);
      await one.close();
      publish('v2');
      const two = await make(opts);
      expect(two.ready).toMatchObject({ modelVersion: 'v2', modelSource: 'network' });
      expect((await two.exportData()).events.map((e) => e.itemId)).toEqual(['item-1', 'item-5']);
      await two.close();
      fetched.length = 0;
      const three = await make(opts);
      expect(three.ready).toMatchObject({ modelVersion: 'v2', modelSource: 'cache' });
      expect(fetched).toEqual(['model.json']);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
