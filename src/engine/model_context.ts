/**
 * Everything the engine derives once per global model version: the id → row index, the Gramian for the
 * closed-form fold-in, the negative sampler, and item rows filled in from attributes for items the model has
 * no trained factors for. The `GlobalModel` itself is never mutated.
 */
import type { GlobalModel } from '../model/global_model.ts';
import type { NegativeSampler } from '../model/samplers.ts';
import { createPopularitySampler, createUniformSampler } from '../model/samplers.ts';
import { gramian } from './fold_in.ts';
import { ModelLoadError } from '../errors.ts';

export interface ModelContext {
  model: GlobalModel;
  numItems: number;
  dim: number;
  index: Map<string, number>;
  /** Item rows used by the engine: the model's, or a copy with attribute-projected rows for cold items. */
  itemEmb: Float32Array;
  itemBias: Float32Array;
  gram: Float64Array;
  sampler: NegativeSampler;
  /** Rows that got their vector from the attribute projection. */
  projected: number;
}

/**
 * Validates a model's shapes and derives the context.
 *
 * @example
 * const ctx = createModelContext(model, 'popularity');
 * ctx.index.get('sku-1'); // 0
 */
export function createModelContext(model: GlobalModel, sampler: 'uniform' | 'popularity'): ModelContext {
  // a model object is immutable by contract, so engines over the same model (tabs, the bench) share the work
  const cached = contexts.get(model)?.[sampler];
  if (cached) return cached;
  const ctx = buildContext(model, sampler);
  contexts.set(model, { ...contexts.get(model), [sampler]: ctx });
  return ctx;
}

const contexts = new WeakMap<GlobalModel, Partial<Record<'uniform' | 'popularity', ModelContext>>>();

function buildContext(model: GlobalModel, sampler: 'uniform' | 'popularity'): ModelContext {
  checkShapes(model);
  const n = model.itemIds.length;
  const index = new Map<string, number>();
  model.itemIds.forEach((id, i) => {
    if (index.has(id)) throw new ModelLoadError(`model ${model.modelVersion}: item id "${id}" appears twice`);
    index.set(id, i);
  });
  const { itemEmb, itemBias, projected } = catalogueRows(model);
  return {
    model,
    numItems: n,
    dim: model.dim,
    index,
    itemEmb,
    itemBias,
    gram: gramian(itemEmb, model.dim),
    sampler: sampler === 'uniform' ? createUniformSampler(n) : createPopularitySampler(model.popularity),
    projected,
  };
}

function checkShapes(m: GlobalModel): void {
  const n = m.itemIds.length;
  const d = m.dim;
  const bad = (what: string): never => {
    throw new ModelLoadError(`model ${m.modelVersion}: ${what}; re-export the artefact`);
  };
  if (!Number.isInteger(d) || d <= 0) bad(`dim is ${d}`);
  if (n === 0) bad('the catalogue is empty');
  if (m.itemEmb.length !== n * d) bad(`itemEmb has ${m.itemEmb.length} values, expected ${n} × ${d}`);
  if (m.itemBias.length !== n) bad(`itemBias has ${m.itemBias.length} values, expected ${n}`);
  if (m.popularity.length !== n) bad(`popularity has ${m.popularity.length} values, expected ${n}`);
  if (m.w.length !== d || m.priorUser.length !== d) bad('w and priorUser must have dim values');
  if (m.itemAttributes && m.itemAttributes.length !== n) bad('itemAttributes must have one entry per item');
}

/** The rows the engine and its catalogue scanners rank, and how many came from the attribute projection. */
export interface CatalogueRows {
  itemEmb: Float32Array;
  itemBias: Float32Array;
  projected: number;
}

const catalogues = new WeakMap<GlobalModel, CatalogueRows>();

/**
 * The model's item rows, or (with an attribute projection) a copy with its cold items filled in from their
 * attributes. Computed once per model object and shared by every context and scanner over it; a refreshed
 * model is a new object, so it gets rows of its own.
 *
 * @example
 * const { itemEmb, itemBias } = catalogueRows(model); // model.itemEmb itself when nothing is projected
 */
export function catalogueRows(model: GlobalModel): CatalogueRows {
  let rows = catalogues.get(model);
  if (!rows) catalogues.set(model, (rows = fillColdItems(model)));
  return rows;
}

/**
 * Items with an all-zero row and no training interactions were never learned: give them the mean of their
 * attributes' projection rows (DESIGN.md "Transfer"), so they can be recommended before anyone clicked them.
 */
function fillColdItems(m: GlobalModel): CatalogueRows {
  const proj = m.attributeProjection;
  if (!proj || !m.itemAttributes) return { itemEmb: m.itemEmb, itemBias: m.itemBias, projected: 0 };
  checkShapes(m);
  const d = m.dim;
  const vocab = new Map(proj.vocab.map((v, k) => [v, k]));
  let itemEmb = m.itemEmb;
  let itemBias = m.itemBias;
  let projected = 0;
  for (let i = 0; i < m.itemIds.length; i++) {
    if (m.popularity[i] > 0 || !isZeroRow(m.itemEmb, i, d)) continue;
    const rows = Object.entries(m.itemAttributes[i] ?? {})
      .map(([field, value]) => vocab.get(`${field}=${value}`))
      .filter((k): k is number => k !== undefined);
    if (rows.length === 0) continue;
    if (itemEmb === m.itemEmb) {
      itemEmb = m.itemEmb.slice();
      itemBias = m.itemBias.slice();
    }
    itemBias[i] = 0;
    for (const k of rows) {
      for (let j = 0; j < d; j++) itemEmb[i * d + j] += proj.weights[k * d + j] / rows.length;
      itemBias[i] += proj.bias[k] / rows.length;
    }
    projected++;
  }
  return { itemEmb, itemBias, projected };
}

function isZeroRow(v: Float32Array, i: number, d: number): boolean {
  for (let j = 0; j < d; j++) if (v[i * d + j] !== 0) return false;
  return true;
}
