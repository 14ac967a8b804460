/**
 * What the protocols rank with: a scorer fills the scores of every item for one user. The trained model
 * (its user rows), the shipped global model with a given user vector, and the popularity baseline.
 */
import type { CfParams } from '../model/cf_model.ts';
import { queryVector } from '../model/cf_model.ts';
import { scanScores } from '../model/top_k.ts';

export interface Scorer {
  readonly name: string;
  readonly numItems: number;
  /** Writes the score of every item for dense user `u` into `out` (length numItems). */
  scoreAll(u: number, out: Float32Array): void;
  /** Scores of `items` only (out[k] for items[k]): the NCF protocol ranks 100 candidates, not the catalogue. */
  scoreItems?(u: number, items: Int32Array, out: Float32Array): void;
}

/**
 * Scores `w·(p_u ⊙ q_i) + b_i` from trained parameters (the global bias b is rank-neutral and left out).
 *
 * @example
 * const s = createParamsScorer(params);
 * s.scoreAll(0, new Float32Array(params.numItems));
 */
export function createParamsScorer(p: CfParams, name = 'tastebud'): Scorer {
  const z = new Float32Array(p.dim);
  return {
    name,
    numItems: p.numItems,
    scoreAll(u, out) {
      queryVector(p.w, p.userEmb.subarray(u * p.dim, (u + 1) * p.dim), z);
      scanScores(p.itemEmb, p.itemBias, z, out);
    },
    scoreItems(u, items, out) {
      const d = p.dim;
      queryVector(p.w, p.userEmb.subarray(u * d, (u + 1) * d), z);
      for (let k = 0; k < items.length; k++) {
        const o = items[k] * d;
        let s = p.itemBias[items[k]];
        for (let j = 0; j < d; j++) s += p.itemEmb[o + j] * z[j];
        out[k] = s;
      }
    },
  };
}

/**
 * The popularity baseline: every user gets the training counts as scores.
 *
 * @example
 * createPopularityScorer(counts).scoreAll(0, out); // out = counts
 */
export function createPopularityScorer(counts: Float32Array, name = 'popularity'): Scorer {
  return {
    name,
    numItems: counts.length,
    scoreAll: (_u, out) => out.set(counts),
    scoreItems: (_u, items, out) => items.forEach((i, k) => (out[k] = counts[i])),
  };
}
