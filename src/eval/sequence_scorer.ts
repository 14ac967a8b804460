/**
 * A `Scorer` for a sequence model: user u's scores are `h(history_u) · q_i + b_i`, with `h` the reference
 * encoder over the user's training sequence in time order (the newest `maxLen` items); a user with no history
 * gets the model's prior vector. Histories are item indices of the model's own table.
 */
import type { GlobalModel } from '../model/global_model.ts';
import { encodeSequence } from '../model/sequence/encode.ts';
import { scanScores } from '../model/top_k.ts';
import { InvalidInputError } from '../errors.ts';
import type { InteractionSet } from '../data/interactions.ts';
import { orderByUser } from '../data/split.ts';
import type { Scorer } from './scorers.ts';

/**
 * @example
 * const s = createSequenceScorer(model, userSequences(train));
 * s.scoreAll(0, new Float32Array(model.itemIds.length));
 */
export function createSequenceScorer(model: GlobalModel, histories: ArrayLike<number>[], name = 'tastebud sequence'): Scorer {
  const params = model.sequence;
  if (!params) throw new InvalidInputError(`model ${model.modelVersion} has no sequence encoder`);
  const d = model.dim;
  let cached = -1;
  let h: Float32Array = model.priorUser;
  const vectorOf = (u: number): Float32Array => {
    if (u !== cached) {
      const items = histories[u];
      h = items && items.length > 0 ? encodeSequence(params, items) : model.priorUser;
      cached = u;
    }
    return h;
  };
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
