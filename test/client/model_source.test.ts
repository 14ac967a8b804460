import { describe, expect, it } from 'vitest';
import { encodeArtefact } from '../../src/artefact/index.ts';
import { ModelLoadError } from '../../src/errors.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import { loadGlobalModel } from '../../src/worker/model_source.ts';
import { createTinyModel } from '../../harness/engine_model.ts';

const BASE = 'https://shop.example/models/';

/** A fetch over an in-memory site that records what was requested. */
function site(files: Record<string, string | ArrayBuffer>) {
  const requests: string[] = [];
  const fetch = (async (input: string | URL, init?: RequestInit) => {
    const url = String(input);
    requests.push(`${init?.cache ?? 'default'} ${url.slice(BASE.length)}`);
    const body = files[url.slice(BASE.length)];
    if (body === undefined) return new Response('not found', { status: 404 });
    return new Response(body);
  }) as typeof globalThis.fetch;
  return { fetch, requests, files };
}

function publish(version: string, numItems = 50) {
  const a = encodeArtefact(createTinyModel({ numItems, modelVersion: version }), { shardBytes: 2048 });
  const files: Record<string, string | ArrayBuffer> = { 'model.json': JSON.stringify(a.modelJson) };
  for (const s of a.shards) files[s.path] = s.data;
  return files;
}

describe('loadGlobalModel', () => {
  it('downloads once per model version, then revalidates only model.json', async () => {
    const store = createMemoryStore();
    const s = site(publish('v1'));
    const first = await loadGlobalModel({ url: BASE + 'model.json', store, fetch: s.fetch });
    expect(first.source).toBe('network');
    expect(first.model.modelVersion).toBe('v1');
    expect(s.requests.length).toBeGreaterThan(2); // model.json + several shards
    expect(s.requests[0]).toBe('no-cache model.json');
    s.requests.length = 0;
    const again = await loadGlobalModel({ url: BASE + 'model.json', store, fetch: s.fetch });
    expect(again.source).toBe('cache');
    expect(s.requests).toEqual(['no-cache model.json']);
    expect(Array.from(again.model.itemEmb)).toEqual(Array.from(first.model.itemEmb));
  });

  it('fetches a new version when model.json changes, and uses the cache offline', async () => {
    const store = createMemoryStore();
    const s = site(publish('v1'));
    await loadGlobalModel({ url: BASE + 'model.json', store, fetch: s.fetch });
    Object.assign(s.files, publish('v2', 60));
    const next = await loadGlobalModel({ url: BASE + 'model.json', store, fetch: s.fetch });
    expect([next.source, next.model.modelVersion, next.model.itemIds.length]).toEqual(['network', 'v2', 60]);
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const cached = await loadGlobalModel({ url: BASE + 'model.json', store, fetch: offline });
    expect([cached.source, cached.model.modelVersion]).toEqual(['offline-cache', 'v2']);
    await expect(loadGlobalModel({ url: BASE + 'model.json', store: createMemoryStore(), fetch: offline })).rejects.toBeInstanceOf(ModelLoadError);
  });

  it('refuses malformed, truncated and oversized artefacts with ModelLoadError and stores nothing', async () => {
    const store = createMemoryStore();
    const state = { modelVersion: 'v0', lastSeq: 1, updatedAt: 1, userVector: Float32Array.of(1, 2) };
    await store.saveUserState(state);
    const good = publish('v1');
    const shard = Object.keys(good).find((k) => k.endsWith('.bin'))!;
    const cases: Record<string, string | ArrayBuffer>[] = [
      { 'model.json': '{not json' },
      { 'model.json': JSON.stringify({ format: 'something-else' }) },
      { ...good, [shard]: (good[shard] as ArrayBuffer).slice(0, 100) },
      { 'model.json': good['model.json'] }, // shards missing (404)
    ];
    for (const files of cases) {
      const err = await loadGlobalModel({ url: BASE + 'model.json', store, fetch: site(files).fetch }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelLoadError);
    }
    const big = await loadGlobalModel({ url: BASE + 'model.json', store, fetch: site(good).fetch, maxBytes: 4000 }).catch((e: unknown) => e);
    expect(big).toBeInstanceOf(ModelLoadError);
    expect(String(big)).toMatch(/limit|exceeds|larger/i);
    expect(await store.loadModel()).toBeUndefined();
    expect(await store.loadUserState()).toEqual(state);
  });
});
