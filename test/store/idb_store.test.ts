import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { openIdbStore } from '../../src/store/idb_store.ts';
import { DB_VERSION, dbName } from '../../src/store/schema.ts';
import { StorageError } from '../../src/errors.ts';
import type { CachedModelRecord, NewEvent } from '../../src/store/types.ts';

const ev = (itemId: string, timestamp: number, eventId?: string): NewEvent => ({ itemId, type: 'select', timestamp, ...(eventId && { eventId }) });

const model = (modelVersion: string, savedAt: number): CachedModelRecord => ({
  modelVersion,
  url: '/model/model.json',
  savedAt,
  manifest: JSON.stringify({ modelVersion }),
  weights: new Float32Array([savedAt, 1, 2]).buffer,
});

async function dbNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name ?? '');
}

beforeEach(() => {
  // A fresh, empty IndexedDB per test.
  globalThis.indexedDB = new IDBFactory();
});

describe('IdbStore event log', () => {
  it('assigns increasing seqs and is readable from a second connection as soon as appendEvents resolves', async () => {
    const a = await openIdbStore('shop');
    const stored = await a.appendEvents([ev('x', 1), ev('y', 2)]);
    expect(stored.map((e) => [e.seq, e.itemId])).toEqual([[1, 'x'], [2, 'y']]);
    const b = await openIdbStore('shop');
    expect((await b.readEvents()).map((e) => e.itemId)).toEqual(['x', 'y']);
    expect((await b.readEvents(1)).map((e) => e.seq)).toEqual([2]);
    expect(await b.countEvents()).toBe(2);
    await a.close();
    await b.close();
  });

  it('keeps each eventId once, across batches and connections', async () => {
    const a = await openIdbStore('shop');
    const b = await openIdbStore('shop');
    expect(await a.appendEvents([ev('x', 1, 'id-1'), ev('y', 2, 'id-2')])).toHaveLength(2);
    const again = await b.appendEvents([ev('x', 1, 'id-1'), ev('z', 3, 'id-3'), ev('w', 4)]);
    expect(again.map((e) => e.itemId)).toEqual(['z', 'w']);
    expect((await a.readEvents()).map((e) => e.eventId ?? null)).toEqual(['id-1', 'id-2', 'id-3', null]);
  });

  it('stores a batch all-or-nothing: an unstorable event aborts the batch and keeps the earlier log', async () => {
    const s = await openIdbStore('shop');
    await s.appendEvents([ev('kept', 1)]);
    const bad = { itemId: 'y', type: 'select', timestamp: 2, eventId: (() => 0) as unknown as string };
    await expect(s.appendEvents([ev('a', 2), bad as NewEvent])).rejects.toBeInstanceOf(StorageError);
    expect((await s.readEvents()).map((e) => e.itemId)).toEqual(['kept']);
  });

  it('compacts to the newest `keep` events and keeps numbering after them', async () => {
    const s = await openIdbStore('shop');
    await s.appendEvents(Array.from({ length: 10 }, (_, i) => ev(`i${i}`, i)));
    expect(await s.compactEvents(4)).toBe(6);
    expect((await s.readEvents()).map((e) => e.seq)).toEqual([7, 8, 9, 10]);
    expect(await s.compactEvents(100)).toBe(0);
    expect(await s.compactEvents(1)).toBe(3);
    const [next] = await s.appendEvents([ev('n', 11)]);
    expect(next.seq).toBe(11);
    await expect(s.compactEvents(-1)).rejects.toBeInstanceOf(StorageError);
  });
});

describe('IdbStore checkpoints and model cache', () => {
  it('replaces the user state atomically; a failed save keeps the previous checkpoint', async () => {
    const s = await openIdbStore('shop');
    expect(await s.loadUserState()).toBeUndefined();
    const first = { modelVersion: 'm1', lastSeq: 3, updatedAt: 5, userVector: Float32Array.of(1, 2, 3) };
    await s.saveUserState(first);
    const bad = { ...first, lastSeq: 9, extra: { f: (() => 1) as unknown as number } };
    await expect(s.saveUserState(bad)).rejects.toBeInstanceOf(StorageError);
    const back = await s.loadUserState();
    expect(back?.lastSeq).toBe(3);
    expect(back?.userVector).toBeInstanceOf(Float32Array);
    expect(Array.from(back!.userVector)).toEqual([1, 2, 3]);
  });

  it('caches models by version, returns the newest by default and keeps only two', async () => {
    const s = await openIdbStore('shop');
    expect(await s.loadModel()).toBeUndefined();
    await s.saveModel(model('v1', 1));
    await s.saveModel(model('v3', 3));
    await s.saveModel(model('v2', 2));
    expect((await s.loadModel())?.modelVersion).toBe('v3');
    expect(await s.loadModel('v1')).toBeUndefined();
    const v2 = await s.loadModel('v2');
    expect(Array.from(new Float32Array(v2!.weights))).toEqual([2, 1, 2]);
  });
});

describe('IdbStore namespaces and clear', () => {
  it('keeps namespaces in separate databases', async () => {
    const a = await openIdbStore('shop-a');
    const b = await openIdbStore('shop-b');
    await a.appendEvents([ev('x', 1)]);
    expect(await b.countEvents()).toBe(0);
    expect((await dbNames()).sort()).toEqual([dbName('shop-a'), dbName('shop-b')]);
  });

  it('clear() deletes the database even with another connection open, and reads do not recreate it', async () => {
    const a = await openIdbStore('shop');
    const other = await openIdbStore('shop');
    await a.appendEvents([ev('x', 1)]);
    await a.saveModel(model('v1', 1));
    await a.clear();
    expect(await dbNames()).toEqual([]);
    expect(await other.readEvents()).toEqual([]);
    expect(await other.loadUserState()).toBeUndefined();
    expect(await a.loadModel()).toBeUndefined();
    expect(await dbNames()).toEqual([]);
    // A write after forget starts a fresh log.
    const [e] = await a.appendEvents([ev('y', 2)]);
    expect(e.seq).toBe(1);
    expect((await other.readEvents()).map((x) => x.itemId)).toEqual(['y']);
  });
});

