import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { openIdbStore } from '../../src/store/idb_store.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import type { NewEvent, Store } from '../../src/store/types.ts';
import { withEventIds } from '../../src/worker/event_ids.ts';

const ev = (itemId: string, eventId?: string, timestamp = 1000): NewEvent => ({ itemId, type: 'select', timestamp, ...(eventId && { eventId }) });
const brief = (xs: { seq: number; itemId: string; eventId?: string }[]) => xs.map((e) => `${e.seq}:${e.itemId}:${e.eventId ?? '-'}`);

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

// The memory store (the IndexedDB fallback) must keep the same exactly-once promise as the IndexedDB store.
describe.each([
  ['memory', async (): Promise<Store> => createMemoryStore('dedupe')],
  ['indexeddb', async (): Promise<Store> => openIdbStore('dedupe')],
])('%s store: eventId dedupe', (_kind, open) => {
  it('skips an id it already holds, and one repeated within a batch; events without an id are never skipped', async () => {
    const s = await open();
    expect(brief(await s.appendEvents([ev('a', 'e1'), ev('b'), ev('c', 'e2')]))).toEqual(['1:a:e1', '2:b:-', '3:c:e2']);
    expect(brief(await s.appendEvents([ev('a', 'e1'), ev('b'), ev('d', 'e3'), ev('d', 'e3')]))).toEqual(['4:b:-', '5:d:e3']);
    expect(brief(await s.readEvents())).toEqual(['1:a:e1', '2:b:-', '3:c:e2', '4:b:-', '5:d:e3']);
    expect(await s.countEvents()).toBe(5);
    await s.close();
  });

  it('forgets the ids of compacted and cleared events', async () => {
    const s = await open();
    await s.appendEvents([ev('a', 'e1'), ev('b', 'e2'), ev('c', 'e3')]);
    expect(await s.compactEvents(1)).toBe(2);
    expect(brief(await s.appendEvents([ev('a', 'e1'), ev('c', 'e3')]))).toEqual(['4:a:e1']);
    await s.clear();
    const again = await open(); // the IndexedDB store's clear() deletes the database
    expect(brief(await again.appendEvents([ev('c', 'e3')])).map((x) => x.slice(x.indexOf(':')))).toEqual([':c:e3']);
    await again.close();
    await s.close();
  });

  it('a retried forward through the host wrapper lands once', async () => {
    const s = withEventIds(await open());
    const tracked = [{ ...ev('x'), eventId: 'tab2-1' }];
    for (let attempt = 0; attempt < 2; attempt++) {
      const done = s.expect(tracked);
      await s.appendEvents([ev('x')]); // the engine appends without ids; the wrapper puts them back
      done();
    }
    expect(brief(await s.readEvents())).toEqual(['1:x:tab2-1']);
    await s.close();
  });
});
