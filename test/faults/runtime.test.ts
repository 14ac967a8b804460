/**
 * Fault suite, the runtime's promises besides the supervisor: consent withdrawal stops personalisation at once
 * and after a reload, a lost GPU device falls back to the next backend, `excludeSeen` covers an event as soon as
 * `track` resolves, a full disk shows in `stats()`, a namespace cannot contain the embed's `@`.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRecommender } from '../../src/client/create_recommender.ts';
import type { Recommender } from '../../src/client/recommender.ts';
import { createPlainScanner } from '../../src/engine/plain_scanner.ts';
import { BackendError, InvalidInputError, StorageError } from '../../src/errors.ts';
import { createCatalogueScanner } from '../../src/kernels/scanner.ts';
import type { CatalogueScanner } from '../../src/kernels/types.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import { withEventIds } from '../../src/worker/event_ids.ts';
import { createResilientScanner } from '../../src/worker/resilient_scanner.ts';
import { createTinyModel } from '../../harness/engine_model.ts';
import { fakeLocalStorage } from './harness.ts';

const model = createTinyModel({ numItems: 120 });
const open: Recommender[] = [];
const make = async (extra: Parameters<typeof createRecommender>[0] = {}): Promise<Recommender> => {
  const r = await createRecommender({ modelData: model, namespace: 'shop', backend: 'cpu', worker: false, multiTab: false, ...extra });
  open.push(r);
  return r;
};
const ids = (xs: { itemId: string }[]): string[] => xs.map((x) => x.itemId);

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  (globalThis as { localStorage?: Storage }).localStorage = fakeLocalStorage();
});
afterEach(async () => {
  for (const r of open.splice(0)) await r.close().catch(() => undefined);
});

describe('fault: consent', () => {
  it('withdrawal switches to the non-personal list at once, and holds after a reload', async () => {
    const r = await make();
    const nonPersonal = ids(await r.recommend({ k: 10 }));
    for (const itemId of ['item-2', 'item-6', 'item-10', 'item-14', 'item-18']) await r.track({ itemId });
    await r.exportData(); // learned and checkpointed
    const personal = ids(await r.recommend({ k: 10 }));
    expect(personal).not.toEqual(nonPersonal);
    let told = 0;
    r.subscribe(() => void told++);
    await r.setConsent(false);
    expect(ids(await r.recommend({ k: 10 }))).toEqual(nonPersonal); // at once, no reload
    expect((await r.explain('item-22')).because ?? []).toEqual([]);
    expect((await r.stats()).consent).toBe(false);
    expect(await r.track({ itemId: 'item-26' })).toEqual({ stored: 0, ignored: 1 });
    await new Promise((res) => setTimeout(res, 10));
    expect(told).toBeGreaterThan(0);
    await r.close();
    // the reload: the shop's default is consent: true, the shopper's remembered choice wins
    const again = await make();
    expect((await again.stats()).consent).toBe(false);
    expect(ids(await again.recommend({ k: 10 }))).toEqual(nonPersonal);
    await again.setConsent(true);
    expect(ids(await again.recommend({ k: 10 }))).toEqual(personal);
    await again.close();
    const third = await make({ consent: false }); // a granted choice is remembered over a "required" default
    expect((await third.stats()).consent).toBe(true);
  });

  it('a withdrawal in another tab (the storage event) applies here at once', async () => {
    const page = new EventTarget();
    vi.stubGlobal('addEventListener', page.addEventListener.bind(page));
    vi.stubGlobal('removeEventListener', page.removeEventListener.bind(page));
    try {
      const r = await make();
      const cold = ids(await r.recommend({ k: 10 }));
      for (const itemId of ['item-3', 'item-7', 'item-11', 'item-15']) await r.track({ itemId });
      await r.exportData();
      expect(ids(await r.recommend({ k: 10 }))).not.toEqual(cold);
      page.dispatchEvent(Object.assign(new Event('storage'), { key: 'tastebud/shop/consent', newValue: 'denied' }));
      await vi.waitFor(async () => expect((await r.stats()).consent).toBe(false));
      expect(ids(await r.recommend({ k: 10 }))).toEqual(cold);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("invalid consent values are named errors ('maybe' is not a no)", async () => {
    await expect(createRecommender({ modelData: model, worker: false, consent: 'maybe' as never })).rejects.toBeInstanceOf(InvalidInputError);
    const r = await make();
    await expect(r.setConsent('maybe' as never)).rejects.toBeInstanceOf(InvalidInputError);
    expect((await r.stats()).consent).toBe(true);
  });
});

describe('fault: excludeSeen right after track', () => {
  it('an item whose track resolved is never recommended with excludeSeen, even before learning ran', async () => {
    const r = await make();
    for (let i = 0; i < 20; i++) {
      const top = await r.recommend({ k: 1 });
      await r.track({ itemId: top[0].itemId });
      const next = ids(await r.recommend({ k: 5 })); // no await of learning in between
      expect(next).not.toContain(top[0].itemId);
    }
  });
});

describe('fault: storage full', () => {
  it('a quota error with an empty message shows in stats().storageError by name', async () => {
    const inner = createMemoryStore('quota');
    const store = withEventIds({ ...inner, kind: inner.kind, appendEvents: async () => Promise.reject(new StorageError('IndexedDB write failed', { cause: Object.assign(new Error(''), { name: 'QuotaExceededError' }) })) });
    await expect(store.appendEvents([{ itemId: 'a', type: 'select', timestamp: 1 }])).rejects.toBeInstanceOf(StorageError);
    expect(store.lastError).toMatch(/^QuotaExceededError: .{20,}/);
  });
});

describe('fault: namespace', () => {
  it("a namespace with '@' (the embed's command@namespace separator) is refused by name", async () => {
    await expect(make({ namespace: 'shop@other' })).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('fault: device lost', () => {
  const table = { itemEmb: model.itemEmb, itemBias: model.itemBias, dim: model.dim };
  const z = Float32Array.from({ length: model.dim }, (_, i) => Math.sin(i));
  const reference = createPlainScanner(table.itemEmb, table.itemBias, table.dim);
  const hanging = (): CatalogueScanner => ({ ...reference, numItems: reference.numItems, topK: () => new Promise(() => undefined), dispose() {} });
  const throwing = (): CatalogueScanner => ({ ...reference, numItems: reference.numItems, topK: async () => Promise.reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })), dispose() {} });

  it.each([
    ['throws a raw AbortError', throwing, undefined],
    ['never answers (WebGL context lost mid-read)', hanging, undefined],
    ['reports device.lost', () => reference, Promise.resolve('WebGPU device lost (destroyed)')],
  ])('a scanner that %s falls back to the next backend; the query is answered', async (_what, make1, lost) => {
    const switches: string[] = [];
    const s = createResilientScanner(
      { backend: 'webgpu', scanner: make1(), lost },
      {
        ...table,
        scanMs: 300,
        plain: createPlainScanner,
        onSwitch: (l, now) => switches.push(`${l.backend}->${now}`),
        next: async (gone) => (gone === 'webgpu' ? { backend: 'webgl', scanner: hanging() } : { backend: 'plain', scanner: null }),
      },
    );
    const want = Array.from((await reference.topK(z, 5)).indices);
    for (let i = 0; i < 3; i++) expect(Array.from((await s.topK(z, 5)).indices)).toEqual(want);
    expect(s.backend).toBe('plain'); // webgl hung too, then plain TypeScript
    expect(switches).toEqual(['webgpu->webgl', 'webgl->plain']);
    expect(s.lost.map((x) => x.backend)).toEqual(['webgpu', 'webgl']);
    expect(s.lost.every((x) => x.reason.length > 0)).toBe(true);
  });

  it('bad input is not mistaken for a lost device', async () => {
    const checked = createCatalogueScanner(table.itemEmb, table.itemBias, table.dim, { kind: 'plain' });
    const s = createResilientScanner({ backend: 'cpu', scanner: checked }, { ...table, scanMs: 300, plain: createPlainScanner, onSwitch: () => undefined, next: async () => Promise.reject(new BackendError('x')) });
    await expect(s.topK(new Float32Array(3), 5)).rejects.toBeInstanceOf(InvalidInputError);
    expect(s.backend).toBe('cpu');
  });
});