describe('IdbStore and other tabs', () => {
  it('clear() reports a delete blocked by a connection that ignores versionchange', async () => {
    const s = await openIdbStore('shop', 50);
    await s.appendEvents([ev('x', 1)]);
    const stubborn = await new Promise<IDBDatabase>((resolve) => {
      const req = indexedDB.open(dbName('shop'));
      req.onsuccess = () => resolve(req.result);
    });
    await expect(s.clear()).rejects.toThrow(/blocked by another tab/);
    stubborn.close();
  });
});

describe('schema migrations', () => {
  async function createV1(name: string, extra: object[] = []): Promise<void> {
    // Written with the raw API, exactly as the v1 code wrote it.
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => {
        const db = req.result;
        const events = db.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
        const state = db.createObjectStore('state');
        events.add({ itemId: 'old-1', type: 'view', timestamp: 10 });
        events.add({ itemId: 'old-2', type: 'purchase', timestamp: 20 });
        for (const e of extra) events.add(e);
        state.put({ modelVersion: 'm0', lastSeq: 2, updatedAt: 30, userVector: [0.5, -1, 2] }, 'user');
      };
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
      req.onerror = () => reject(req.error);
    });
  }

  it('migrates a v1 database to v2 keeping events and converting the user state', async () => {
    await createV1(dbName('shop'));
    const s = await openIdbStore('shop');
    expect((await indexedDB.databases()).find((d) => d.name === dbName('shop'))?.version).toBe(DB_VERSION);
    expect((await s.readEvents()).map((e) => [e.seq, e.itemId, e.type])).toEqual([[1, 'old-1', 'view'], [2, 'old-2', 'purchase']]);
    const state = await s.loadUserState();
    expect(state?.userVector).toBeInstanceOf(Float32Array);
    expect(Array.from(state!.userVector)).toEqual([0.5, -1, 2]);
    expect(state?.lastSeq).toBe(2);
    // v2 features work on migrated data: seq continues, ids dedupe, the model cache exists.
    const added = await s.appendEvents([ev('new', 40, 'e1'), ev('new', 40, 'e1')]);
    expect(added.map((e) => e.seq)).toEqual([3]);
    await s.saveModel(model('m1', 1));
    expect((await s.loadModel())?.modelVersion).toBe('m1');
  });

  it('leaves a v1 database untouched when its migration fails', async () => {
    // Two v1 records sharing an eventId make the unique index of v2 impossible to build.
    const dup = { itemId: 'bad', type: 'view', timestamp: 1, eventId: 'same' };
    await createV1(dbName('shop'), [dup, dup]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await expect(openIdbStore('shop')).rejects.toThrow();
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    expect((await indexedDB.databases()).find((d) => d.name === dbName('shop'))?.version).toBe(1);
    // The v1 data is still there, readable by the old code.
    const count = await new Promise<number>((resolve) => {
      const req = indexedDB.open(dbName('shop'), 1);
      req.onsuccess = () => {
        const c = req.result.transaction('events').objectStore('events').count();
        c.onsuccess = () => {
          req.result.close();
          resolve(c.result);
        };
      };
    });
    expect(count).toBe(4);
  });

  it('migrates a v2 database to v3 keeping events, user state and cached models; the device store works', async () => {
    // Written with the raw API, as the v2 code left it.
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.open(dbName('shop'), 2);
      req.onupgradeneeded = () => {
        const db = req.result;
        const events = db.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
        events.createIndex('by-event-id', 'eventId', { unique: true });
        db.createObjectStore('userState').put({ modelVersion: 'm1', lastSeq: 1, updatedAt: 5, userVector: new Float32Array([1, 2]) }, 'current');
        db.createObjectStore('models', { keyPath: 'modelVersion' }).createIndex('by-saved-at', 'savedAt');
        events.add({ itemId: 'kept', type: 'view', timestamp: 1, eventId: 'e1' });
        req.transaction!.objectStore('models').put(model('m1', 7));
      };
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
      req.onerror = () => reject(req.error);
    });
    const s = await openIdbStore('shop');
    expect((await indexedDB.databases()).find((d) => d.name === dbName('shop'))?.version).toBe(DB_VERSION);
    expect((await s.readEvents()).map((e) => [e.seq, e.itemId, e.eventId])).toEqual([[1, 'kept', 'e1']]);
    expect((await s.appendEvents([ev('again', 2, 'e1')])).length).toBe(0); // the id index survived
    expect(Array.from((await s.loadUserState())!.userVector)).toEqual([1, 2]);
    expect(new Float32Array((await s.loadModel('m1'))!.weights)[0]).toBe(7);
    expect(await s.loadDevice('auto-backend')).toBeUndefined();
    await s.saveDevice('auto-backend', { choice: 'wasm', ms: { wasm: 0.4 } });
    await s.close();
    const reopened = await openIdbStore('shop');
    expect(await reopened.loadDevice('auto-backend')).toEqual({ choice: 'wasm', ms: { wasm: 0.4 } });
    await reopened.clear(); // forget erases the measurement with everything else
    expect(await (await openIdbStore('shop')).loadDevice('auto-backend')).toBeUndefined();
  });

  it('creates a fresh database at the current version', async () => {
    const s = await openIdbStore('fresh');
    expect(await s.countEvents()).toBe(0);
    expect((await indexedDB.databases())[0]).toEqual({ name: dbName('fresh'), version: DB_VERSION });
  });
});
