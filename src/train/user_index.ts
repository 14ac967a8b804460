/**
 * Per-user sorted item lists (CSR): "has user u interacted with item i" in O(log n) without a dense matrix,
 * which negative sampling and evaluation both ask millions of times.
 */
export interface UserItemIndex {
  numUsers: number;
  /** [numUsers + 1] offsets into `items`. */
  offsets: Int32Array;
  /** Item indices, sorted ascending within each user, de-duplicated. */
  items: Int32Array;
  /** True when user u has item i. */
  has(u: number, i: number): boolean;
  /** The item indices of user u (a view, do not write). */
  itemsOf(u: number): Int32Array;
}

/**
 * Builds the index from parallel (user, item) arrays.
 *
 * @example
 * const idx = buildUserItemIndex(Int32Array.of(0, 0, 1), Int32Array.of(5, 2, 5), 2);
 * idx.has(0, 2); // true
 * idx.itemsOf(0); // Int32Array [2, 5]
 */
export function buildUserItemIndex(users: Int32Array, items: Int32Array, numUsers: number): UserItemIndex {
  const counts = new Int32Array(numUsers + 1);
  for (let n = 0; n < users.length; n++) counts[users[n] + 1]++;
  for (let u = 0; u < numUsers; u++) counts[u + 1] += counts[u];
  const fill = counts.slice(0, numUsers);
  const raw = new Int32Array(users.length);
  for (let n = 0; n < users.length; n++) raw[fill[users[n]]++] = items[n];
  // sort and de-duplicate each user's run, compacting in place
  const offsets = new Int32Array(numUsers + 1);
  let out = 0;
  for (let u = 0; u < numUsers; u++) {
    const run = raw.subarray(counts[u], counts[u + 1]).sort();
    offsets[u] = out;
    for (let k = 0; k < run.length; k++) if (k === 0 || run[k] !== run[k - 1]) raw[out++] = run[k];
  }
  offsets[numUsers] = out;
  return userItemIndexOf(offsets, raw.slice(0, out), numUsers);
}

/**
 * The index over CSR arrays already built (e.g. by `buildUserItemIndex` in another thread, shared): `items`
 * sorted ascending and de-duplicated within each user's `offsets` range.
 *
 * @example
 * const copy = userItemIndexOf(idx.offsets, idx.items, idx.numUsers);
 */
export function userItemIndexOf(offsets: Int32Array, sorted: Int32Array, numUsers: number): UserItemIndex {
  const itemsOf = (u: number): Int32Array => sorted.subarray(offsets[u], offsets[u + 1]);
  return {
    numUsers,
    offsets,
    items: sorted,
    itemsOf,
    has(u, i) {
      let lo = offsets[u];
      let hi = offsets[u + 1] - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const v = sorted[mid];
        if (v === i) return true;
        if (v < i) lo = mid + 1;
        else hi = mid - 1;
      }
      return false;
    },
  };
}
