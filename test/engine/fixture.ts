/**
 * A small synthetic global model with a known structure: two clusters of items ("red" rows 0..n/2-1 point
 * along +e0, "blue" rows along +e1), a popularity that favours neither, and category attributes.
 */
import type { GlobalModel } from '../../src/model/global_model.ts';
import { createRng } from '../../src/model/rng.ts';

export interface FixtureOptions {
  numItems?: number;
  dim?: number;
  version?: string;
  seed?: number;
  /** Extra item ids appended with zero vectors and no popularity (cold items). */
  coldItems?: string[];
}

export function redId(k: number): string {
  return `red-${k}`;
}
export function blueId(k: number): string {
  return `blue-${k}`;
}

export function makeModel({ numItems = 40, dim = 8, version = 'v1', seed = 7, coldItems = [] }: FixtureOptions = {}): GlobalModel {
  const rng = createRng(seed);
  const half = numItems / 2;
  const n = numItems + coldItems.length;
  const itemIds = [...Array.from({ length: half }, (_, k) => redId(k)), ...Array.from({ length: half }, (_, k) => blueId(k)), ...coldItems];
  const itemEmb = new Float32Array(n * dim);
  const popularity = new Float32Array(n);
  for (let i = 0; i < numItems; i++) {
    for (let j = 0; j < dim; j++) itemEmb[i * dim + j] = rng.normal() * 0.05;
    itemEmb[i * dim + (i < half ? 0 : 1)] += 1;
    popularity[i] = 10 + (i % half);
  }
  const itemBias = Float32Array.from(popularity, (c) => (c > 0 ? Math.log(c) * 0.1 : 0));
  const itemAttributes = itemIds.map((id) => ({ category: id.includes('red') ? 'red' : id.includes('blue') ? 'blue' : 'new' }));
  return {
    formatVersion: 1,
    modelVersion: version,
    dim,
    itemIds,
    itemEmb,
    itemBias,
    w: new Float32Array(dim).fill(1),
    bias: 0,
    priorUser: new Float32Array(dim),
    popularity,
    itemAttributes,
    hyperParameters: {},
  };
}

/** Share of ids in `ids` with the given prefix. */
export function share(ids: string[], prefix: string): number {
  return ids.filter((id) => id.startsWith(prefix)).length / Math.max(1, ids.length);
}
