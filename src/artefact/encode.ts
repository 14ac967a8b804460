/**
 * GlobalModel → artefact: a `model.json` (TF.js weights manifest + tastebud metadata) and the weight bytes,
 * split into shards the way TF.js names them (`group1-shard1of2.bin`). Pure: runs in Node and the browser.
 */
import type { GlobalModel, ItemAttributes } from '../model/global_model.ts';
import { InvalidInputError } from '../errors.ts';
import type { WeightDtype } from './format.ts';
import { DEFAULT_SHARD_BYTES, FORMAT_NAME } from './format.ts';
import { CODE_IDS_FROM, CODED_IDS_VERSION, encodeIds } from './id_coding.ts';
import type { ArtefactJson, AttributeCodes, TastebudMetadata, WeightSpec } from './manifest.ts';
import type { QuantDtype } from './quantize.ts';
import { encodeTensor } from './quantize.ts';
import { sequenceMeta, sequenceTensors } from './sequence.ts';
import { checkShippedSettings } from '../engine/shipped_learner.ts';

export interface EncodeOptions {
  /** Storage of the item tables (embeddings, biases, projection); w, bias and p_0 stay float32. */
  dtype?: WeightDtype;
  shardBytes?: number;
  /**
   * How model.json stores the item ids: a JSON array ('plain'), front-coded into one string ('coded', format
   * version 2, id_coding.ts), or 'auto' (default): coded from CODE_IDS_FROM items. Coding never takes more bytes:
   * an id's length digits (at most three below the 256-character id limit) replace its quotes and comma, and
   * shared prefixes are written once.
   */
  ids?: 'auto' | 'plain' | 'coded';
}

export interface EncodedArtefact {
  modelJson: ArtefactJson;
  /** All weight bytes, concatenated in manifest order. */
  weights: ArrayBuffer;
  /** The same bytes cut into shards, with the paths listed in the manifest. */
  shards: { path: string; data: ArrayBuffer }[];
}

/**
 * @example
 * const { modelJson, shards } = encodeArtefact(model, { dtype: 'uint8' });
 * modelJson.weightsManifest[0].paths; // ['group1-shard1of1.bin']
 */
export function encodeArtefact(model: GlobalModel, opts: EncodeOptions = {}): EncodedArtefact {
  const dtype = opts.dtype ?? 'float32';
  if (!['float32', 'float16', 'uint8'].includes(dtype)) throw new InvalidInputError(`encodeArtefact: dtype must be float32, float16 or uint8, got ${dtype}`);
  const shardBytes = opts.shardBytes ?? DEFAULT_SHARD_BYTES;
  const q: QuantDtype | null = dtype === 'float32' ? null : dtype;
  const N = model.itemIds.length;
  const d = model.dim;
  const tensors: [string, number[], Float32Array, QuantDtype | null][] = [
    ['item_emb', [N, d], model.itemEmb, q],
    ['item_bias', [N], model.itemBias, q],
    ['w', [d], model.w, null],
    ['bias', [1], Float32Array.of(model.bias), null],
    ['prior_user', [d], model.priorUser, null],
    ['popularity', [N], model.popularity, q && countsFitUint16(model.popularity) ? 'uint16' : null],
  ];
  const proj = model.attributeProjection;
  if (proj) {
    tensors.push(['attr_proj_weights', [proj.vocab.length, d], proj.weights, q]);
    tensors.push(['attr_proj_bias', [proj.vocab.length], proj.bias, q]);
  }
  if (model.sequence) tensors.push(...sequenceTensors(checkedSequence(model), q));
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const [name, shape, values, quant] of tensors) {
    const count = shape.reduce((a, b) => a * b, 1);
    if (values.length !== count) throw new InvalidInputError(`encodeArtefact: ${name} has ${values.length} values, expected ${count} for shape [${shape}]`);
    const enc = name === 'popularity' && quant === 'uint16' ? exactCounts(values) : encodeTensor(values, quant);
    specs.push({ name, shape, dtype: 'float32', ...(enc.quantization ? { quantization: enc.quantization } : {}) });
    parts.push(enc.bytes);
  }
  const weights = concatBytes(parts);
  const shards = cut(weights, shardBytes);
  const modelJson: ArtefactJson = {
    format: FORMAT_NAME,
    generatedBy: 'tastebud',
    weightsManifest: [{ paths: shards.map((s) => s.path), weights: specs }],
    tastebud: metadata(model, opts.ids ?? 'auto'),
  };
  return { modelJson, weights, shards };
}

function metadata(model: GlobalModel, idsAs: NonNullable<EncodeOptions['ids']>): TastebudMetadata {
  const items = itemIdsJson(model.itemIds, idsAs);
  const meta: TastebudMetadata = {
    // the oldest version that reads this file: plain ids stay readable by every tastebud since version 1
    formatVersion: items.idsCoded === undefined ? 1 : CODED_IDS_VERSION,
    modelVersion: model.modelVersion,
    dim: model.dim,
    numItems: model.itemIds.length,
    hyperParameters: model.hyperParameters,
    items,
  };
  if (model.trainingReport) meta.trainingReport = model.trainingReport;
  if (model.learner !== undefined) meta.learner = checkedLearner(model.learner);
  if (model.itemAttributes) Object.assign(meta.items, toColumns(model.itemAttributes));
  if (model.itemMeta) meta.items.meta = model.itemMeta;
  if (model.attributeProjection) meta.attributeVocab = model.attributeProjection.vocab;
  if (model.placements) meta.placements = sparsePlacements(model.placements);
  if (model.sequence) meta.sequence = sequenceMeta(model.sequence);
  return meta;
}

