/**
 * The implicit-ALS reference of bench/adapt/als.ts as a full-ranking scorer over an InteractionSet's item indices:
 * item factors from `trainAls`, each user's vector by one more exact half-step against them (implicit's
 * `recalculate_user`), scored x·y as implicit ranks; `withBias` adds the bench model's popularity bias too.
 */
import type { InteractionSet } from '../../src/data/interactions.ts';
import { orderByUser } from '../../src/data/split.ts';
import { gramian, solveFoldIn } from '../../src/engine/fold_in.ts';
import type { Scorer } from '../../src/eval/scorers.ts';
import { trainAls, type AlsOptions } from './als.ts';

/**
 * @example
 * const { scorer } = alsScorer(split.train, ALS);
 * evaluateFullRanking(scorer, seen, split.test);
 */
export function alsScorer(train: InteractionSet, o: AlsOptions): { scorer: Scorer; withBias: Scorer } {
  const byUser = orderByUser(train);
  const streams = byUser.map((ev, u) => ({ user: train.userIds[u], items: Array.from(ev, (n) => train.itemIds[train.items[n]]), times: Array.from(ev, () => 0) }));
  const model = trainAls(streams, o, 'implicit-als-reference', () => undefined);
  const d = model.dim;
  const rowOf = new Map(model.itemIds.map((id, r) => [id, r]));
  const rows = Int32Array.from(train.itemIds, (id) => rowOf.get(id) ?? -1);
  const gram = gramian(model.itemEmb, d);
  const ones = new Float32Array(d).fill(1);
  const userVector = (u: number): Float64Array => {
    const mine = [...new Set(Array.from(byUser[u], (n) => rows[train.items[n]]))].filter((r) => r >= 0);
    const q = mine.map((r) => model.itemEmb.subarray(r * d, r * d + d));
    return solveFoldIn({ gram, w: ones, rows: q, conf: q.map(() => 1 + o.alpha), ridge: o.reg }).delta;
  };
  const make = (name: string, bias: boolean): Scorer => ({
    name,
    numItems: train.itemIds.length,
    scoreAll(u, out) {
      const x = userVector(u);
      for (let i = 0; i < out.length; i++) {
        const r = rows[i];
        if (r < 0) {
          out[i] = -1e30; // never in training: no factors, never recommended
          continue;
        }
        let s = bias ? model.itemBias[r] : 0;
        for (let j = 0; j < d; j++) s += model.itemEmb[r * d + j] * x[j];
        out[i] = s;
      }
    },
  });
  return { scorer: make('implicit ALS', false), withBias: make('implicit ALS + popularity bias', true) };
}
