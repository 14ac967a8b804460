import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore, resetFallbackWarning } from '../../src/store/open_store.ts';
import { InvalidInputError } from '../../src/errors.ts';

const realIdb = globalThis.indexedDB;
beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetFallbackWarning();
});
afterEach(() => {
  globalThis.indexedDB = realIdb;
  vi.restoreAllMocks();
});

describe('openStore', () => {
  it('uses IndexedDB when it works', async () => {
    const s = await openStore('shop');
    expect(s.kind).toBe('indexeddb');
    expect(s.fallbackReason).toBeUndefined();
  });

  it('falls back to memory when indexedDB is missing, warning once with the reason', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    // @ts-expect-error simulating a context without IndexedDB
    delete globalThis.indexedDB;
    const a = await openStore('shop');
    const b = await openStore('other');
    expect([a.kind, b.kind]).toEqual(['memory', 'memory']);
    expect(a.fallbackReason).toMatch(/indexedDB is not defined/);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/IndexedDB is unavailable .*indexedDB is not defined/);
    await a.appendEvents([{ itemId: 'x', type: 'select', timestamp: 1 }]);
    expect(await a.countEvents()).toBe(1);
  });

  it('falls back with the exact error when open throws (private mode)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    globalThis.indexedDB = {
      open() {
        throw new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError');
      },
    } as unknown as IDBFactory;
    const s = await openStore('shop');
    expect(s.kind).toBe('memory');
    expect(s.fallbackReason).toBe('InvalidStateError: A mutation operation was attempted on a database that did not allow mutations.');
    expect(String(warn.mock.calls[0][0])).toContain('InvalidStateError');
  });

  it('falls back instead of hanging when a tab with an older schema blocks the upgrade', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    // An "old tab": a v1 connection that ignores versionchange.
    const old = await new Promise<IDBDatabase>((resolve) => {
      const req = indexedDB.open('tastebud/shop', 1);
      req.onupgradeneeded = () => req.result.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
      req.onsuccess = () => resolve(req.result);
    });
    const s = await openStore('shop', { blockedTimeoutMs: 50 });
    expect(s.kind).toBe('memory');
    expect(s.fallbackReason).toMatch(/blocked by another tab/);
    old.close();
  });

  it('honours persist: false and rejects bad namespaces', async () => {
    expect((await openStore('shop', { persist: false })).kind).toBe('memory');
    expect((await indexedDB.databases()).length).toBe(0);
    for (const bad of ['', 'a/b', 'x'.repeat(101), 42]) {
      await expect(openStore(bad as string)).rejects.toBeInstanceOf(InvalidInputError);
    }
  });
});
