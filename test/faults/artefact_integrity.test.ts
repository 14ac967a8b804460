/**
 * Fault suite, artefact (issue 15): a flipped bit, a re-keyed id or a hostile shard path is refused before the
 * model is used or cached; the version follows the content; a damaged cached copy is replaced; a model URL that
 * never answers rejects within its deadline. Prints the counts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeArtefact, encodeSealedArtefact, loadArtefact, resolveShardUrl, validateManifest, verifyArtefact } from '../../src/artefact/index.ts';
import type { EncodedArtefact } from '../../src/artefact/index.ts';
import { ModelLoadError } from '../../src/errors.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import { loadGlobalModel } from '../../src/worker/model_source.ts';
import { writeArtefactDir } from '../../src/cli/artefact_dir.ts';
import { runCli } from '../../src/cli/main.ts';
import { createTinyModel } from '../../harness/engine_model.ts';

const BASE = 'https://shop.example/models/';
const counts = { corruptRefused: 0, corruptCached: 0, hostilePathsRefused: 0 };
afterAll(() => console.log(`artefact faults: ${counts.corruptRefused} corrupted artefacts refused, ${counts.corruptCached} cached, ${counts.hostilePathsRefused} hostile shard paths refused`));

const clone = (j: unknown): ReturnType<typeof JSON.parse> => JSON.parse(JSON.stringify(j));
const sealed = (opts: { numItems?: number; shardBytes?: number } = {}): Promise<EncodedArtefact> =>
  encodeSealedArtefact(createTinyModel({ numItems: opts.numItems ?? 60 }), { shardBytes: opts.shardBytes ?? 2048 });

function flipBit(buf: ArrayBuffer, byte: number, bit = 0): ArrayBuffer {
  const out = buf.slice(0);
  new Uint8Array(out)[byte] ^= 1 << bit;
  return out;
}

function site(files: Record<string, string | ArrayBuffer>) {
  const requests: string[] = [];
  const fetch = (async (input: string | URL) => {
    const name = String(input).slice(BASE.length);
    requests.push(name);
    const body = files[name];
    return body === undefined ? new Response('not found', { status: 404 }) : new Response(body);
  }) as typeof globalThis.fetch;
  return { fetch, requests, files };
}

function publish(a: EncodedArtefact): Record<string, string | ArrayBuffer> {
  const files: Record<string, string | ArrayBuffer> = { 'model.json': JSON.stringify(a.modelJson) };
  for (const s of a.shards) files[s.path] = s.data;
  return files;
}

describe('content hashes', () => {
  it('one flipped bit anywhere in any shard is refused, naming the shard', async () => {
    const a = await sealed();
    const shards = a.shards.map((s) => s.data);
    expect(await verifyArtefact(a.modelJson, shards)).toBe('verified');
    for (let k = 0; k < shards.length; k++) {
      for (const byte of [0, 7, shards[k].byteLength - 1]) {
        const bad = shards.map((s, j) => (j === k ? flipBit(s, byte, byte % 8) : s));
        await expect(loadArtefact(clone(a.modelJson), bad)).rejects.toThrow(new RegExp(`Corrupt .*shard ${a.shards[k].path}`));
        counts.corruptRefused++;
      }
    }
    // the concatenation the browser cache stores is checked against the weights hash
    await expect(verifyArtefact(a.modelJson, flipBit(a.weights, 123))).rejects.toThrow(/weight bytes/);
    counts.corruptRefused++;
  });

  it('a re-keyed id, a changed attribute or changed metadata is refused; the version follows the content', async () => {
    const a = await sealed();
    const shards = a.shards.map((s) => s.data);
    const edits: ((j: ReturnType<typeof clone>) => void)[] = [
      (j) => (j.tastebud.items.ids[3] = 'item-x'),
      (j) => (j.tastebud.items.ids.reverse()),
      (j) => (j.tastebud.hyperParameters.dim = 99),
      (j) => (j.weightsManifest[0].weights[5].quantization = { dtype: 'uint16', min: 0, scale: 1 }),
    ];
    for (const edit of edits) {
      const j = clone(a.modelJson);
      edit(j);
      await expect(loadArtefact(j, shards)).rejects.toBeInstanceOf(ModelLoadError);
      counts.corruptRefused++;
    }
    const base = createTinyModel({ numItems: 60 });
    const v = async (m: typeof base): Promise<string> => (await encodeSealedArtefact(m)).modelJson.tastebud.modelVersion;
    const v0 = await v(base);
    expect(v0).toMatch(/^tb-[0-9a-f]{16}$/);
    expect(await v(createTinyModel({ numItems: 60 }))).toBe(v0); // deterministic
    expect(await v({ ...base, itemIds: base.itemIds.map((id) => `${id}-new`) })).not.toBe(v0);
    expect(await v({ ...base, itemAttributes: base.itemIds.map(() => ({ brand: 'b' })) })).not.toBe(v0);
    expect((await encodeSealedArtefact(base, { keepVersion: true })).modelJson.tastebud.modelVersion).toBe(base.modelVersion);
  });

  it('an artefact without hashes (older tastebud) still loads, reported as unhashed', async () => {
    const a = encodeArtefact(createTinyModel({ numItems: 20 }));
    expect((await loadArtefact(clone(a.modelJson), a.shards.map((s) => s.data))).integrity).toBe('unhashed');
  });

  it('inspect calls a one-bit-corrupt artefact invalid (exit 1, one named line)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-integrity-'));
    await writeArtefactDir(join(dir, 'm'), await sealed({ shardBytes: 1 << 20 }));
    const shard = join(dir, 'm', 'group1-shard1of1.bin');
    const bytes = readFileSync(shard);
    bytes[100] ^= 4;
    writeFileSync(shard, bytes);
    const err: string[] = [];
    const code = await runCli(['inspect', '--model', join(dir, 'm')], { out: () => undefined, err: (l) => err.push(l), stderr: process.stderr });
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/ModelLoadError: Corrupt tastebud artefact: shard group1-shard1of1.bin/);
    counts.corruptRefused++;
  });
});

describe('shard paths', () => {
  const hostile = ['%2e%2e/x.bin', '%2E%2E/%2E%2E/x.bin', ' x.bin', '\tx.bin', 'x.bin ', '//other-host/x.bin', 'https://other.example/x.bin', '/abs.bin', '../x.bin', 'a/../../x.bin', '.hidden', 'a\\b.bin', 'x.bin?y=1', 'x.bin#f', 'javascript:alert(1)', ''];
  it('are refused by the manifest check and by the URL resolution', async () => {
    const a = await sealed({ shardBytes: 1 << 20 });
    for (const p of hostile) {
      const j = clone(a.modelJson);
      j.weightsManifest[0].paths = [p];
      expect(() => validateManifest(j), JSON.stringify(p)).toThrow(ModelLoadError);
      expect(() => resolveShardUrl(`${BASE}model.json`, p), JSON.stringify(p)).toThrow(ModelLoadError);
      counts.hostilePathsRefused++;
    }
    expect(resolveShardUrl(`${BASE}model.json`, 'group1-shard1of1.bin')).toBe(`${BASE}group1-shard1of1.bin`);
    expect(resolveShardUrl(`${BASE}model.json`, 'v2/group1-shard1of1.bin')).toBe(`${BASE}v2/group1-shard1of1.bin`);
  });
});

describe('the browser loader (model_source)', () => {
  it('never caches a corrupt download, and loads the good file once it is served again', async () => {
    const a = await sealed();
    const store = createMemoryStore();
    const s = site(publish(a));
    s.files[a.shards[1].path] = flipBit(a.shards[1].data, 5);
    await expect(loadGlobalModel({ url: `${BASE}model.json`, store, fetch: s.fetch })).rejects.toThrow(/Corrupt .*shard/);
    if (await store.loadModel()) counts.corruptCached++;
    expect(await store.loadModel()).toBeUndefined();
    counts.corruptRefused++;
    s.files[a.shards[1].path] = a.shards[1].data;
    const ok = await loadGlobalModel({ url: `${BASE}model.json`, store, fetch: s.fetch });
    expect(ok.source).toBe('network');
    expect((await store.loadModel())?.modelVersion).toBe(a.modelJson.tastebud.modelVersion);
  });

  it('evicts a cached copy that fails its check and fetches it again', async () => {
    const a = await sealed();
    const store = createMemoryStore();
    const s = site(publish(a));
    await loadGlobalModel({ url: `${BASE}model.json`, store, fetch: s.fetch });
    const rec = (await store.loadModel())!;
    await store.saveModel({ ...rec, weights: flipBit(rec.weights, 77) }); // a bit rots in IndexedDB
    const again = await loadGlobalModel({ url: `${BASE}model.json`, store, fetch: s.fetch });
    expect(again.source).toBe('network');
    expect(await verifyArtefact(JSON.parse((await store.loadModel())!.manifest), (await store.loadModel())!.weights)).toBe('verified');
    counts.corruptRefused++;
  });

  it('a cached copy serves only the model.json it was saved with (same version, new content → download)', async () => {
    const a = await encodeSealedArtefact(createTinyModel({ numItems: 60, modelVersion: 'v1' }), { keepVersion: true, shardBytes: 2048 });
    const b = await encodeSealedArtefact(createTinyModel({ numItems: 60, modelVersion: 'v1', seed: 9 }), { keepVersion: true, shardBytes: 2048 });
    const store = createMemoryStore();
    const s = site(publish(a));
    await loadGlobalModel({ url: `${BASE}model.json`, store, fetch: s.fetch });
    Object.assign(s.files, publish(b));
    const next = await loadGlobalModel({ url: `${BASE}model.json`, store, fetch: s.fetch });
    expect(next.source).toBe('network');
    expect(Array.from(next.model.itemEmb.slice(0, 4))).toEqual(Array.from(createTinyModel({ numItems: 60, seed: 9 }).itemEmb.slice(0, 4)));
  });

  it('a model URL that never answers rejects with ModelLoadError within its deadline, after bounded retries', async () => {
    let calls = 0;
    const never = ((_: unknown, init?: RequestInit) => {
      calls++;
      return new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    }) as typeof fetch;
    const t0 = Date.now();
    await expect(loadGlobalModel({ url: `${BASE}model.json`, store: createMemoryStore(), fetch: never, timeoutMs: 100, retries: 2, retryDelayMs: 10 })).rejects.toThrow(/no answer \(or no progress\) for 100 ms/);
    expect(calls).toBe(3);
    expect(Date.now() - t0).toBeLessThan(2000);
    // a fetch that ignores its signal, and a body that never ends, end at the deadline too
    const deaf = (() => new Promise<Response>(() => undefined)) as typeof fetch;
    await expect(loadGlobalModel({ url: `${BASE}model.json`, store: createMemoryStore(), fetch: deaf, timeoutMs: 100, retries: 0 })).rejects.toBeInstanceOf(ModelLoadError);
    const endless = (() => Promise.resolve(new Response(new ReadableStream({ pull: () => new Promise(() => undefined) })))) as typeof fetch;
    await expect(loadGlobalModel({ url: `${BASE}model.json`, store: createMemoryStore(), fetch: endless, timeoutMs: 100, retries: 0 })).rejects.toBeInstanceOf(ModelLoadError);
  });

  it('a slow download that keeps moving is not cut off by the stall deadline', async () => {
    const a = await sealed({ shardBytes: 1 << 20 });
    const s = site(publish(a));
    const trickle = (async (u: string | URL, init?: RequestInit) => {
      const body = new Uint8Array(await (await s.fetch(u, init)).arrayBuffer());
      const parts = 5;
      let k = 0;
      return new Response(new ReadableStream({
        async pull(c) {
          await new Promise((r) => setTimeout(r, 40));
          if (k === parts) return c.close();
          c.enqueue(body.subarray(Math.floor((k * body.length) / parts), Math.floor((++k * body.length) / parts)));
        },
      }));
    }) as typeof fetch;
    const r = await loadGlobalModel({ url: `${BASE}model.json`, store: createMemoryStore(), fetch: trickle, timeoutMs: 100, retries: 0 });
    expect(r.model.itemIds.length).toBe(60); // 6 × 40 ms per file: over the 100 ms deadline in total, never stalled
  });

  it('retries a transient HTTP 503 and then loads', async () => {
    const a = await sealed();
    const s = site(publish(a));
    let fails = 1;
    const flaky = (async (u: string | URL, init?: RequestInit) => (fails-- > 0 ? new Response('busy', { status: 503 }) : s.fetch(u, init))) as typeof fetch;
    const r = await loadGlobalModel({ url: `${BASE}model.json`, store: createMemoryStore(), fetch: flaky, retryDelayMs: 1 });
    expect(r.source).toBe('network');
  });
});
