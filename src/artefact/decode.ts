/**
 * Artefact → GlobalModel. `model.json` is validated in full (see manifest.ts) and the shard bytes are checked
 * against it before anything is allocated, so a truncated download or a hostile manifest fails fast with a
 * ModelLoadError instead of an out-of-memory or a silently wrong model.
 */
import { ModelLoadError } from '../errors.ts';
import type { GlobalModel, ItemAttributes } from '../model/global_model.ts';
import type { ArtefactLimits } from './format.ts';
import { DEFAULT_LIMITS } from './format.ts';
import type { TastebudMetadata, ValidatedManifest } from './manifest.ts';
import { validateManifest } from './manifest.ts';
import { decodeTensor } from './quantize.ts';
import { assembleSequence } from './sequence.ts';

/**
 * @example
 * const model = decodeArtefact(JSON.parse(modelJsonText), [shard1, shard2]);
 * model.itemIds.length === model.itemBias.length; // true
 */
export function decodeArtefact(
  modelJson: unknown,
  weights: ArrayBuffer | ArrayBuffer[],
  limits: ArtefactLimits = DEFAULT_LIMITS,
): GlobalModel {
  return decodeValidatedArtefact(validateManifest(modelJson, limits), weights);
}

/** decodeArtefact for a manifest already validated (loadArtefact validates once for the hash check and the decode). */
export function decodeValidatedArtefact(m: ValidatedManifest, weights: ArrayBuffer | ArrayBuffer[]): GlobalModel {
  const shards = Array.isArray(weights) ? weights : [weights];
  if (Array.isArray(weights) && shards.length !== m.paths.length)
    throw new ModelLoadError(`Invalid tastebud artefact: ${shards.length} weight shards given, the manifest lists ${m.paths.length}`);
  const got = shards.reduce((a, s) => a + s.byteLength, 0);
  if (got !== m.totalBytes)
    throw new ModelLoadError(`Invalid tastebud artefact: weights have ${got} bytes, the manifest describes ${m.totalBytes} (truncated or mismatched shards?)`);
  return assemble(m, joinShards(shards));
}

function joinShards(shards: ArrayBuffer[]): Uint8Array {
  if (shards.length === 1) return new Uint8Array(shards[0]);
  const out = new Uint8Array(shards.reduce((a, s) => a + s.byteLength, 0));
  let o = 0;
  for (const s of shards) {
    out.set(new Uint8Array(s), o);
    o += s.byteLength;
  }
  return out;
}

function assemble(m: ValidatedManifest, bytes: Uint8Array): GlobalModel {
  const t: Record<string, Float32Array> = {};
  for (const w of m.weights) t[w.name] = decodeTensor(bytes.subarray(w.offset, w.offset + w.bytes), w.count, w.quantization);
  for (const [name, a] of Object.entries(t)) {
    for (let k = 0; k < a.length; k++) if (!Number.isFinite(a[k])) throw new ModelLoadError(`Invalid tastebud artefact: weight "${name}" holds a non-finite value at ${k}`);
  }
  const meta = m.meta;
  const model: GlobalModel = {
    formatVersion: meta.formatVersion,
    modelVersion: meta.modelVersion,
    dim: meta.dim,
    itemIds: meta.items.ids.slice(),
    itemEmb: t.item_emb,
    itemBias: t.item_bias,
    w: t.w,
    bias: t.bias[0],
    priorUser: t.prior_user,
    popularity: t.popularity,
    hyperParameters: meta.hyperParameters,
  };
  if (meta.trainingReport) model.trainingReport = meta.trainingReport;
  if (meta.learner !== undefined) model.learner = meta.learner;
  if (meta.items.attributes) model.itemAttributes = meta.items.attributes;
  else if (meta.items.attributeColumns || meta.items.attributeCodes) model.itemAttributes = fromColumns(meta.items, meta.numItems);
  if (meta.items.meta) model.itemMeta = meta.items.meta;
  if (meta.placements) {
    const together: number[][] = Array.from({ length: meta.numItems }, () => []);
    for (const [row, rows] of Object.entries(meta.placements.together)) together[Number(row)] = rows;
    model.placements = { trending: meta.placements.trending, together };
  }
  if (meta.attributeVocab) model.attributeProjection = { vocab: meta.attributeVocab, weights: t.attr_proj_weights, bias: t.attr_proj_bias };
  if (meta.sequence) model.sequence = assembleSequence(meta.sequence, t, model.itemEmb, model.itemBias);
  return model;
}

function fromColumns(items: TastebudMetadata['items'], n: number): ItemAttributes[] {
  const out: ItemAttributes[] = Array.from({ length: n }, () => ({}));
  for (const [field, values] of Object.entries(items.attributeColumns ?? {})) values.forEach((v, i) => v !== null && (out[i][field] = v));
  for (const [field, c] of Object.entries(items.attributeCodes ?? {})) c.codes.forEach((k, i) => k >= 0 && (out[i][field] = c.values[k]));
  return out;
}
