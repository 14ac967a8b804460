/**
 * Fault suite: the lazy boot (`lazyBackend`, what the embed uses) when the TF.js chunk itself cannot be fetched
 * (network error, 404, a CSP that blocks it). The worker keeps answering from the plain-TypeScript scan, a new
 * model from `refreshModel` goes on a plain scan too, `stats()` names why TF.js is absent, and no call rejects
 * with a raw error. Without lazyBackend the same failure rejects `createRecommender` by name.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { encodeArtefact } from '../../src/artefact/encode.ts';
import { createRecommender } from '../../src/client/create_recommender.ts';
import type { Recommender } from '../../src/client/recommender.ts';
import { BackendError } from '../../src/errors.ts';
import { createTinyModel } from '../../harness/engine_model.ts';

// What a browser's dynamic import() rejects with when the chunk's request fails (Vitest hands the host its own
// wrapper of this error, so the test checks the host's named prefix, not this text).
const CHUNK_ERROR = 'Failed to fetch dynamically imported module: http://shop.test/assets/tf_backend-3f2a.js';
vi.mock('../../src/worker/tf_backend.ts', () => {
  throw new TypeError(CHUNK_ERROR);
});

const BASE = 'http://shop.test/models/';
let files = new Map<string, Uint8Array>();

/** The shop's CDN: publishing replaces model.json and adds the new version's shards. */
function publish(numItems: number, modelVersion: string): void {
  const a = encodeArtefact(createTinyModel({ numItems, modelVersion, seed: numItems }), { shardBytes: 4096 });
  files = new Map([...files, ['model.json', new TextEncoder().encode(JSON.stringify(a.modelJson))]]);
  for (const s of a.shards) files.set(s.path, new Uint8Array(s.data));
}

const open: Recommender[] = [];
const make = async (lazyBackend: boolean): Promise<Recommender> => {
  const r = await createRecommender({ model: `${BASE}model.json`, namespace: 'no-tf', backend: 'auto', worker: false, multiTab: false, lazyBackend });
  open.push(r);
  return r;
};

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  files = new Map();
  vi.stubGlobal('fetch', async (url: string) => {
    const body = files.get(new URL(url).pathname.split('/').pop()!);
    return body ? new Response(body.slice()) : new Response('missing', { status: 404 });
  });
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(async () => {
  for (const r of open.splice(0)) await r.close().catch(() => undefined);
  vi.unstubAllGlobals();
  warn.mockRestore();
});

describe('fault: the TF.js chunk does not load (lazy boot)', () => {
  it('keeps recommending on the plain scan, says why in stats(), and refreshModel moves to the new model', async () => {
    publish(120, 'v1');
    const r = await make(true);
    for (const itemId of ['item-1', 'item-5', 'item-9']) await r.track({ itemId });
    expect(await r.recommend({ k: 5 })).toHaveLength(5); // the first answer; TF.js starts loading after it
    await vi.waitFor(async () => expect((await r.stats()).backendLoading).toBeUndefined()); // TF.js given up
    const s = await r.stats();
    expect(s.backend).toBe('plain');
    expect(s.modelVersion).toBe('v1');
    expect(s.backendLoading).toBeUndefined();
    expect(s.backendSkipped).toEqual([{ backend: 'tfjs', reason: expect.stringMatching(/^BackendError: the TF\.js chunk did not load \(.+\)/s) }]);

    publish(150, 'v2');
    expect(await r.refreshModel()).toEqual({ updated: true, modelVersion: 'v2', previousVersion: 'v1' });
    const after = await r.stats();
    expect([after.modelVersion, after.numItems, after.backend]).toEqual(['v2', 150, 'plain']);
    expect(after.backendSkipped).toEqual(s.backendSkipped);
    const recs = await r.recommend({ k: 10, excludeSeen: true });
    expect(recs).toHaveLength(10);
    expect(recs.every((x) => Number.isFinite(x.score))).toBe(true);
    expect(recs.map((x) => x.itemId)).not.toContain('item-1');
    // Items only the new catalogue has are recommendable: the scan runs over v2's table, not v1's.
    expect((await r.recommend({ k: 1, candidates: ['item-140'] })).map((x) => x.itemId)).toEqual(['item-140']);
    expect((await r.exportData()).events.map((e) => e.itemId)).toEqual(['item-1', 'item-5', 'item-9']);
    expect(await r.refreshModel()).toEqual({ updated: false, modelVersion: 'v2', previousVersion: 'v2' });
    expect(warn.mock.calls.filter(([m]) => /TF\.js chunk did not load/.test(String(m)))).toHaveLength(1); // warned once
  });

  it('without lazyBackend, createRecommender rejects by name (BackendError), not with the raw TypeError', async () => {
    publish(120, 'v1');
    const failed = await make(false).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(BackendError);
    expect(String((failed as Error).message)).toMatch(/TF\.js chunk did not load/);
  });
});
