/**
 * Imported factors → the same `GlobalModel` pretraining produces: a plain dot-product model (w = 1, item bias
 * from an intercept where the export has one), items renamed through the id map, attributes and popularity
 * from the shop's catalogue or log, and hyper-parameters that let the closed-form fold-in solve users the way
 * the source system did (Spark: unobserved weight 1, confidence 1 + alpha·r, λ scaled by the user's count).
 */
import { FORMAT_VERSION } from '../artefact/format.ts';
import { InvalidInputError } from '../errors.ts';
import type { GlobalModel, ItemAttributes } from '../model/global_model.ts';
import type { CfParams } from '../model/cf_model.ts';
import { contentVersion } from '../train/model_summary.ts';
import type { Catalogue } from './catalogue.ts';
import type { ImportedFactors } from './factors.ts';

export interface BuildOptions {
  idMap?: Map<string, string>;
  catalogue?: Catalogue;
  /** Interaction counts per shop item id (from the shop's log), used when the catalogue has no popularity. */
  popularity?: Map<string, number>;
  /** What the source trained with, for the fold-in: alpha, regParam, unobserved weight. */
  training?: { alpha?: number; reg?: number; unobserved?: number };
  modelVersion?: string;
}

/**
 * @example
 * const { model, notes } = buildImportedModel(await readSparkModel(dir), { idMap, catalogue });
 */
export function buildImportedModel(f: ImportedFactors, o: BuildOptions = {}): { model: GlobalModel; notes: string[] } {
  const notes: string[] = [];
  const keep = rowsToKeep(f, o, notes);
  const d = f.dim;
  const n = keep.length;
  const itemEmb = new Float32Array(n * d);
  const itemBias = new Float32Array(n);
  const itemIds = keep.map(({ id }) => id);
  keep.forEach(({ row }, k) => {
    itemEmb.set(f.items.factors.subarray(row * d, row * d + d), k * d);
    itemBias[k] = f.items.intercepts?.[row] ?? 0;
  });
  const popularity = popularityOf(itemIds, o, notes);
  const attrs = o.catalogue ? itemIds.map((id) => ({ ...(o.catalogue!.attributes.get(id) ?? {}) }) as ItemAttributes) : undefined;
  const t = o.training ?? {};
  const spark = f.source !== 'bigquery-ml';
  const hyperParameters: Record<string, unknown> = {
    solver: 'als', dim: d, importedFrom: f.source, ...f.info,
    alsAlpha: t.alpha ?? (spark ? 1 : 40), l2: t.reg ?? (spark ? 0.1 : 1), alsUnobserved: t.unobserved ?? 1,
    alsRegExponent: spark ? 1 : 0, alsRegObservedOnly: spark, recencyBoost: 0,
  };
  const params: Pick<CfParams, 'itemEmb' | 'itemBias' | 'w' | 'bias'> = { itemEmb, itemBias, w: new Float32Array(d).fill(1), bias: new Float32Array(1) };
  const model: GlobalModel = {
    formatVersion: FORMAT_VERSION,
    modelVersion: o.modelVersion ?? contentVersion(params as CfParams),
    dim: d,
    itemIds,
    itemEmb,
    itemBias,
    w: params.w,
    bias: 0,
    priorUser: f.userMean ?? new Float32Array(d),
    popularity,
    hyperParameters,
    trainingReport: { importedFrom: f.source, sourceItems: f.items.ids.length, sourceUsers: f.users, notes },
  };
  if (attrs) model.itemAttributes = attrs;
  if (!f.userMean) notes.push('no user factors in the export: the cold-start prior p_0 is zero (recommendations start from popularity)');
  return { model, notes };
}

function rowsToKeep(f: ImportedFactors, o: BuildOptions, notes: string[]): { id: string; row: number }[] {
  const out: { id: string; row: number }[] = [];
  let unmapped = 0;
  let notInCatalogue = 0;
  f.items.ids.forEach((src, row) => {
    const id = o.idMap ? o.idMap.get(src) : src;
    if (id === undefined) return void unmapped++;
    if (o.catalogue && !o.catalogue.attributes.has(id)) return void notInCatalogue++;
    out.push({ id, row });
  });
  if (unmapped) notes.push(`${unmapped} factor rows have no entry in the id map and were left out`);
  if (notInCatalogue) notes.push(`${notInCatalogue} items are not in the catalogue (no longer sold?) and were left out`);
  if (o.catalogue) {
    const missing = o.catalogue.attributes.size - out.length;
    if (missing > 0) notes.push(`${missing} catalogue items have no factors (new since training): the browser can only reach them through attributes or not at all`);
  }
  if (out.length === 0) throw new InvalidInputError('import: no item is left after the id map and the catalogue; do their ids match the factors\' ids?');
  if (new Set(out.map((x) => x.id)).size !== out.length) throw new InvalidInputError('import: the id map sends two factor rows to one item id');
  return out;
}

function popularityOf(itemIds: string[], o: BuildOptions, notes: string[]): Float32Array {
  const source = o.catalogue?.popularity ?? o.popularity;
  if (!source) {
    notes.push('no popularity (no catalogue column, no --data log): every item counts 1');
    return new Float32Array(itemIds.length).fill(1);
  }
  return Float32Array.from(itemIds, (id) => source.get(id) ?? 0);
}
