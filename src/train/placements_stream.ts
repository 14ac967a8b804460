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
 * Co-occurrence counts per item live in rows of a fixed memory budget (src/train/cooccurrence_rows.ts): an
 * item with at most `cap` possible neighbours (2·window·its events, capped by the catalogue) is counted
 * exactly, so its list is the in-memory one; a row that overflows keeps its strongest half by c(i,j)/√n_j and
 * counts on (bench/scale/placements.ts measures the agreement). Memory: that budget, users × (4·window + 21)
 * bytes, plus the rows of users out of (time, item) order, which are held (24 bytes each) and sorted.
 */
import { createGrowable } from '../data/growable.ts';
import type { PlacementLists, PlacementOptions } from './placements.ts';
import { placementOptions, rankTogether, topRows, trendingHalfLife, trendingWeight } from './placements.ts';
import { createCooccurrenceRows } from './cooccurrence_rows.ts';

/** Memory for the co-occurrence rows by default (256 MiB): exact lists for catalogues up to a few ten thousand items. */
export const PLACEMENT_MEMORY_BYTES = 256 * 1024 ** 2;

export interface PlacementStreamOptions extends PlacementOptions {
  /** Bytes for the co-occurrence rows (default PLACEMENT_MEMORY_BYTES); see src/train/cooccurrence_rows.ts. */
  memoryBytes?: number;
}

export interface PlacementStream {
  /** Pass 1: every parsed row in file order; `u`/`i` dense ids, or -1 for a row cleaning drops (weight < 0). */
  observe(u: number, i: number, time: number | undefined): void;
  /** Between the passes: the log's distinct users and items. */
  start(numUsers: number, numItems: number): void;
  /** Pass 2: the kept rows again, in the same order, with their weights (event type applied, as float32). */
  add(u: number, i: number, weight: number, time: number | undefined): void;
  /** The lists; rows index the log's item ids. */
  finish(): PlacementLists & { lateUsers: number; inexactItems: number; neighbourCap: number; cooccurrenceBytes: number };
}

/**
 * @example
 * const p = createPlacementStream();
 * rows.forEach(([u, i, t]) => p.observe(u, i, t)); // pass 1
 * p.start(numUsers, numItems);
 * rows.forEach(([u, i, t]) => p.add(u, i, 1, t));  // pass 2
 * p.finish().together[0];
 */
export function createPlacementStream(opts: PlacementStreamOptions = {}): PlacementStream {
  const { memoryBytes = PLACEMENT_MEMORY_BYTES, ...rest } = opts;
  if (!(memoryBytes > 0)) throw new RangeError(`placements: memoryBytes must be > 0, got ${memoryBytes}`);
  const o = placementOptions(rest);
  const window = Math.ceil(o.window);
  // pass 1
  let kept = 0;
  let first = NaN;
  let varies = false;
  let tLo = Infinity, tHi = -Infinity, kLo = Infinity, kHi = -Infinity;
  const lastKey = createGrowable((n) => new Float64Array(n), -Infinity);
  const lastItem = createGrowable((n) => new Int32Array(n), -1);
  const late = createGrowable((n) => new Uint8Array(n));
  const eventsPerItem = createGrowable((n) => new Float64Array(n));
  // pass 2
  let k = 0;
  let hi = 0;
  let halfLife = 1;
  let score = new Float64Array(0);
  let count = new Float64Array(0);
  let summary = createCooccurrenceRows(new Float64Array(0), window, memoryBytes);
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
      summary = createCooccurrenceRows(eventsPerItem.take(numItems), window, memoryBytes);
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
      return { trending: topRows(score, o.trendingSize), together, lateUsers, inexactItems: summary.prunedRows(), neighbourCap: summary.cap, cooccurrenceBytes: summary.bytes };
    },
  };
}
