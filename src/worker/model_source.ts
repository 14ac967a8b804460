/**
 * Where the global model comes from: the network once per model version, then the store. model.json is
 * revalidated on every start (`cache: 'no-cache'`: a conditional request, a 304 when the CDN copy is unchanged),
 * and the shards are fetched only when its model version is not cached yet. Offline, the newest cached model
 * is used. Nothing is written to the store unless the artefact decoded cleanly and matched its SHA-256 hashes;
 * a cached copy is used only when it still matches them and was saved from this very model.json (else it is
 * replaced by a fresh download). Every request has a deadline and a bounded number of retries.
 */
import { DEFAULT_LIMITS, concatBytes, loadArtefact, resolveShardUrl, validateManifest, type ArtefactLimits } from '../artefact/index.ts';
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
  /** Stall deadline of one request (model.json or a shard): no answer, or no new bytes, for this long aborts it. Default 20 s. */
  timeoutMs?: number;
  /** Further tries after a network error, a deadline or an HTTP 5xx / 429. Default 2. */
  retries?: number;
  /** Pause before the first retry, doubled for each next one. Default 500 ms. */
  retryDelayMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_RETRIES = 2;

interface Net {
  fetch: typeof fetch;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
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
  const net: Net = {
    fetch: opts.fetch ?? globalThis.fetch.bind(globalThis),
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retries: Math.max(0, Math.floor(opts.retries ?? DEFAULT_RETRIES)),
    retryDelayMs: opts.retryDelayMs ?? 500,
  };
  const url = absoluteUrl(opts.url);
  let manifest: string;
  try {
    manifest = new TextDecoder().decode(await fetchWithRetry(net, url, 'no-cache', maxBytes));
  } catch (e) {
    const cached = e instanceof NetworkError ? await opts.store.loadModel().catch(() => undefined) : undefined;
    if (cached?.url === url) {
      if (cached.modelVersion === currentVersion) return null;
      const model = await decodeCached(cached, limits);
      if (model) return { model, source: 'offline-cache' };
    }
    throw e instanceof NetworkError ? new ModelLoadError(e.message, { cause: e.cause }) : e;
  }
  const json = parseJson(manifest, url);
  const layout = validateManifest(json, limits);
  const version = layout.meta.modelVersion;
  if (version === currentVersion) return null;
  const cached = await opts.store.loadModel(version).catch(() => undefined);
  // a cached copy serves only the model.json it was saved with, and only while its bytes match their hashes
  const fromCache = cached && cached.manifest === manifest ? await decodeCached(cached, limits) : undefined;
  if (fromCache) return { model: fromCache, source: 'cache' };
  const parts = await fetchShards(net, url, layout.paths, maxBytes - manifest.length);
  const { model } = await loadArtefact(json, parts, limits); // hashes checked before use and before caching
  const record: CachedModelRecord = { modelVersion: version, url, savedAt: Date.now(), manifest, weights: concatBytes(parts.map((p) => new Uint8Array(p))) };
  // The model works without the cache (quota, memory store): a failed save only costs a download next time.
  // Saving under the same version replaces (evicts) a damaged or stale cached copy.
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

/** The cached model, or undefined when the entry is damaged (it is then downloaded again and overwritten). */
async function decodeCached(c: CachedModelRecord, limits: ArtefactLimits): Promise<GlobalModel | undefined> {
  try {
    return (await loadArtefact(JSON.parse(c.manifest), c.weights, limits)).model;
  } catch (e) {
    console.warn(`tastebud: the cached model ${c.modelVersion} failed its check and is fetched again:`, e);
    return undefined;
  }
}

async function fetchShards(net: Net, base: string, paths: string[], budget: number): Promise<ArrayBuffer[]> {
  const parts: ArrayBuffer[] = [];
  for (const p of paths) {
    // Shards are fetched only for a version the store lacks, and their names need not change between versions
    // (group1-shard1of1.bin): an HTTP-cached copy could be the previous model's, so it is revalidated.
    const part = await fetchWithRetry(net, resolveShardUrl(base, p), 'no-cache', budget);
    budget -= part.byteLength;
    parts.push(part.buffer.slice(part.byteOffset, part.byteOffset + part.byteLength) as ArrayBuffer);
  }
  return parts;
}

/** fetchCapped under a deadline, retried (with a doubling pause) after network errors, deadlines and HTTP 5xx / 429. */
async function fetchWithRetry(net: Net, url: string, cache: RequestCache, cap: number): Promise<Uint8Array> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchCapped(net, url, cache, cap);
    } catch (e) {
      const transient = e instanceof NetworkError || (e instanceof HttpError && (e.status >= 500 || e.status === 429));
      if (!transient || attempt >= net.retries) throw e instanceof HttpError ? new ModelLoadError(e.message) : e;
      await new Promise((r) => setTimeout(r, net.retryDelayMs * 2 ** attempt));
    }
  }
}

class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * GETs `url`, reading at most `cap` bytes (a huge or endless response is cut off). The deadline is a stall
 * deadline: no answer, or no new bytes, for `net.timeoutMs` aborts it; a slow but moving download goes on.
 */
async function fetchCapped(net: Net, url: string, cache: RequestCache, cap: number): Promise<Uint8Array> {
  const ctl = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, net.timeoutMs);
  };
  const fail = (e: unknown): never => {
    if (timedOut) throw new NetworkError(`Could not fetch ${url}: no answer (or no progress) for ${net.timeoutMs} ms`, { cause: e });
    if (e instanceof ModelLoadError || e instanceof HttpError) throw e;
    throw new NetworkError(`Could not fetch ${url}: ${(e as Error).message}`, { cause: e });
  };
  arm();
  try {
    const res = await Promise.race([net.fetch(url, { cache, signal: ctl.signal }), aborted(ctl.signal)]).catch(fail);
    if (!res.ok) throw new HttpError(`Could not fetch ${url}: HTTP ${res.status}`, res.status);
    return await readCapped(res, url, cap, ctl.signal, arm).catch(fail);
  } finally {
    clearTimeout(timer);
  }
}

/** Rejects when `signal` aborts: a fetch that ignores its signal (or a stuck body) still ends at the deadline. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
}

async function readCapped(res: Response, url: string, cap: number, signal: AbortSignal, progress: () => void): Promise<Uint8Array> {
  const tooBig = (): ModelLoadError => new ModelLoadError(`${url} is larger than the ${cap}-byte model size limit (option maxModelBytes)`);
  if (Number(res.headers.get('content-length') ?? 0) > cap) throw tooBig();
  if (!res.body) return new Uint8Array(await Promise.race([res.arrayBuffer(), aborted(signal)]));
  const reader = res.body.getReader();
  const stop = aborted(signal);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (let r = await Promise.race([reader.read(), stop]); !r.done; r = await Promise.race([reader.read(), stop])) {
      progress();
      total += r.value.byteLength;
      if (total > cap) throw tooBig();
      chunks.push(r.value);
    }
  } catch (e) {
    void reader.cancel().catch(() => undefined);
    throw e;
  }
  return concatChunks(chunks, total);
}

function concatChunks(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
