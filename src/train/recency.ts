/**
 * Recency weighting: each interaction's weight is multiplied by 1 + boost · 2^(−age / halfLife), where age
 * counts the same user's later interactions (0 for the latest). Tastes drift, and the next click looks
 * most like the last few (on ML-1M, boost 4 / half-life 5 lifts validation NCF HR@10 from 0.738 to 0.764),
 * so the factors should weigh a user's recent history more — the same idea as the engine's time decay
 * for the shopper's own vector. Age is in events, not seconds, so logs without clock times (sequence
 * files, ordered CSVs) work too: order is by timestamp, then by position in the log.
 */

export interface RecencyOptions {
  /** Extra weight of a user's latest interaction (0: off). */
  boost: number;
  /** Events after which the extra weight halves. */
  halfLife: number;
}

/**
 * The weighting a recipe's `recencyBoost` and `recencyHalfLife` ask for (half-life 5 events when unset), or
 * undefined when the boost is off: what pretraining, the streamed read and the fold-in each build.
 *
 * @example
 * recencyOf({ recencyBoost: 4 }); // { boost: 4, halfLife: 5 }
 * recencyOf(model.hyperParameters); // undefined for a model trained without recency
 */
export function recencyOf(o: { recencyBoost?: unknown; recencyHalfLife?: unknown }): RecencyOptions | undefined {
  const boost = Number(o.recencyBoost ?? 0);
  return boost > 0 ? { boost, halfLife: Number(o.recencyHalfLife ?? 5) } : undefined;
}

/**
 * Per-interaction multipliers (parallel to `users`).
 *
 * @example
 * recencyMultipliers(Int32Array.of(0, 0, 1), undefined, 2, { boost: 1, halfLife: 1 }); // [1.5, 2, 2]
 */
export function recencyMultipliers(users: Int32Array, timestamps: Float64Array | undefined, numUsers: number, o: RecencyOptions): Float32Array {
  const out = new Float32Array(users.length).fill(1);
  if (!(o.boost > 0)) return out;
  const byUser: number[][] = Array.from({ length: numUsers }, () => []);
  for (let n = 0; n < users.length; n++) byUser[users[n]].push(n);
  const time = (n: number): number => (timestamps && !Number.isNaN(timestamps[n]) ? timestamps[n] : -Infinity);
  for (const rows of byUser) {
    // stable: equal (or missing) times keep log order
    rows.sort((a, b) => time(a) - time(b) || a - b);
    for (let k = 0; k < rows.length; k++) out[rows[k]] = 1 + o.boost * Math.pow(2, -(rows.length - 1 - k) / o.halfLife);
  }
  return out;
}

/**
 * `weights` (1 where absent) times the recency multipliers; the weights unchanged when `o` is undefined or its `boost` 0.
 *
 * @example
 * recencyWeights(Int32Array.of(0, 0), undefined, 1, { boost: 1, halfLife: 1 }, Float32Array.of(2, 2)); // [3, 4]
 */
export function recencyWeights(
  users: Int32Array,
  timestamps: Float64Array | undefined,
  numUsers: number,
  o: RecencyOptions | undefined,
  weights?: Float32Array,
): Float32Array | undefined {
  if (!o || !(o.boost > 0)) return weights;
  const m = recencyMultipliers(users, timestamps, numUsers, o);
  return Float32Array.from(m, (x, n) => x * (weights ? weights[n] : 1));
}
