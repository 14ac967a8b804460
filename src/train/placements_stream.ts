/**
 * The placement lists of src/train/placements.ts from a log read twice as a stream, in memory bounded by the
 * users and items, not the events (`tastebud pretrain --stream`).
 *
 * Pass 1 (`observe`, every row while the pairs are read) learns what the definition needs before it can
 * count: the log's first and last order key (trending halves every `halfLifeShare` of that span), whether the
 * times vary (all-equal times count as none, as the loader says), and which users' rows are not in the
 * (time, item) order the "together" windows walk. Pass 2 (`add`) then counts: trending exactly as defined;
 * "together" from a ring of each user's last `window` items (a late user's rows alone are held and sorted).
 *
 * Co-occurrence counts per item live in a weighted Space-Saving summary of `capacity` neighbours (Metwally et
 * al. 2005), weighted by 1/√n_j so it keeps the neighbours the cosine ranks first: an item with at most
 * `capacity` distinct neighbours has exact counts, so its list is the in-memory one; beyond that a weak
 * neighbour can be missed and a kept one's count overestimated (bench/scale/placements.ts measures how
 * much). Memory: items × capacity × 12 bytes, users × (4·window + 21) bytes; plus the rows of users out of
 * (time, item) order, which are held (24 bytes each) and sorted.
 */
import type { PlacementLists, PlacementOptions } from './placements.ts';
import { placementOptions, rankTogether, topRows, trendingHalfLife, trendingWeight } from './placements.ts';

/** Neighbours kept per item by default: 512 bytes an item. */
export const PLACEMENT_CAPACITY = 64;

export interface PlacementStreamOptions extends PlacementOptions {
  /** Neighbours kept per item (default PLACEMENT_CAPACITY): lists are exact for items with at most this many. */
  capacity?: number;
}

export interface PlacementStream {
  /** Pass 1: every parsed row in file order; `u`/`i` dense ids, or -1 for a row cleaning drops (weight < 0). */
  observe(u: number, i: number, time: number | undefined): void;
  /** Between the passes: the log's distinct users and items. */
  start(numUsers: number, numItems: number): void;
  /** Pass 2: the kept rows again, in the same order, with their weights (event type applied, as float32). */
  add(u: number, i: number, weight: number, time: number | undefined): void;
  /** The lists; rows index the log's item ids. */
  finish(): PlacementLists & { lateUsers: number; inexactItems: number };
}

/** A typed array that grows by doubling (ids arrive one by one). */
function growable<T extends Int32Array | Float64Array | Uint8Array>(make: (n: number) => T, fill = 0): { at(n: number): T } {
  let a = make(1024).fill(fill) as T;
  return {
    at(n) {
      if (n >= a.length) {
        const b = make(Math.max(n + 1, a.length * 2)).fill(fill) as T;
        b.set(a);
        a = b;
      }
      return a;
    },
  };
}

/**
 * @example
 * const p = createPlacementStream();
 * rows.forEach(([u, i, t]) => p.observe(u, i, t)); // pass 1
 * rows.forEach(([u, i, t]) => p.add(u, i, 1, t));  // pass 2
 * p.finish(numItems).together[0];
 */
