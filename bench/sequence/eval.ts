/**
 * Next-item metrics for the sequence bench. Full ranking: the target's rank among every item not in the history;
 * an item that scores the same as the target counts as ranked above it (ties count against the test item, so a
 * constant model scores 0, not the luck of an index order). NCF: the same over the 100 candidates.
 */
import { encodeHistoriesTf } from '../../src/train/sequence/index.ts';
import type { SequenceParams } from '../../src/model/sequence/types.ts';

export interface NextItemMetrics {
  users: number;
  'HR@10': number;
  'NDCG@10': number;
  'NCF HR@10'?: number;
  'NCF NDCG@10'?: number;
}

/**
 * @example
 * rankMetrics(params, split.history, split.testTargets, split.candidates)['NDCG@10'];
 * rankMetrics(params, histories, targets, undefined, hybridQueries(model, h, anchors, windows, 0.3, 10));
 */
export function rankMetrics(
  params: SequenceParams,
  histories: readonly Int32Array[],
  targets: Int32Array,
  candidates?: readonly Int32Array[],
  queries?: Float32Array,
): NextItemMetrics {
  const { dim, numItems } = params.config;
  // the encoder's h per history, or the vectors the engine would rank with (hybrid.ts)
  const h = queries ?? encodeHistoriesTf(params, histories);
  const emb = params.itemEmb;
  const bias = params.itemBias ?? new Float32Array(numItems);
  const scores = new Float32Array(numItems);
  const seen = new Uint8Array(numItems);
  let hr = 0;
  let ndcg = 0;
  let ncfHr = 0;
  let ncfNdcg = 0;
  for (let u = 0; u < histories.length; u++) {
    const o = u * dim;
    for (let j = 0; j < numItems; j++) {
      let s = bias[j];
      const e = j * dim;
      for (let k = 0; k < dim; k++) s += h[o + k] * emb[e + k];
      scores[j] = s;
    }
    const target = targets[u];
    const t = scores[target];
    for (const i of histories[u]) seen[i] = 1;
    let rank = 0;
    for (let j = 0; j < numItems; j++) if (j !== target && !seen[j] && scores[j] >= t) rank++;
    for (const i of histories[u]) seen[i] = 0;
    if (rank < 10) {
      hr++;
      ndcg += 1 / Math.log2(rank + 2);
    }
    const cands = candidates?.[u];
    if (cands) {
      let r = 0;
      for (let c = 1; c < cands.length; c++) if (scores[cands[c]] >= scores[cands[0]]) r++;
      if (r < 10) {
        ncfHr++;
        ncfNdcg += 1 / Math.log2(r + 2);
      }
    }
  }
  const n = histories.length;
  const out: NextItemMetrics = { users: n, 'HR@10': hr / n, 'NDCG@10': ndcg / n };
  if (candidates) Object.assign(out, { 'NCF HR@10': ncfHr / n, 'NCF NDCG@10': ncfNdcg / n });
  return out;
}
