/**
 * The evaluation protocols of DESIGN.md:
 * - full ranking: rank every item the user has not interacted with in training; the held-out items are
 *   the relevant ones (HR, NDCG, Recall, MRR at K);
 * - NCF: rank the held-out item among its fixed or sampled candidates (99 negatives).
 * Ties count against the held-out items: an item that scores exactly as high as a held-out one ranks before
 * it (a constant scorer must not look good; Krichene & Rendle's caution on sampled metrics applies doubly to
 * ties). Among equal non-held-out items the smaller index wins, as in the top-k scan, so results are
 * deterministic. A NaN score is never ranked, so a held-out item scored NaN is a miss.
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
      const held = rel.has(i);
      if (o < own.length && own[o] === i && !held) continue;
      heap.push(scores[i], tieKey(i, held, scores.length));
    }
    acc.add(fromTieKeys(heap.result().indices, scores.length), rel);
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
    const n = scorer.numItems;
    if (scorer.scoreItems) scorer.scoreItems(user, items, scores);
    else scorer.scoreAll(user, scores);
    for (let c = 0; c < items.length; c++) heap.push(scorer.scoreItems ? scores[c] : scores[items[c]], tieKey(items[c], c === 0, n));
    acc.add(fromTieKeys(heap.result().indices, n), new Set([items[0]]));
  }
  return { protocol: 'ncf', scorer: scorer.name, users: acc.count, metrics: acc.result(), seconds: (Date.now() - t0) / 1000 };
}

/** The heap breaks ties toward the smaller key: held-out items get keys past every other item, so they lose. */
function tieKey(item: number, heldOut: boolean, numItems: number): number {
  return heldOut ? item + numItems : item;
}

function fromTieKeys(keys: Int32Array, numItems: number): Int32Array {
  return keys.map((k) => (k >= numItems ? k - numItems : k));
}
