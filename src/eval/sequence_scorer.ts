/**
 * A `Scorer` for a sequence model: user u's scores are `h_u · q_i + b_i`, with `h_u` the encoder's output over the
 * user's training sequence in time order (the newest `maxLen` items); a user with no history gets the model's prior
 * vector. The vectors are computed up front, by any forward pass held to the reference (`encodeUserVectors` takes
 * one; the CLI passes the batched TF.js forward, the default is the reference `encodeSequence`).
 */
import type { GlobalModel } from '../model/global_model.ts';
import { encodeSequence } from '../model/sequence/encode.ts';
import type { SequenceParams } from '../model/sequence/types.ts';
import { scanScores } from '../model/top_k.ts';
import { InvalidInputError } from '../errors.ts';
import type { InteractionSet } from '../data/interactions.ts';
import { orderByUser } from '../data/split.ts';
import type { Scorer } from './scorers.ts';

/** Many histories at once → `[histories.length, dim]` row-major (e.g. seq-train's `encodeHistoriesTf`). */
export type BatchEncoder = (params: SequenceParams, histories: ArrayLike<number>[]) => Float32Array;

const referenceBatch: BatchEncoder = (params, histories) => {
  const d = params.config.dim;
  const out = new Float32Array(histories.length * d);
  histories.forEach((h, n) => out.set(encodeSequence(params, h), n * d));
  return out;
};

/**
 * `h` of every user (the prior for an empty history), `[histories.length, dim]`.
 *
 * @example
 * const vectors = encodeUserVectors(model, userSequences(train), encodeHistoriesTf);
 */
export function encodeUserVectors(model: GlobalModel, histories: ArrayLike<number>[], batch: BatchEncoder = referenceBatch): Float32Array {
  const params = model.sequence;
  if (!params) throw new InvalidInputError(`model ${model.modelVersion} has no sequence encoder`);
  const d = model.dim;
  const out = new Float32Array(histories.length * d);
  const users = histories.flatMap((h, u) => (h.length > 0 ? [u] : []));
  const h = users.length ? batch(params, users.map((u) => histories[u])) : new Float32Array(0);
  for (let u = 0; u < histories.length; u++) out.set(model.priorUser, u * d);
  users.forEach((u, n) => out.set(h.subarray(n * d, (n + 1) * d), u * d));
  return out;
}

/**
 * @example
 * const s = createSequenceScorer(model, encodeUserVectors(model, userSequences(train)));
 * s.scoreAll(0, new Float32Array(model.itemIds.length));
 */
export function createSequenceScorer(model: GlobalModel, vectors: Float32Array, name = 'tastebud sequence'): Scorer {
  const d = model.dim;
  const vectorOf = (u: number): Float32Array => vectors.subarray(u * d, (u + 1) * d);
  return {
    name,
    numItems: model.itemIds.length,
    scoreAll: (u, out) => void scanScores(model.itemEmb, model.itemBias, vectorOf(u), out),
    scoreItems(u, items, out) {
      const z = vectorOf(u);
      for (let k = 0; k < items.length; k++) {
        const o = items[k] * d;
        let s = model.itemBias[items[k]];
        for (let j = 0; j < d; j++) s += model.itemEmb[o + j] * z[j];
        out[k] = s;
      }
    },
  };
}

/** Each user's items, oldest first (timestamp, then item id, then file order), as the trainer and encoder read them. */
export function userSequences(s: InteractionSet): Int32Array[] {
  return orderByUser(s).map((positions) => Int32Array.from(positions, (n) => s.items[n]));
}
