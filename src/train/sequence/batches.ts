/**
 * Training batches of next-item examples, bucketed by length so a batch of short histories is not padded to the
 * window: each user's newest `maxLen + 1` items give inputs `w[0..T-1]` and targets `w[1..T]` (every position
 * predicts the next click, as SASRec trains).
 */
import type { Rng } from '../../model/rng.ts';
import { shuffleInPlace } from '../../model/rng.ts';

export interface SequenceBatch {
  /** Histories in the batch. */
  rows: number;
  /** Columns: the longest input in the batch. */
  width: number;
  /** `[rows, width]` input items, right-aligned, padding 0. */
  items: Int32Array;
  /** `[rows, width]` 1 where `items` is a real item. */
  valid: Float32Array;
  /** Flat indices (`row * width + col`) of the positions that have a target, and those targets. */
  positions: Int32Array;
  targets: Int32Array;
}

/**
 * Which parts of a history are trained on: `newest` — only its newest `maxLen + 1` items (SASRec's training);
 * `all` — the whole history, cut from the newest end into windows of `maxLen + 1` items that overlap by one, so every
 * next-item transition of the history is a target exactly once per epoch; `crop` — one window per history per epoch,
 * as `newest` costs, ending at the newest item a set share of the time (half by default) and at a uniformly random
 * earlier point otherwise (`cropWindows`), so over many epochs the whole history is read while the newest clicks keep
 * their weight; `prefix` — as `crop`, but the random end may be any click from the second on, so a history's first
 * clicks are also trained as the newest of their window, where a shopper's first clicks sit when the device encodes
 * them (under `crop` a history's first `maxLen` clicks are never the newest of a window unless the history fits in
 * one, and a short history is always taken whole).
 */
export const SEQUENCE_WINDOWS = ['newest', 'all', 'crop', 'prefix'] as const;
export type SequenceWindows = (typeof SEQUENCE_WINDOWS)[number];

/**
 * Cuts each sequence into training windows (see `SequenceWindows`); drops windows of fewer than 2 items.
 *
 * @example
 * trainingWindows([Int32Array.of(1, 2, 3, 4, 5, 6)], 2, 'all'); // [4, 5, 6], [2, 3, 4], [1, 2]
 */
export function trainingWindows(sequences: readonly Int32Array[], maxLen: number, windows: SequenceWindows = 'newest'): Int32Array[] {
  const out: Int32Array[] = [];
  for (const s of sequences) {
    for (let end = s.length; end >= 2; end -= maxLen) {
      out.push(s.subarray(Math.max(0, end - maxLen - 1), end));
      if (windows !== 'all') break;
    }
  }
  return out;
}

/**
 * One epoch's `crop` windows: per history of at least 2 items, at most `maxLen + 1` items ending at its newest item
 * with probability `newest` (default 1/2), else at a uniformly random end from the first full window's to the newest
 * (a history that fits one window is taken whole); with `prefixes` (the `prefix` windows) the random end runs from
 * the history's second item to the newest, whatever its length.
 *
 * @example
 * cropWindows([Int32Array.of(1, 2, 3, 4, 5, 6)], 2, createRng(1)); // e.g. [[2, 3, 4]] or [[4, 5, 6]]
 * cropWindows([Int32Array.of(1, 2, 3, 4)], 5, createRng(1), 0.5, true); // e.g. [[1, 2]], [[1, 2, 3]] or [[1, 2, 3, 4]]
 */
export function cropWindows(sequences: readonly Int32Array[], maxLen: number, rng: Rng, newest = 0.5, prefixes = false): Int32Array[] {
  const out: Int32Array[] = [];
  const full = maxLen + 1;
  // the earliest end a random window may have: the first full window's, or the second item's
  const first = prefixes ? 2 : full;
  for (const s of sequences) {
    if (s.length < 2) continue;
    const end = s.length <= first || rng.next() < newest ? s.length : first + rng.int(s.length - first + 1);
    out.push(s.subarray(Math.max(0, end - full), end));
  }
  return out;
}

/**
 * One epoch's batches: windows shuffled, ordered by length (equal lengths stay in shuffled order), cut into batches
 * of about `positionsPerBatch` cells (rows × the batch's width, padding included), batch order shuffled. A batch
 * spans neighbouring lengths only, so padding stays near none: under the earlier buckets of 8 lengths (`bucket` 8,
 * kept for `npm run bench:sequence-batches`), Beauty's windows (mostly 1–8 inputs) were padded to about twice their
 * positions.
 */
export function epochBatches(windows: readonly Int32Array[], positionsPerBatch: number, rng: Rng, bucket = 1): SequenceBatch[] {
  const order = shuffleInPlace(Array.from(windows.keys()), rng);
  const key = (i: number): number => Math.ceil((windows[i].length - 1) / bucket);
  order.sort((a, b) => key(a) - key(b));
  const batches: SequenceBatch[] = [];
  let start = 0;
  while (start < order.length) {
    let end = start;
    let width = 0;
    while (end < order.length) {
      const w = Math.max(width, windows[order[end]].length - 1);
      if (end > start && w * (end - start + 1) > positionsPerBatch) break;
      width = w;
      end++;
    }
    batches.push(buildBatch(order.slice(start, end).map((i) => windows[i]), width));
    start = end;
  }
  return shuffleInPlace(batches, rng);
}

/** One batch of the given windows, `width` columns wide (at least the longest window's inputs). */
export function buildBatch(rows: readonly Int32Array[], width: number): SequenceBatch {
  const items = new Int32Array(rows.length * width);
  const valid = new Float32Array(rows.length * width);
  let count = 0;
  for (const w of rows) count += w.length - 1;
  const positions = new Int32Array(count);
  const targets = new Int32Array(count);
  let p = 0;
  rows.forEach((w, r) => {
    const T = w.length - 1;
    const off = r * width + width - T;
    for (let t = 0; t < T; t++) {
      items[off + t] = w[t];
      valid[off + t] = 1;
      positions[p] = off + t;
      targets[p++] = w[t + 1];
    }
  });
  return { rows: rows.length, width, items, valid, positions, targets };
}
