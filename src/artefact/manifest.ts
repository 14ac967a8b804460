/**
 * The shape of `model.json` and its validation. Everything a decoder will allocate is derived from this
 * file, so it is checked first — names, shapes, dtypes, byte counts, limits — and a bad artefact is refused
 * with a ModelLoadError that says what is wrong, before any weight buffer is read or allocated.
 */
import { ModelLoadError } from '../errors.ts';
import type { ItemAttributes } from '../model/global_model.ts';
import type { ArtefactLimits } from './format.ts';
import { DEFAULT_LIMITS, FORMAT_NAME, FORMAT_VERSION } from './format.ts';
import type { Quantization } from './quantize.ts';
import { BYTES_PER } from './quantize.ts';
import type { SequenceConfig } from '../model/sequence/types.ts';
import { checkSequenceMeta, sequenceShapes } from './sequence.ts';
import { CODED_IDS_VERSION, decodeIds, IdCodingError } from './id_coding.ts';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: Quantization;
}

export interface ManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

export interface TastebudMetadata {
  formatVersion: number;
  modelVersion: string;
  dim: number;
  numItems: number;
  hyperParameters: Record<string, unknown>;
  trainingReport?: Record<string, unknown>;
  /** On-device learner settings chosen for this model (GlobalModel.learner); checked by the engine, not here, so an
   * artefact whose settings a later tastebud refuses still loads (with the defaults). */
  learner?: Record<string, unknown>;
  items: {
    /** The ids in row order; an artefact of CODED_IDS_VERSION or later may carry `idsCoded` instead (ValidatedMetadata always has `ids`). */
    ids?: string[];
    /** The ids front-coded into one string (id_coding.ts): written for large catalogues instead of `ids`. */
    idsCoded?: string;
    /** Item attributes stored by column (field → one value per item, null where absent): far smaller than one object per item. */
    attributeColumns?: Record<string, (string | number | null)[]>;
    /**
     * Low-cardinality attribute fields (brand, category, genre) dictionary-coded: `codes[i]` indexes `values`,
     * −1 where item i has no value. A brand repeated over thousands of items is written once.
     */
    attributeCodes?: Record<string, AttributeCodes>;
    /** One object per item (accepted on load; the encoder writes attributeColumns). */
    attributes?: ItemAttributes[];
    meta?: Record<string, unknown>[];
  };
  attributeVocab?: string[];
  /** Present for a sequence model: its config; its tensors are the `seq/...` weights (see sequence.ts). */
  sequence?: SequenceConfig;
  /** Placement lists (row indices): `together` only lists items that have one, keyed by row. */
  placements?: { trending: number[]; together: Record<string, number[]> };
  /** Content hashes (integrity.ts); absent in artefacts written before them. */
  integrity?: IntegrityBlock;
}

/** SHA-256 hex digests: one per shard (manifest order), of all weight bytes, of `items`, and of everything. */
export interface IntegrityBlock {
  algorithm: 'SHA-256';
  shards: string[];
  weights: string;
  items: string;
  content: string;
}

export interface ArtefactJson {
  format: string;
  generatedBy: string;
  weightsManifest: ManifestGroup[];
  tastebud: TastebudMetadata;
}

/** One dictionary-coded attribute field. */
export interface AttributeCodes {
  values: (string | number)[];
  codes: number[];
}

/** The weights every artefact has, and the optional attribute projection. */
export const WEIGHT_NAMES = ['item_emb', 'item_bias', 'w', 'bias', 'prior_user', 'popularity'] as const;
export const PROJECTION_NAMES = ['attr_proj_weights', 'attr_proj_bias'] as const;

/** Metadata as validateManifest returns it: the ids decoded, whichever way model.json stores them. */
export type ValidatedMetadata = TastebudMetadata & { items: { ids: string[] } };

export interface ValidatedManifest {
  meta: ValidatedMetadata;
  /** Weights in manifest order with their byte offset into the concatenated shards. */
  weights: (WeightSpec & { offset: number; count: number; bytes: number })[];
  paths: string[];
  totalBytes: number;
}

function fail(msg: string): never {
  throw new ModelLoadError(`Invalid tastebud artefact: ${msg}`);
}
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isDim = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/**
 * Checks `model.json` (already parsed) and returns the byte layout of its weights.
 *
 * @example
 * const m = validateManifest(JSON.parse(text));
 * m.totalBytes; // bytes the shards must add up to
 */
