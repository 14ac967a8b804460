/**
 * Inline "tabs" of one namespace for tests: each tab is an inline recommender over shared fake IndexedDB, a Web
 * Locks stand-in and real BroadcastChannels — the protocol the browser runs across real tabs. `useTabs` installs
 * the fresh database and locks before each test and closes every tab after it.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, vi } from 'vitest';
import { createRecommender } from '../../src/client/create_recommender.ts';
import type { Recommender } from '../../src/client/recommender.ts';
import { createTinyModel } from '../../harness/engine_model.ts';
import { FakeLocks } from './fake_locks.ts';

export function useTabs(namespace: string): { tab: () => Promise<Recommender>; until: (check: () => Promise<boolean>, what: string, ms?: number) => Promise<void> } {
  const model = createTinyModel({ numItems: 80 });
  const open: Recommender[] = [];
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
    vi.stubGlobal('navigator', { locks: new FakeLocks() });
  });
  afterEach(async () => {
    for (const r of open.splice(0)) await r.close().catch(() => undefined);
    vi.unstubAllGlobals();
  });
  return {
    async tab() {
      const r = await createRecommender({ modelData: model, namespace, backend: 'cpu', worker: false });
      open.push(r);
      return r;
    },
    async until(check, what, ms = 5000) {
      const end = Date.now() + ms;
      while (!(await check())) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