function itemIdsJson(ids: string[], idsAs: NonNullable<EncodeOptions['ids']>): TastebudMetadata['items'] {
  if (!['auto', 'plain', 'coded'].includes(idsAs)) throw new InvalidInputError(`encodeArtefact: ids must be auto, plain or coded, got ${idsAs}`);
  if (idsAs === 'plain' || (idsAs === 'auto' && ids.length < CODE_IDS_FROM)) return { ids };
  return { idsCoded: encodeIds(ids) };
}

/** Shipped learner settings must be what every browser accepts: checked here, so a bad one fails the write, not a shop's visitors. */
function checkedLearner(learner: Record<string, unknown>): Record<string, unknown> {
  try {
    checkShippedSettings(learner);
  } catch (e) {
    throw new InvalidInputError(`encodeArtefact: model.learner: ${(e as Error).message}`, { cause: e });
  }
  return learner;
}

function sparsePlacements(p: NonNullable<GlobalModel['placements']>): NonNullable<TastebudMetadata['placements']> {
  const together: Record<string, number[]> = {};
  p.together.forEach((rows, i) => rows.length && (together[i] = rows));
  return { trending: p.trending, together };
}

/** The sequence params must read the artefact's item table: a second table would be silently dropped. */
function checkedSequence(model: GlobalModel): NonNullable<GlobalModel['sequence']> {
  const seq = model.sequence!;
  const c = seq.config;
  if (seq.itemEmb !== model.itemEmb && !sameValues(seq.itemEmb, model.itemEmb))
    throw new InvalidInputError('encodeArtefact: model.sequence.itemEmb must be model.itemEmb (the item table is shared with the output layer)');
  if (c.numItems !== model.itemIds.length || c.dim !== model.dim)
    throw new InvalidInputError(`encodeArtefact: sequence config (${c.numItems} items, dim ${c.dim}) disagrees with the model (${model.itemIds.length} items, dim ${model.dim})`);
  if (seq.blocks.length !== c.blocks) throw new InvalidInputError(`encodeArtefact: sequence has ${seq.blocks.length} blocks, its config says ${c.blocks}`);
  return seq;
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** Counts are integers; stored as uint16 (min 0, scale 1) they stay exact at half the bytes. */
function countsFitUint16(c: Float32Array): boolean {
  for (let k = 0; k < c.length; k++) if (!(Number.isInteger(c[k]) && c[k] >= 0 && c[k] <= 65535)) return false;
  return true;
}

function exactCounts(c: Float32Array): ReturnType<typeof encodeTensor> {
  return { bytes: new Uint8Array(Uint16Array.from(c).buffer), quantization: { dtype: 'uint16', min: 0, scale: 1 } };
}

/** Concatenates byte chunks (weight groups, downloaded shards) into one buffer. */
export function concatBytes(parts: Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out.buffer;
}

function cut(buf: ArrayBuffer, shardBytes: number): { path: string; data: ArrayBuffer }[] {
  if (!(Number.isInteger(shardBytes) && shardBytes > 0)) throw new InvalidInputError(`encodeArtefact: shardBytes must be a positive integer, got ${shardBytes}`);
  const n = Math.max(1, Math.ceil(buf.byteLength / shardBytes));
  return Array.from({ length: n }, (_, k) => ({
    path: `group1-shard${k + 1}of${n}.bin`,
    data: buf.slice(k * shardBytes, Math.min(buf.byteLength, (k + 1) * shardBytes)),
  }));
}

/** One array per attribute field, null where an item lacks it. */
/**
 * Attributes by field: dictionary-coded when that writes fewer JSON bytes (brands, categories, tag sets that
 * repeat across items), else one plain column.
 */
function toColumns(attrs: ItemAttributes[]): Pick<TastebudMetadata['items'], 'attributeColumns' | 'attributeCodes'> {
  const fields = [...new Set(attrs.flatMap((a) => Object.keys(a ?? {})))].sort();
  const columns: Record<string, (string | number | null)[]> = {};
  const codes: Record<string, AttributeCodes> = {};
  for (const f of fields) {
    const column = attrs.map((a) => a?.[f] ?? null);
    const values = [...new Set(column.filter((v): v is string | number => v !== null))];
    const index = new Map(values.map((v, k) => [v, k]));
    const coded: AttributeCodes = { values, codes: column.map((v) => (v === null ? -1 : index.get(v)!)) };
    if (JSON.stringify(coded).length < JSON.stringify(column).length) codes[f] = coded;
    else columns[f] = column;
  }
  return { ...(Object.keys(columns).length ? { attributeColumns: columns } : {}), ...(Object.keys(codes).length ? { attributeCodes: codes } : {}) };
}