export function createPlacementStream(opts: PlacementStreamOptions = {}): PlacementStream {
  const { capacity = PLACEMENT_CAPACITY, ...rest } = opts;
  if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`placements: capacity must be a whole number >= 1, got ${capacity}`);
  const o = placementOptions(rest);
  const window = Math.ceil(o.window);
  // pass 1
  let kept = 0;
  let first = NaN;
  let varies = false;
  let tLo = Infinity, tHi = -Infinity, kLo = Infinity, kHi = -Infinity;
  const lastKey = growable((n) => new Float64Array(n), -Infinity);
  const lastItem = growable((n) => new Int32Array(n), -1);
  const late = growable((n) => new Uint8Array(n));
  const eventsPerItem = growable((n) => new Float64Array(n));
  // pass 2
  let k = 0;
  let hi = 0;
  let halfLife = 1;
  let score = new Float64Array(0);
  let count = new Float64Array(0);
  let summary = createSummary(new Float64Array(0), capacity);
  let seen = new Int32Array(0);
  let ring = new Int32Array(0);
  const held: { u: number[]; i: number[]; key: number[] } = { u: [], i: [], key: [] };
  const keyOf = (t: number | undefined, at: number): number => (varies && t !== undefined && Number.isFinite(t) ? t : at);

  const pairWithRecent = (u: number, i: number): void => {
    const n = seen[u];
    for (let back = 1; back <= Math.min(n, window); back++) {
      const j = ring[u * window + ((n - back) % window)];
      if (j !== i) {
        summary.bump(j, i);
        summary.bump(i, j);
      }
    }
    ring[u * window + (n % window)] = i;
    seen[u] = n + 1;
  };

  return {
    observe(u, i, t) {
      const finite = t !== undefined && Number.isFinite(t);
      if (finite) {
        if (Number.isNaN(first)) first = t;
        else if (t !== first) varies = true;
      }
      if (u < 0) return; // dropped by cleaning: counts for "times vary" only, as the loader's check runs first
      if (finite) {
        tLo = Math.min(tLo, t);
        tHi = Math.max(tHi, t);
      } else {
        kLo = Math.min(kLo, kept);
        kHi = Math.max(kHi, kept);
      }
      eventsPerItem.at(i)[i]++;
      const key = finite ? t : kept;
      const lk = lastKey.at(u);
      const li = lastItem.at(u);
      if (key < lk[u] || (key === lk[u] && i < li[u])) late.at(u)[u] = 1;
      lk[u] = key;
      li[u] = i;
      kept++;
    },
    start(numUsers, numItems) {
      // the span of order keys the loader would see: times (and positions where a row has none), or positions only
      const lo = varies ? Math.min(tLo, kLo) : 0;
      hi = varies ? Math.max(tHi, kHi) : kept - 1;
      halfLife = trendingHalfLife(lo, hi, o.halfLifeShare);
      score = new Float64Array(numItems);
      count = new Float64Array(numItems);
      summary = createSummary(eventsPerItem.at(numItems).slice(0, numItems), capacity);
      seen = new Int32Array(numUsers);
      ring = new Int32Array(numUsers * window);
      late.at(numUsers);
    },
    add(u, i, weight, t) {
      const key = keyOf(t, k++);
      score[i] += trendingWeight(weight, key, hi, halfLife);
      count[i] += 1;
      if (varies && late.at(u)[u]) {
        held.u.push(u);
        held.i.push(i);
        held.key.push(key);
      } else pairWithRecent(u, i);
    },
    finish() {
      const order = Int32Array.from(held.u, (_, x) => x).sort((a, b) => held.u[a] - held.u[b] || held.key[a] - held.key[b] || held.i[a] - held.i[b] || a - b);
      for (const x of order) pairWithRecent(held.u[x], held.i[x]);
      const lateUsers = new Set(held.u).size;
      const together = Array.from({ length: count.length }, (_, i) => rankTogether(summary.row(i), i, count, o));
      return { trending: topRows(score, o.trendingSize), together, lateUsers, inexactItems: summary.evicting() };
    },
  };
}

/**
 * Per item i, the neighbours j with the largest c(i,j)/√n_j — the order its list is ranked in — by weighted
 * Space-Saving: each co-occurrence adds 1/√n_j, a newcomer to a full row takes the smallest slot's value over.
 * Slots stay in descending value order, so a strong neighbour is found early and the smallest is the last
 * slot. 12 bytes a slot; counts are exact in a row that never replaced a slot.
 */
function createSummary(eventsPerItem: Float64Array, capacity: number) {
  const numItems = eventsPerItem.length;
  const ids = new Int32Array(numItems * capacity);
  const counts = new Uint32Array(numItems * capacity);
  const value = new Float32Array(numItems * capacity);
  const used = new Uint32Array(numItems);
  const evicted = new Uint8Array(numItems);
  const step = Float32Array.from(eventsPerItem, (n) => 1 / Math.sqrt(Math.max(n, 1)));
  return {
    bump(i: number, j: number): void {
      const base = i * capacity;
      const n = used[i];
      let s = 0;
      while (s < n && ids[base + s] !== j) s++;
      if (s === n) {
        if (n < capacity) {
          used[i] = n + 1;
          value[base + s] = 0;
        } else {
          s = n - 1; // the weakest neighbour makes room; its value carries over as the newcomer's overestimate
          evicted[i] = 1;
        }
        ids[base + s] = j;
        counts[base + s] = 0;
      }
      const c = ++counts[base + s];
      const v = (value[base + s] += step[j]);
      while (s > 0 && value[base + s - 1] < v) {
        ids[base + s] = ids[base + s - 1];
        counts[base + s] = counts[base + s - 1];
        value[base + s] = value[base + s - 1];
        ids[base + s - 1] = j;
        counts[base + s - 1] = c;
        value[base + s - 1] = v;
        s--;
      }
    },
    /** (neighbour, count): exact, or value × √n_j (counted plus taken over) in a row that replaced slots. */
    row(i: number): [number, number][] {
      const out: [number, number][] = [];
      for (let s = 0; s < used[i]; s++) {
        const j = ids[i * capacity + s];
        out.push([j, evicted[i] ? Math.max(counts[i * capacity + s], value[i * capacity + s] / step[j]) : counts[i * capacity + s]]);
      }
      return out;
    },
    evicting(): number {
      return evicted.reduce((a, b) => a + b, 0);
    },
  };
}
