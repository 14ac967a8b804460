/**
 * Where the global model comes from: the network once per model version, then the store. model.json is
 * revalidated on every start (`cache: 'no-cache'`: a conditional request, a 304 when the CDN copy is unchanged),
 * and the shards are fetched only when its model version is not cached yet. Offline, the newest cached model
 * is used. Nothing is written to the store unless the artefact decoded cleanly.
 */
import { DEFAULT_LIMITS, concatBytes, decodeArtefact, validateManifest, type ArtefactLimits } from '../artefact/index.ts';
import { ModelLoadError } from '../errors.ts';
import type { GlobalModel } from '../model/global_model.ts';
import type { CachedModelRecord, Store } from '../store/types.ts';

/** Default cap on model.json plus shards: far above a 100k-item, d=64 float32 model (~27 MB). */
export const DEFAULT_MAX_MODEL_BYTES = 256 * 1024 * 1024;

export interface LoadModelOptions {
  url: string;
  store: Store;
  fetch?: typeof fetch;
  /** Refuse artefacts larger than this (model.json + shards), before reading past it. */
  maxBytes?: number;
  limits?: ArtefactLimits;
}

export interface LoadedModel {
  model: GlobalModel;
  /** 'network': downloaded now; 'cache': this version was in the store (no shard downloaded). */
  source: 'network' | 'cache' | 'offline-cache';
}

/**
 * Loads the artefact at `url` through the store's cache.
 * @example
 * const { model, source } = await loadGlobalModel({ url: '/models/model.json', store });
 * source // 'network' on the first visit, 'cache' after a reload
 */
export async function loadGlobalModel(opts: LoadModelOptions): Promise<LoadedModel> {
  return (await load(opts))!;
}

/**
 * Revalidates model.json and loads the model only when its version differs from `currentVersion` (a live
 * refresh: an unchanged version costs one conditional request, nothing is decoded).
 * @example
 * const next = await loadModelIfChanged({ url: '/models/model.json', store }, 'v41');
 * next?.model.modelVersion // 'v42' once the shop published it; null while 'v41' is current
 */
export function loadModelIfChanged(opts: LoadModelOptions, currentVersion: string): Promise<LoadedModel | null> {
  return load(opts, currentVersion);
}

async function load(opts: LoadModelOptions, currentVersion?: string): Promise<LoadedModel | null> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_MODEL_BYTES;
  const limits = { ...(opts.limits ?? DEFAULT_LIMITS), maxWeightBytes: Math.min(maxBytes, (opts.limits ?? DEFAULT_LIMITS).maxWeightBytes) };
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const url = absoluteUrl(opts.url);
  let manifest: string;
  try {
    manifest = new TextDecoder().decode(await fetchCapped(doFetch, url, 'no-cache', maxBytes));
  } catch (e) {
    const cached = e instanceof NetworkError ? await opts.store.loadModel().catch(() => undefined) : undefined;
    if (cached?.url === url) return cached.modelVersion === currentVersion ? null : { model: decodeCached(cached, limits), source: 'offline-cache' };
    throw e instanceof NetworkError ? new ModelLoadError(e.message, { cause: e.cause }) : e;
  }
  const json = parseJson(manifest, url);
  const layout = validateManifest(json, limits);
  const version = layout.meta.modelVersion;
  if (version === currentVersion) return null;
  const cached = await opts.store.loadModel(version).catch(() => undefined);
  if (cached) {
    try {
      return { model: decodeCached(cached, limits), source: 'cache' };
    } catch {
      // A damaged cache entry is replaced by a fresh download below.
    }
  }
  const weights = await fetchShards(doFetch, url, layout.paths, maxBytes - manifest.length);
  const model = decodeArtefact(json, weights, limits);
  const record: CachedModelRecord = { modelVersion: version, url, savedAt: Date.now(), manifest, weights };
  // The model works without the cache (quota, memory store): a failed save only costs a download next time.
  await opts.store.saveModel(record).catch((e: unknown) => console.warn(`tastebud: could not cache model ${version}:`, e));
  return { model, source: 'network' };
}

class NetworkError extends Error {}

function absoluteUrl(url: string): string {
  if (typeof url !== 'string' || url.length === 0) throw new ModelLoadError('model must be the URL of a model.json');
  const base = (globalThis as { location?: { href: string } }).location?.href;
  try {
    return new URL(url, base).href;
  } catch (e) {
    throw new ModelLoadError(`model URL ${JSON.stringify(url.slice(0, 200))} is not a valid URL`, { cause: e });
  }
}

function parseJson(text: string, url: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelLoadError(`${url} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

function decodeCached(c: CachedModelRecord, limits: ArtefactLimits): GlobalModel {
  return decodeArtefact(JSON.parse(c.manifest), c.weights, limits);
}

async function fetchShards(doFetch: typeof fetch, base: string, paths: string[], budget: number): Promise<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  for (const p of paths) {
    // Shards are fetched only for a version the store lacks, and their names need not change between versions
    // (group1-shard1of1.bin): an HTTP-cached copy could be the previous model's, so it is revalidated.
    const part = await fetchCapped(doFetch, new URL(p, base).href, 'no-cache', budget);
    budget -= part.byteLength;
    parts.push(part);
  }
  return concatBytes(parts);
}

/** GETs `url`, reading at most `cap` bytes: a huge or endless response is cut off, not buffered. */
async function fetchCapped(doFetch: typeof fetch, url: string, cache: RequestCache, cap: number): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await doFetch(url, { cache });
  } catch (e) {
    throw new NetworkError(`Could not fetch ${url}: ${(e as Error).message}`, { cause: e });
  }
  if (!res.ok) throw new ModelLoadError(`Could not fetch ${url}: HTTP ${res.status}`);
  const tooBig = (): ModelLoadError => new ModelLoadError(`${url} is larger than the ${cap}-byte model size limit (option maxModelBytes)`);
  if (Number(res.headers.get('content-length') ?? 0) > cap) throw tooBig();
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    total += r.value.byteLength;
    if (total > cap) {
      await reader.cancel();
      throw tooBig();
    }
    chunks.push(r.value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
