/**
 * Ranking metrics at K for one user's recommendation list against the held-out relevant items:
 * HR (any hit), NDCG (DCG / ideal DCG, binary relevance), Recall (hits / relevant), MRR (1 / rank of the
 * first hit, 0 beyond K). With one held-out item HR = Recall and NDCG = 1/log2(rank + 2).
 */
export interface Metrics {
  hr: number;
  ndcg: number;
  recall: number;
  mrr: number;
}

/**
 * @example
 * metricsAtK(Int32Array.of(7, 3, 9), new Set([3]), 3); // { hr: 1, ndcg: 1/log2(3), recall: 1, mrr: 0.5 }
 */
export function metricsAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): Metrics {
  if (relevant.size === 0) return { hr: 0, ndcg: 0, recall: 0, mrr: 0 };
  let hits = 0;
  let dcg = 0;
  let mrr = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) {
    if (!relevant.has(ranked[r])) continue;
    hits++;
    dcg += 1 / Math.log2(r + 2);
    if (mrr === 0) mrr = 1 / (r + 1);
  }
  let idcg = 0;
  for (let r = 0; r < Math.min(k, relevant.size); r++) idcg += 1 / Math.log2(r + 2);
  return { hr: hits > 0 ? 1 : 0, ndcg: dcg / idcg, recall: hits / relevant.size, mrr };
}

/** Running means of metrics over users, per K. */
export interface MetricAccumulator {
  add(ranked: ArrayLike<number>, relevant: ReadonlySet<number>): void;
  /** e.g. { 'HR@10': 0.7, 'NDCG@10': 0.43, 'Recall@10': 0.7, 'MRR@10': 0.35 } */
  result(): Record<string, number>;
  readonly count: number;
}

/**
 * @example
 * const acc = createMetricAccumulator([5, 10]);
 * acc.add(topTen, new Set([heldOut]));
 * acc.result()['HR@10'];
 */
export function createMetricAccumulator(ks: number[]): MetricAccumulator {
  const sums = ks.map(() => ({ hr: 0, ndcg: 0, recall: 0, mrr: 0 }));
  let count = 0;
  return {
    add(ranked, relevant) {
      count++;
      ks.forEach((k, q) => {
        const m = metricsAtK(ranked, relevant, k);
        sums[q].hr += m.hr;
        sums[q].ndcg += m.ndcg;
        sums[q].recall += m.recall;
        sums[q].mrr += m.mrr;
      });
    },
    get count() {
      return count;
    },
    result() {
      const out: Record<string, number> = {};
      ks.forEach((k, q) => {
        const d = Math.max(1, count);
        out[`HR@${k}`] = sums[q].hr / d;
        out[`NDCG@${k}`] = sums[q].ndcg / d;
        out[`Recall@${k}`] = sums[q].recall / d;
        out[`MRR@${k}`] = sums[q].mrr / d;
      });
      return out;
    },
  };
}
