/**
 * A tiny synthetic GlobalModel for the platform tests (Node and the browser harness): `clusters` taste groups,
 * each item's vector near its group's centre, so clicks on one group should pull recommendations toward it.
 * Nothing here comes from ../shared/data.
 */
import { FORMAT_VERSION } from '../src/artefact/format.ts';
import type { GlobalModel } from '../src/model/global_model.ts';
import { createRng } from '../src/model/rng.ts';

export interface TinyModelOptions {
  numItems?: number;
  dim?: number;
  clusters?: number;
  seed?: number;
  modelVersion?: string;
}

/**
 * @example
 * const model = createTinyModel({ numItems: 200, modelVersion: 'tiny-1' });
 * model.itemIds[0] // 'item-0' (cluster 0; item i is in cluster i % clusters)
 */
export function createTinyModel({ numItems = 200, dim = 16, clusters = 4, seed = 7, modelVersion = 'tiny-1' }: TinyModelOptions = {}): GlobalModel {
  const rng = createRng(seed);
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dim }, () => rng.normal()));
  const itemEmb = new Float32Array(numItems * dim);
  for (let i = 0; i < numItems; i++) {
    for (let d = 0; d < dim; d++) itemEmb[i * dim + d] = 0.6 * centres[i % clusters][d] + 0.2 * rng.normal();
  }
  return {
    formatVersion: FORMAT_VERSION,
    modelVersion,
    dim,
    itemIds: Array.from({ length: numItems }, (_, i) => `item-${i}`),
    itemEmb,
    itemBias: Float32Array.from({ length: numItems }, () => 0.1 * rng.normal()),
    w: new Float32Array(dim).fill(1),
    bias: 0,
    priorUser: new Float32Array(dim),
    popularity: Float32Array.from({ length: numItems }, (_, i) => numItems - i),
    itemAttributes: Array.from({ length: numItems }, (_, i) => ({ category: `c${i % clusters}` })),
    hyperParameters: { synthetic: true, clusters },
  };
}

/** The cluster of an item id made by createTinyModel. */
export function clusterOf(itemId: string, clusters = 4): number {
  return Number(itemId.slice('item-'.length)) % clusters;
}