export function validateManifest(json: unknown, limits: ArtefactLimits = DEFAULT_LIMITS): ValidatedManifest {
  if (!isObj(json)) fail('model.json is not a JSON object');
  if (json.format !== FORMAT_NAME) fail(`"format" is ${JSON.stringify(json.format)}, expected "${FORMAT_NAME}" (is this a tastebud model.json?)`);
  const meta = checkMeta(json.tastebud, limits);
  if (!Array.isArray(json.weightsManifest) || json.weightsManifest.length === 0) fail('"weightsManifest" must be a non-empty array');
  const weights: ValidatedManifest['weights'] = [];
  const paths: string[] = [];
  let offset = 0;
  for (const g of json.weightsManifest as unknown[]) {
    if (!isObj(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) fail('each weightsManifest group needs "paths" and "weights" arrays');
    for (const p of g.paths) if (typeof p !== 'string' || !isSafePath(p)) fail(`shard path ${JSON.stringify(String(p).slice(0, 100))} must be a plain file name next to model.json (letters, digits, . _ -)`);
    paths.push(...(g.paths as string[]));
    for (const w of g.weights as unknown[]) {
      const spec = checkWeight(w, limits);
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const bytes = count * BYTES_PER[spec.quantization?.dtype ?? 'float32'];
      weights.push({ ...spec, offset, count, bytes });
      offset += bytes;
      if (offset > limits.maxWeightBytes) fail(`weights total more than the limit of ${limits.maxWeightBytes} bytes`);
    }
  }
  checkShapes(weights, meta);
  checkIntegrity(meta.integrity, paths.length);
  return { meta, weights, paths, totalBytes: offset };
}

/**
 * Shard paths are file names in model.json's folder (or a sub-folder): segments of letters, digits, `.`, `_`
 * and `-`, none starting with a dot. That refuses `..`, `%2e%2e/…` (no `%`), a leading space or tab, `//host/…`,
 * `/abs`, `C:\…` and any scheme before a URL is ever built; `resolveShardUrl` checks the resolved URL again.
 */
const SAFE_PATH = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;
function isSafePath(p: string): boolean {
  return p.length > 0 && p.length < 256 && SAFE_PATH.test(p);
}

/**
 * The URL of a shard, resolved with the URL parser against model.json's URL and required to stay on the same
 * origin, under model.json's folder.
 *
 * @example
 * resolveShardUrl('https://shop.example/m/model.json', 'group1-shard1of1.bin'); // 'https://shop.example/m/group1-shard1of1.bin'
 * resolveShardUrl('https://shop.example/m/model.json', '//evil.example/x.bin'); // throws ModelLoadError
 */
export function resolveShardUrl(modelUrl: string, path: string): string {
  if (!isSafePath(path)) fail(`shard path ${JSON.stringify(path.slice(0, 100))} must be a plain file name next to model.json`);
  const base = new URL(modelUrl);
  const url = new URL(path, base);
  const folder = base.pathname.slice(0, base.pathname.lastIndexOf('/') + 1);
  if (url.origin !== base.origin || !url.pathname.startsWith(folder) || url.search || url.hash)
    fail(`shard path ${JSON.stringify(path)} resolves to ${url.href}, outside ${base.origin}${folder}`);
  return url.href;
}

const HEX64 = /^[0-9a-f]{64}$/;
function checkIntegrity(block: unknown, shards: number): void {
  if (block === undefined) return;
  if (!isObj(block) || block.algorithm !== 'SHA-256') fail('"tastebud.integrity" must be { algorithm: "SHA-256", shards, weights, items, content }');
  const hex = (v: unknown): boolean => typeof v === 'string' && HEX64.test(v);
  if (!Array.isArray(block.shards) || block.shards.length !== shards || !block.shards.every(hex)) fail(`"tastebud.integrity.shards" must hold one SHA-256 hex digest per shard (${shards})`);
  for (const k of ['weights', 'items', 'content']) if (!hex(block[k])) fail(`"tastebud.integrity.${k}" must be a SHA-256 hex digest`);
}

function checkWeight(w: unknown, limits: ArtefactLimits): WeightSpec {
  if (!isObj(w) || typeof w.name !== 'string') fail('each weight needs a "name"');
  const name = w.name;
  if (!Array.isArray(w.shape) || w.shape.length > 4 || !w.shape.every(isDim)) fail(`weight "${name}" has an invalid shape ${JSON.stringify(w.shape)}`);
  const shape = w.shape as number[];
  const count = shape.reduce((a, b) => a * b, 1);
  if (count * 4 > limits.maxWeightBytes) fail(`weight "${name}" has ${count} elements, over the size limit`);
  if (w.dtype !== 'float32') fail(`weight "${name}" has dtype ${JSON.stringify(w.dtype)}; tastebud weights are float32 (optionally quantised)`);
  if (w.quantization === undefined) return { name, shape, dtype: 'float32' };
  const q = w.quantization;
  if (!isObj(q) || !['uint8', 'uint16', 'float16'].includes(q.dtype as string)) fail(`weight "${name}" has an unknown quantization ${JSON.stringify(q)}`);
  if (q.dtype !== 'float16' && !(Number.isFinite(q.min) && Number.isFinite(q.scale) && (q.scale as number) > 0))
    fail(`weight "${name}": ${q.dtype} quantization needs a finite "min" and a positive "scale"`);
  return { name, shape, dtype: 'float32', quantization: q as unknown as Quantization };
}

function checkMeta(m: unknown, limits: ArtefactLimits): ValidatedMetadata {
  if (!isObj(m)) fail('the "tastebud" metadata object is missing');
  if (!Number.isInteger(m.formatVersion) || (m.formatVersion as number) < 1) fail('"tastebud.formatVersion" must be a positive integer');
  if ((m.formatVersion as number) > FORMAT_VERSION)
    fail(`format version ${m.formatVersion} is newer than this tastebud understands (${FORMAT_VERSION}); update tastebud`);
  if (typeof m.modelVersion !== 'string' || !m.modelVersion) fail('"tastebud.modelVersion" must be a non-empty string');
  if (!Number.isInteger(m.dim) || (m.dim as number) < 1 || (m.dim as number) > limits.maxDim) fail(`dim ${m.dim} must be an integer in 1..${limits.maxDim}`);
  if (!isDim(m.numItems) || m.numItems > limits.maxItems) fail(`numItems ${m.numItems} must be an integer in 0..${limits.maxItems}`);
  if (!isObj(m.hyperParameters)) fail('"tastebud.hyperParameters" must be an object');
  if (!isObj(m.items)) fail('"tastebud.items" must be an object');
  const ids = checkIds(m.items, m.numItems, m.formatVersion as number, limits);
  for (const key of ['attributes', 'meta'] as const) {
    const a = m.items[key];
    if (a !== undefined && (!Array.isArray(a) || a.length !== ids.length || !a.every(isObj))) fail(`"tastebud.items.${key}" must hold one object per item`);
  }
  checkAttributeCodes(m.items.attributeCodes, ids.length);
  const cols = m.items.attributeColumns;
  if (cols !== undefined) {
    if (!isObj(cols)) fail('"tastebud.items.attributeColumns" must be an object of arrays');
    for (const [field, values] of Object.entries(cols)) {
      if (!Array.isArray(values) || values.length !== ids.length) fail(`attribute column "${field}" must have one value per item (${ids.length})`);
      if (!values.every((v) => v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) fail(`attribute column "${field}" holds a value that is not a string, number or null`);
    }
  }
  checkPlacements(m.placements, ids.length);
  const vocab = m.attributeVocab;
  if (vocab !== undefined && (!Array.isArray(vocab) || vocab.length > limits.maxVocab || !vocab.every((t) => typeof t === 'string')))
    fail(`"tastebud.attributeVocab" must be an array of at most ${limits.maxVocab} strings`);
  if (m.sequence !== undefined) checkSequenceMeta(m.sequence, m.numItems, m.dim as number);
  // a copy with the ids decoded: model.json itself stays as written (its items are hashed as written)
  return { ...m, items: { ...m.items, ids } } as unknown as ValidatedMetadata;
}

/** The item ids from `items.ids` or, in a format-2 artefact, `items.idsCoded`: one per item, non-empty, short, distinct. */
function checkIds(items: Record<string, unknown>, numItems: number, formatVersion: number, limits: ArtefactLimits): string[] {
  const plain = items.ids;
  const coded = items.idsCoded;
  if (plain !== undefined && coded !== undefined) fail('"tastebud.items" has both "ids" and "idsCoded"; keep one');
  let ids: unknown[];
  if (coded !== undefined) {
    if (formatVersion < CODED_IDS_VERSION) fail(`"tastebud.items.idsCoded" needs format version ${CODED_IDS_VERSION}, the artefact says ${formatVersion}`);
    if (typeof coded !== 'string') fail('"tastebud.items.idsCoded" must be a string');
    try {
      ids = decodeIds(coded, numItems);
    } catch (e) {
      if (e instanceof IdCodingError) fail(`${e.message} (a truncated or edited model.json?)`);
      throw e;
    }
  } else {
    if (!Array.isArray(plain)) fail('"tastebud.items.ids" must be an array');
    ids = plain;
    if (ids.length !== numItems) fail(`${ids.length} item ids but numItems is ${numItems}`);
  }
  const maxLen = limits.maxIdLength ?? DEFAULT_LIMITS.maxIdLength;
  const seen = new Set<string>();
  for (const id of ids) {
    if (typeof id !== 'string' || id.length === 0 || id.length > maxLen) fail(`item id ${JSON.stringify(String(id).slice(0, 80))} must be a non-empty string of at most ${maxLen} characters`);
    if (seen.has(id)) fail(`item id "${id}" appears twice`);
    seen.add(id);
  }
  return ids as string[];
}

function checkPlacements(p: unknown, n: number): void {
  if (p === undefined) return;
  const isRows = (v: unknown): boolean => Array.isArray(v) && v.every((r) => Number.isInteger(r) && r >= 0 && r < n);
  if (!isObj(p) || !isRows(p.trending) || !isObj(p.together)) fail('"tastebud.placements" must be { trending: [rows], together: { row: [rows] } }');
  for (const [key, rows] of Object.entries(p.together as Record<string, unknown>)) {
    const at = Number(key);
    if (!(Number.isInteger(at) && at >= 0 && at < n) || !isRows(rows)) fail(`"tastebud.placements.together.${key}" must list rows 0..${n - 1} for a row key`);
  }
}

function checkAttributeCodes(codes: unknown, n: number): void {
  if (codes === undefined) return;
  if (!isObj(codes)) fail('"tastebud.items.attributeCodes" must be an object');
  for (const [field, c] of Object.entries(codes)) {
    if (!isObj(c) || !Array.isArray(c.values) || !Array.isArray(c.codes)) fail(`attribute codes "${field}" must be { values: [...], codes: [...] }`);
    if (!c.values.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) fail(`attribute codes "${field}" hold a value that is not a string or number`);
    if (c.codes.length !== n) fail(`attribute codes "${field}" must have one code per item (${n})`);
    const max = c.values.length;
    if (!c.codes.every((k) => Number.isInteger(k) && k >= -1 && k < max)) fail(`attribute codes "${field}" hold a code outside -1..${max - 1}`);
  }
}

function checkShapes(weights: ValidatedManifest['weights'], meta: TastebudMetadata): void {
  const N = meta.numItems;
  const d = meta.dim;
  const V = meta.attributeVocab?.length;
  const expected: Record<string, number[]> = { item_emb: [N, d], item_bias: [N], w: [d], bias: [1], prior_user: [d], popularity: [N] };
  if (V !== undefined) Object.assign(expected, { attr_proj_weights: [V, d], attr_proj_bias: [V] });
  const seq = meta.sequence;
  if (seq) Object.assign(expected, sequenceShapes(seq));
  const byName = new Map(weights.map((w) => [w.name, w]));
  if (byName.size !== weights.length) fail('a weight name appears twice');
  for (const [name, shape] of Object.entries(expected)) {
    const w = byName.get(name);
    if (!w) fail(`weight "${name}" is missing`);
    if (w.shape.length !== shape.length || w.shape.some((s, k) => s !== shape[k]))
      fail(`weight "${name}" has shape [${w.shape}], expected [${shape}] from dim=${d}, numItems=${N}${seq && name.startsWith('seq/') ? `, sequence ${JSON.stringify(seq)}` : ''}`);
  }
  for (const w of weights) if (!(w.name in expected)) fail(`unexpected weight "${w.name}"${w.name.startsWith('seq/') && !seq ? ' (a sequence tensor, but "tastebud.sequence" is missing)' : ''}`);
}
