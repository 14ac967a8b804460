import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRecommender } from '../../src/client/create_recommender.ts';
import type { Recommender } from '../../src/client/recommender.ts';
import { createPersistence, mergePersistent } from '../../src/client/persistence.ts';
import { InvalidInputError } from '../../src/errors.ts';
import { createTinyModel } from '../../harness/engine_model.ts';

const model = createTinyModel({ numItems: 40 });
const open: Recommender[] = [];

/** A browser's StorageManager: persist() grants (or refuses, or throws), persisted() reports what was granted. */
function stubStorage(answer: boolean | Error) {
  let kept = false;
  const storage = {
    persist: vi.fn(async () => {
      if (answer instanceof Error) throw answer;
      kept = answer;
      return answer;
    }),
    persisted: vi.fn(async () => kept),
  };
  vi.stubGlobal('navigator', { storage });
  return storage;
}

const make = async (extra: Parameters<typeof createRecommender>[0] = {}): Promise<Recommender> => {
  const r = await createRecommender({ modelData: model, namespace: 'persist', backend: 'cpu', worker: false, multiTab: false, ...extra });
  open.push(r);
  return r;
};
const settle = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});
afterEach(async () => {
  for (const r of open.splice(0)) await r.close().catch(() => undefined);
  vi.unstubAllGlobals();
});

describe('persistent storage', () => {
  it('asks once at start and reports the grant in stats().persistent', async () => {
    const storage = stubStorage(true);
    const r = await make();
    await settle();
    expect(storage.persist).toHaveBeenCalledTimes(1);
    expect((await r.stats()).persistent).toBe(true);
  });

  it('a refusal or a throwing persist() is not an error: persistent is false', async () => {
    stubStorage(false);
    expect((await make()).ready.storage).toBe('indexeddb');
    expect((await open[0].stats()).persistent).toBe(false);
    await open.pop()!.close();
    const storage = stubStorage(new Error('NotAllowedError'));
    const r = await make();
    await settle();
    expect(storage.persist).toHaveBeenCalledTimes(1);
    expect((await r.stats()).persistent).toBe(false);
  });

  it('waits for consent before asking, and asks when it is given', async () => {
    const storage = stubStorage(true);
    const r = await make({ consent: false });
    await settle();
    expect(storage.persist).not.toHaveBeenCalled();
    expect((await r.stats()).persistent).toBe(false);
    await r.setConsent(true);
    await r.setConsent(true);
    await settle();
    expect(storage.persist).toHaveBeenCalledTimes(1);
    expect((await r.stats()).persistent).toBe(true);
  });

  it('persist: false never asks; a non-boolean is an InvalidInputError', async () => {
    const storage = stubStorage(true);
    await make({ persist: false });
    await settle();
    expect(storage.persist).not.toHaveBeenCalled();
    await expect(make({ persist: 'yes' as never })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('without the API (Node, old browsers) persistent is null', async () => {
    vi.stubGlobal('navigator', {});
    const p = createPersistence();
    p.request();
    expect(p.granted).toBeNull();
    expect((await (await make()).stats()).persistent).toBeNull();
    expect([mergePersistent(null, null), mergePersistent(false, true), mergePersistent(true, null), mergePersistent(null, false)]).toEqual([null, true, true, false]);
  });
});
