/**
 * Re-indexes a shipped model to another item table (a dataset's, or a newer catalogue): known items keep their
 * rows; unknown items get a vector from their attributes through the learned projection when possible, else
 * a zero vector with a very low bias so they rank last.
 */
import type { GlobalModel, ItemAttributes } from '../model/global_model.ts';
import { projectAttributes } from './attribute_projection.ts';

/** Bias of items the model knows nothing about: far below any trained bias, still finite for the scan. */
export const UNKNOWN_ITEM_BIAS = -30;

/**
 * @example
 * const { model: aligned, unknown } = alignModel(model, dataset.itemIds, dataset.itemAttributes);
 */
export function alignModel(
  model: GlobalModel,
  itemIds: string[],
  attributes?: (ItemAttributes | undefined)[],
): { model: GlobalModel; unknown: number; projected: number } {
  const d = model.dim;
  const at = new Map(model.itemIds.map((id, k) => [id, k]));
  const itemEmb = new Float32Array(itemIds.length * d);
  const itemBias = new Float32Array(itemIds.length).fill(UNKNOWN_ITEM_BIAS);
  const popularity = new Float32Array(itemIds.length);
  let unknown = 0;
  let projected = 0;
  itemIds.forEach((id, i) => {
    const k = at.get(id);
    if (k !== undefined) {
      itemEmb.set(model.itemEmb.subarray(k * d, (k + 1) * d), i * d);
      itemBias[i] = model.itemBias[k];
      popularity[i] = model.popularity[k];
      return;
    }
    unknown++;
    const p = model.attributeProjection && attributes?.[i] ? projectAttributes(model.attributeProjection, attributes[i]) : null;
    if (p) {
      itemEmb.set(p.vector, i * d);
      itemBias[i] = p.bias;
      projected++;
    }
  });
  return { model: { ...model, itemIds: itemIds.slice(), itemEmb, itemBias, popularity, itemAttributes: attributes?.map((a) => a ?? {}) }, unknown, projected };
}
