/**
 * Start-up work done before `createRecommender` resolves, so that the first `recommend` is as fast as later ones.
 */
import type { CatalogueScanner } from '../kernels/types.ts';

/**
 * Runs one throwaway top-k on `scanner`. The first query on a GPU backend compiles its shaders and uploads the
 * item table (~700 ms on SwiftShader WebGPU), which would otherwise land on the shopper's first shelf. Exclusion
 * masks are applied in JS after the scores come back, so this query compiles every program a real one uses.
 * A scanner that fails here would fail on every query: it is disposed and null (the plain scan) returned.
 * @example
 * const scanner = await warmScanner(createCatalogueScanner(model.itemEmb, model.itemBias, model.dim));
 * // scanner: the same object, warm — or null, then the engine uses its plain-TypeScript scan
 */
export async function warmScanner(scanner: CatalogueScanner | null): Promise<CatalogueScanner | null> {
  if (!scanner) return null;
  try {
    await scanner.topK(new Float32Array(scanner.dim), Math.min(1, scanner.numItems));
    return scanner;
  } catch (e) {
    console.warn(`tastebud: the catalogue scanner failed its first query (${String(e)}); using the plain scan`);
    scanner.dispose();
    return null;
  }
}
