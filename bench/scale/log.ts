/**
 * Generated interaction logs for the scaling benches: power-law item popularity (Zipf, exponent 1.05 — a few
 * items take most clicks, a long tail), users with power-law activity, and session structure (each session
 * browses near one topic of the catalogue, so the log has latent structure to learn). Deterministic per seed;
 * typed arrays only, so 50M events fit in about 1 GB.
 */
import { createRng } from '../../src/model/rng.ts';

export interface GeneratedLog {
  users: Int32Array;
  items: Int32Array;
  timestamps: Float64Array;
  numUsers: number;
  itemIds: string[];
}

/** Inverse-CDF table of a Zipf law over n ranks. */
function zipfTable(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let k = 0; k < n; k++) cdf[k] = acc += 1 / Math.pow(k + 1, s);
  for (let k = 0; k < n; k++) cdf[k] /= acc;
  return cdf;
}

function draw(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * @example
 * const g = generateLog({ events: 1_000_000 }); // ~20k users, ~5k items
 */
export function generateLog({ events, seed = 1, usersPer = 50, itemsPer = 200 }: { events: number; seed?: number; usersPer?: number; itemsPer?: number }): GeneratedLog {
  const rng = createRng(seed);
  const numUsers = Math.max(10, Math.round(events / usersPer));
  const numItems = Math.max(10, Math.round(events / itemsPer));
  const topics = Math.max(4, Math.round(Math.sqrt(numItems)));
  const itemCdf = zipfTable(numItems, 1.05);
  const userCdf = zipfTable(numUsers, 0.8);
  // a popular item's rank maps to a scattered row, so topics mix popular and tail items
  const rowOfRank = Int32Array.from({ length: numItems }, (_, k) => (k * 7919) % numItems);
  const users = new Int32Array(events);
  const items = new Int32Array(events);
  const timestamps = new Float64Array(events);
  const topicOf = new Int32Array(numUsers).map(() => rng.int(topics));
  let t = 1_700_000_000;
  for (let n = 0; n < events; ) {
    const u = draw(userCdf, rng.next());
    const length = Math.min(events - n, 3 + rng.int(8));
    const topic = rng.next() < 0.8 ? topicOf[u] : rng.int(topics);
    for (let k = 0; k < length; k++, n++) {
      const rank = rng.next() < 0.3 ? draw(itemCdf, rng.next()) : topic + topics * draw(itemCdf, rng.next());
      users[n] = u;
      items[n] = rowOfRank[rank % numItems];
      timestamps[n] = t += 1 + rng.int(30);
    }
  }
  return { users, items, timestamps, numUsers, itemIds: Array.from({ length: numItems }, (_, i) => `i${i}`) };
}
