/**
 * The evaluation protocols of DESIGN.md:
 * - full ranking: rank every item the user has not interacted with in training; the held-out items are
 *   the relevant ones (HR, NDCG, Recall, MRR at K);
 * - NCF: rank the held-out item among its fixed or sampled candidates (99 negatives).
 * Ties go to the smaller item index, as in the top-k scan, so results are deterministic.
 */
import { createTopKHeap } from '../model/top_k.ts';
import type { UserItemIndex } from '../train/user_index.ts';
import type { CandidateSet } from '../data/ncf_candidates.ts';
import { createMetricAccumulator } from './metrics.ts';
import type { Scorer } from './scorers.ts';

export interface ProtocolResult {
  protocol: 'full' | 'ncf';
  scorer: string;
  users: number;
  metrics: Record<string, number>;
  seconds: number;
}

/**
 * @example
 * evaluateFullRanking(scorer, trainIndex, { users: test.users, items: test.items }, { ks: [10] }).metrics['HR@10'];
 */
export function evaluateFullRanking(
  scorer: Scorer,
  seen: UserItemIndex,
  test: { users: Int32Array; items: Int32Array },
  { ks = [10], maxUsers = Infinity }: { ks?: number[]; maxUsers?: number } = {},
): ProtocolResult {
  const t0 = Date.now();
  const relevant = new Map<number, Set<number>>();
  for (let n = 0; n < test.users.length; n++) {
    const u = test.users[n];
    if (!relevant.has(u)) relevant.set(u, new Set());
    relevant.get(u)!.add(test.items[n]);
  }
  const kMax = Math.max(...ks);
  const acc = createMetricAccumulator(ks);
  const scores = new Float32Array(scorer.numItems);
  let done = 0;
  for (const [u, rel] of relevant) {
    if (done++ >= maxUsers) break;
    scorer.scoreAll(u, scores);
    const heap = createTopKHeap(kMax);
    const own = seen.itemsOf(u);
    for (let i = 0, o = 0; i < scores.length; i++) {
      while (o < own.length && own[o] < i) o++;
      if (o < own.length && own[o] === i && !rel.has(i)) continue;
      heap.push(scores[i], i);
    }
    acc.add(heap.result().indices, rel);
  }
  return { protocol: 'full', scorer: scorer.name, users: acc.count, metrics: acc.result(), seconds: (Date.now() - t0) / 1000 };
}

/**
 * @example
 * evaluateCandidates(scorer, candidateSets, { ks: [10] }).metrics['NDCG@10'];
 */
export function evaluateCandidates(scorer: Scorer, sets: CandidateSet[], { ks = [10] }: { ks?: number[] } = {}): ProtocolResult {
  const t0 = Date.now();
  const acc = createMetricAccumulator(ks);
  const kMax = Math.max(...ks);
  const scores = new Float32Array(scorer.numItems);
  for (const { user, items } of sets) {
    const heap = createTopKHeap(kMax);
    if (scorer.scoreItems) {
      scorer.scoreItems(user, items, scores);
      for (let c = 0; c < items.length; c++) heap.push(scores[c], items[c]);
    } else {
      scorer.scoreAll(user, scores);
      for (let c = 0; c < items.length; c++) heap.push(scores[items[c]], items[c]);
    }
    acc.add(heap.result().indices, new Set([items[0]]));
  }
  return { protocol: 'ncf', scorer: scorer.name, users: acc.count, metrics: acc.result(), seconds: (Date.now() - t0) / 1000 };
}
