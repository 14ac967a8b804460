import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeArtefact } from '../../src/artefact/encode.ts';
import { createRecommender } from '../../src/client/create_recommender.ts';
import type { Recommender } from '../../src/client/recommender.ts';
import { ModelLoadError } from '../../src/errors.ts';
import { createTinyModel } from '../../harness/engine_model.ts';
import { FakeLocks } from './fake_locks.ts';

const BASE = 'http://shop.test/models/';
let files = new Map<string, Uint8Array>();
const hits: string[] = [];
const cacheModes = new Set<string>();

/** The shop's CDN: publishing replaces model.json and adds the new version's shards. */
function publish(numItems: number, modelVersion: string): void {
  const a = encodeArtefact(createTinyModel({ numItems, modelVersion, seed: numItems }), { shardBytes: 4096 });
  files = new Map([...files, ['model.json', new TextEncoder().encode(JSON.stringify(a.modelJson))]]);
  for (const s of a.shards) files.set(s.path, new Uint8Array(s.data));
}

const open: Recommender[] = [];
const make = async (multiTab = false): Promise<Recommender> => {
  const r = await createRecommender({ model: `${BASE}model.json`, namespace: 'live', backend: 'cpu', worker: false, multiTab });
  open.push(r);
  return r;
};

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  files = new Map();
  hits.length = 0;
  cacheModes.clear();
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    const name = new URL(url).pathname.split('/').pop()!;
    hits.push(name);
    cacheModes.add(String(init?.cache));
    const body = files.get(name);
    return body ? new Response(body.slice()) : new Response('missing', { status: 404 });
  });
});
afterEach(async () => {
  for (const r of open.splice(0)) await r.close().catch(() => undefined);
  vi.unstubAllGlobals();
});

describe('refreshModel', () => {
  it('an unchanged version costs one model.json request and changes nothing', async () => {
    publish(120, 'v1');
    const r = await make();
    const updates = vi.fn();
    r.subscribe(updates);
    hits.length = 0;
    expect(await r.refreshModel()).toEqual({ updated: false, modelVersion: 'v1', previousVersion: 'v1' });
    expect(hits).toEqual(['model.json']);
    expect(updates).not.toHaveBeenCalled();
  });

  it('a newly published version is loaded once, keeps the shopper\'s events and notifies subscribers', async () => {
    publish(120, 'v1');
    const r = await make();
    for (const itemId of ['item-1', 'item-5', 'item-9']) await r.track({ itemId });
    const before = await r.exportData();
    const updates = vi.fn();
    r.subscribe(updates);
    publish(150, 'v2');
    hits.length = 0;
    const [a, b] = await Promise.all([r.refreshModel(), r.refreshModel()]);
    expect(a).toEqual({ updated: true, modelVersion: 'v2', previousVersion: 'v1' });
    expect(b).toEqual(a); // concurrent calls share one check
    expect(hits.filter((h) => h === 'model.json')).toHaveLength(1);
    // v2's shards have v1's names: an HTTP-cached copy must be revalidated, never taken as is.
    expect(hits.filter((h) => h.endsWith('.bin')).length).toBeGreaterThan(0);
    expect([...cacheModes]).toEqual(['no-cache']);
    const s = await r.stats();
    expect([s.modelVersion, s.numItems]).toEqual(['v2', 150]);
    const after = await r.exportData();
    expect(after.events.map((e) => e.itemId)).toEqual(before.events.map((e) => e.itemId));
    expect(after.modelVersion).toBe('v2');
    await vi.waitFor(() => expect(updates).toHaveBeenCalled());
    expect((await r.recommend({ k: 150 })).some((x) => Number(x.itemId.slice(5)) >= 120)).toBe(true); // new items rank
    // The next start uses the cached new version: no shard downloaded again.
    await r.close();
    hits.length = 0;
    const again = await make();
    expect(again.ready).toMatchObject({ modelVersion: 'v2', modelSource: 'cache' });
    expect(hits).toEqual(['model.json']);
  });

  it('a malformed new version is a ModelLoadError and the recommender keeps working on the old one', async () => {
    publish(120, 'v1');
    const r = await make();
    await r.track({ itemId: 'item-3' });
    const recs = await r.recommend({ k: 5 });
    files.set('model.json', new TextEncoder().encode('{"not": "a model"'));
    await expect(r.refreshModel()).rejects.toBeInstanceOf(ModelLoadError);
    expect((await r.stats()).modelVersion).toBe('v1');
    expect(await r.recommend({ k: 5 })).toEqual(recs);
    expect((await r.exportData()).events.map((e) => e.itemId)).toEqual(['item-3']);
  });

  it('the other tabs of the namespace follow a tab that moved to a new version, without downloading it again', async () => {
    vi.stubGlobal('navigator', { locks: new FakeLocks() });
    publish(120, 'v1');
    const a = await make(true);
    const b = await make(true);
    await a.track({ itemId: 'item-2' });
    publish(150, 'v2');
    hits.length = 0;
    expect(await a.refreshModel()).toMatchObject({ updated: true, modelVersion: 'v2' });
    const shardsFetched = hits.filter((h) => h.endsWith('.bin')).length;
    await vi.waitFor(async () => expect((await b.stats()).modelVersion).toBe('v2'), { timeout: 5000 });
    expect(hits.filter((h) => h.endsWith('.bin'))).toHaveLength(shardsFetched); // b took v2 from the store
    await vi.waitFor(async () => expect(await b.recommend({ k: 10 })).toEqual(await a.recommend({ k: 10 })), { timeout: 5000 });
  });

  it('a model given as modelData has nothing to re-check', async () => {
    const r = await createRecommender({ modelData: createTinyModel({ numItems: 30 }), namespace: 'live', backend: 'cpu', worker: false, multiTab: false });
    open.push(r);
    expect(await r.refreshModel()).toEqual({ updated: false, modelVersion: 'tiny-1', previousVersion: 'tiny-1' });
    expect(hits).toEqual([]);
  });
});
