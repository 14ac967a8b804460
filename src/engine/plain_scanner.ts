/**
 * The default `CatalogueScanner`: the plain-TypeScript scan of `src/model/top_k.ts` over typed arrays. It is
 * the reference the TF.js scanners match, and the fastest choice for small catalogues and in Node.
 */
import type { CatalogueScanner } from '../kernels/types.ts';
import { scanTopK } from '../model/top_k.ts';

/**
 * Wraps an item table (not copied: the caller must not mutate it afterwards).
 *
 * @example
 * const scanner = createPlainScanner(model.itemEmb, model.itemBias, model.dim);
 * (await scanner.topK(z, 10)).indices; // best 10 rows
 */
export function createPlainScanner(itemEmb: Float32Array, itemBias: Float32Array, dim: number): CatalogueScanner {
  let emb = itemEmb;
  let bias = itemBias;
  return {
    get numItems() {
      return bias.length;
    },
    dim,
    async topK(z, k, exclude) {
      return scanTopK(emb, bias, z, k, exclude);
    },
    async setItems(e, b) {
      emb = e;
      bias = b;
    },
    dispose() {},
  };
}
