/**
 * Typed arrays that grow by doubling, for columns whose length is known only once the last row or id has
 * arrived (log builders, pair tables, streamed placements): no per-entry JS number boxes, and amortised O(1)
 * per entry.
 */

export type GrowableArray = Int32Array | Int16Array | Uint8Array | Float32Array | Float64Array;

/**
 * `a` when it holds `n` entries; otherwise a copy at least twice as long, its new entries set to `fill`.
 *
 * @example
 * let counts = new Int32Array(1024);
 * counts = grown(counts, user + 1); // then counts[user]++
 */
export function grown<T extends GrowableArray>(a: T, n: number, fill = 0): T {
  if (n <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2));
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}

export interface Growable<T extends GrowableArray> {
  /** The array, grown (if need be) to hold index `n`: index it at once, a later `at` may return a new one. */
  at(n: number): T;
  /** The first `n` entries, as a copy (those never set are `fill`). */
  take(n: number): T;
}

/**
 * A typed column that starts at 1024 entries, all `fill`, and doubles as higher indices arrive.
 *
 * @example
 * const lastTime = createGrowable((n) => new Float64Array(n), -Infinity);
 * lastTime.at(user)[user] = t;
 * lastTime.take(numUsers); // Float64Array, -Infinity where no user had a time
 */
export function createGrowable<T extends GrowableArray>(make: (n: number) => T, fill = 0): Growable<T> {
  let a = make(1024);
  if (fill !== 0) a.fill(fill);
  return {
    at: (n) => (a = grown(a, n + 1, fill)),
    take: (n) => (a = grown(a, n, fill)).slice(0, n) as T,
  };
}
