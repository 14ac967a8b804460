/**
 * Implicit-feedback ALS (Hu, Koren & Volinsky 2008, as in benfred/implicit) for the bench's second global
 * model: DESIGN.md lets a shop import item factors trained elsewhere (Spark ALS) into the same artefact, and
 * the reference figures were measured with implicit's ALS (64 factors). Each half-step is the exact
 * fold-in of `src/engine/fold_in.ts` for every user (then every item) against the other side's factors.
 */
import type { GlobalModel } from '../src/model/global_model.ts';
import { gramian, solveFoldIn } from '../src/engine/fold_in.ts';
import { createRng } from '../src/model/rng.ts';
import type { Stream } from './adapt_data.ts';

export interface AlsOptions {
  dim: number;
  /** Confidence c = 1 + alpha for every observed pair. */
  alpha: number;
  reg: number;
  iterations: number;
  seed: number;
  /** Item bias = popularityBias · log(1 + count): the prior scores like popularity until the shopper clicks. */
  popularityBias: number;
}

export const ALS: AlsOptions = { dim: 64, alpha: 1, reg: 0.01, iterations: 15, seed: 1, popularityBias: 0.05 };

/**
 * Trains item factors and wraps them as a GlobalModel (w = 1, prior user = the mean user factor).
 *
 * @example
 * const model = trainAls(ds.train, ALS, 'als-ml-1m');
 */
export function trainAls(train: Stream[], o: AlsOptions, version: string, log = console.log): GlobalModel {
  const itemIndex = new Map<string, number>();
  const userItems = train.map((s) => {
    const rows = new Set<number>();
    for (const id of s.items) {
      if (!itemIndex.has(id)) itemIndex.set(id, itemIndex.size);
      rows.add(itemIndex.get(id)!);
    }
    return [...rows];
  });
  const nI = itemIndex.size;
  const itemUsers: number[][] = Array.from({ length: nI }, () => []);
  userItems.forEach((rows, u) => rows.forEach((i) => itemUsers[i].push(u)));
  const d = o.dim;
  const rng = createRng(o.seed);
  const X = Float32Array.from({ length: train.length * d }, () => rng.normal() * 0.01);
  const Y = Float32Array.from({ length: nI * d }, () => rng.normal() * 0.01);
  const ones = new Float32Array(d).fill(1);
  const halfStep = (target: Float32Array, other: Float32Array, lists: number[][]): void => {
    const gram = gramian(other, d);
    lists.forEach((rows, r) => {
      const { delta } = solveFoldIn({
        gram,
        w: ones,
        rows: rows.map((k) => other.subarray(k * d, k * d + d)),
        conf: rows.map(() => 1 + o.alpha),
        ridge: o.reg,
      });
      for (let j = 0; j < d; j++) target[r * d + j] = delta[j];
    });
  };
  for (let it = 0; it < o.iterations; it++) {
    const t0 = Date.now();
    halfStep(X, Y, userItems);
    halfStep(Y, X, itemUsers);
    log(`  als iteration ${it + 1}/${o.iterations} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const popularity = Float32Array.from(itemUsers, (us) => us.length);
  const prior = new Float32Array(d);
  for (let u = 0; u < train.length; u++) for (let j = 0; j < d; j++) prior[j] += X[u * d + j] / train.length;
  return {
    formatVersion: 1,
    modelVersion: version,
    dim: d,
    itemIds: [...itemIndex.keys()],
    itemEmb: Y,
    itemBias: Float32Array.from(popularity, (c) => o.popularityBias * Math.log1p(c)),
    w: ones,
    bias: 0,
    priorUser: prior,
    popularity,
    hyperParameters: { trainer: 'implicit-als', ...o },
  };
}
