/**
 * Loads an artefact over HTTP(S) with `fetch` (browsers and Node 20 both have it): model.json first, validated,
 * then the shards it lists, resolved relative to the model.json URL (same origin, same folder), each checked
 * against the manifest size and its SHA-256 hash.
 */
import { ModelLoadError } from '../errors.ts';
import type { GlobalModel } from '../model/global_model.ts';
import { loadArtefact } from './integrity.ts';
import type { ArtefactLimits } from './format.ts';
import { DEFAULT_LIMITS } from './format.ts';
import { resolveShardUrl, validateManifest } from './manifest.ts';

/** RequestCache spelled out: Node's type library has fetch but not this DOM name. */
type CacheMode = 'default' | 'force-cache' | 'no-cache' | 'no-store' | 'reload' | 'only-if-cached';

export interface FetchArtefactOptions {
  fetch?: typeof fetch;
  signal?: AbortSignal;
  limits?: ArtefactLimits;
  /**
   * RequestInit cache mode of model.json. Shards are always revalidated ('no-cache'): their file names
   * (group1-shardNofM.bin) repeat across model versions, so a cached shard could pair an old version's bytes
   * with a new model.json of the same size.
   */
  cache?: CacheMode;
}

/**
 * One-shot load of an artefact by URL (Node scripts, tools). The browser product does not use it: the worker's
 * `src/worker/model_source.ts` adds a streamed size cap and the IndexedDB cache by model version on top of the same
 * `validateManifest` / `decodeArtefact`.
 *
 * @example
 * const model = await fetchArtefact('https://shop.example/models/v3/model.json');
 */
export async function fetchArtefact(url: string, opts: FetchArtefactOptions = {}): Promise<GlobalModel> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const get = async (u: string, cache?: CacheMode): Promise<Response> => {
    let res: Response;
    try {
      res = await doFetch(u, { signal: opts.signal, ...(cache ? { cache } : {}) });
    } catch (e) {
      throw new ModelLoadError(`Could not fetch ${u}: ${(e as Error).message}`, { cause: e });
    }
    if (!res.ok) throw new ModelLoadError(`Could not fetch ${u}: HTTP ${res.status}`);
    return res;
  };
  const text = await (await get(url, opts.cache)).text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelLoadError(`${url} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const m = validateManifest(json, limits);
  const base = new URL(url, (globalThis as { location?: { href: string } }).location?.href).href;
  const shards = await Promise.all(m.paths.map(async (p) => (await get(resolveShardUrl(base, p), 'no-cache')).arrayBuffer()));
  return (await loadArtefact(json, shards, limits)).model;
}
