/**
 * DESIGN.md protocol 5 (next item): each held-out item is ranked against every item the user has not
 * interacted with in training (full ranking), or against its 99 NCF negatives; **ties count against it** — its
 * rank is the number of competitors scoring at least as high — so a model that scores everything equal (or a
 * collapsed encoder) gets no credit from index order (Krichene & Rendle; Dallmann et al.).
 * Works with any `Scorer`, so matrix-factorisation models and sequence models are measured by the same code.
 */
import type { CandidateSet } from '../data/ncf_candidates.ts';
import type { UserItemIndex } from '../train/user_index.ts';
import type { ProtocolResult } from './protocols.ts';
import type { Scorer } from './scorers.ts';

/** HR, NDCG and MRR at each K from the rank (0-based) of each held-out item. */
function createRankAccumulator(ks: number[]): { add(rank: number): void; result(): Record<string, number>; readonly count: number } {
  const sums = ks.map(() => ({ hr: 0, ndcg: 0, mrr: 0 }));
  let count = 0;
  return {
    add(rank) {
      count++;
      ks.forEach((k, q) => {
        if (rank >= k) return;
        sums[q].hr += 1;
        sums[q].ndcg += 1 / Math.log2(rank + 2);
        sums[q].mrr += 1 / (rank + 1);
      });
    },
    result() {
      const out: Record<string, number> = {};
      ks.forEach((k, q) => {
        out[`HR@${k}`] = sums[q].hr / Math.max(1, count);
        out[`NDCG@${k}`] = sums[q].ndcg / Math.max(1, count);
        out[`MRR@${k}`] = sums[q].mrr / Math.max(1, count);
      });
      return out;
    },
    get count() {
      return count;
    },
  };
}

/**
 * Full ranking, ties against. Each (user, held-out item) pair is ranked on its own; the user's other held-out
 * items and training items are not competitors.
 *
 * @example
 * evaluateNextItem(scorer, trainIndex, test, { ks: [10] }).metrics['NDCG@10'];
 */
export function evaluateNextItem(
  scorer: Scorer,
  seen: UserItemIndex,
  test: { users: Int32Array; items: Int32Array },
  { ks = [10], maxUsers = Infinity }: { ks?: number[]; maxUsers?: number } = {},
): ProtocolResult {
  const t0 = Date.now();
  const byUser = new Map<number, number[]>();
  for (let n = 0; n < test.users.length; n++) {
    const list = byUser.get(test.users[n]) ?? [];
    list.push(test.items[n]);
    byUser.set(test.users[n], list);
  }
  const acc = createRankAccumulator(ks);
  const scores = new Float32Array(scorer.numItems);
  const skip = new Uint8Array(scorer.numItems);
  let done = 0;
  for (const [u, held] of byUser) {
    if (done++ >= maxUsers) break;
    scorer.scoreAll(u, scores);
    const own = seen.itemsOf(u);
    for (const i of own) skip[i] = 1;
    for (const i of held) skip[i] = 1;
    for (const target of held) {
      const s = scores[target];
      let rank = 0;
      // NaN anywhere counts against the held-out item
      for (let i = 0; i < scores.length; i++) if (!skip[i] && !(scores[i] < s)) rank++;
      acc.add(rank);
    }
    for (const i of own) skip[i] = 0;
    for (const i of held) skip[i] = 0;
  }
  return { protocol: 'full', scorer: scorer.name, users: acc.count, metrics: acc.result(), seconds: (Date.now() - t0) / 1000 };
}

/**
 * The held-out item (`items[0]` of each set) against its negatives, ties against.
 *
 * @example
 * evaluateNextItemCandidates(scorer, candidateSets, { ks: [10] }).metrics['HR@10'];
 */
export function evaluateNextItemCandidates(scorer: Scorer, sets: CandidateSet[], { ks = [10] }: { ks?: number[] } = {}): ProtocolResult {
  const t0 = Date.now();
  const acc = createRankAccumulator(ks);
  const all = new Float32Array(scorer.numItems);
  for (const { user, items } of sets) {
    const scores = new Float32Array(items.length);
    if (scorer.scoreItems) scorer.scoreItems(user, items, scores);
    else {
      scorer.scoreAll(user, all);
      items.forEach((i, c) => (scores[c] = all[i]));
    }
    let rank = 0;
    for (let c = 1; c < items.length; c++) if (!(scores[c] < scores[0])) rank++;
    acc.add(rank);
  }
  return { protocol: 'ncf', scorer: scorer.name, users: acc.count, metrics: acc.result(), seconds: (Date.now() - t0) / 1000 };
}
