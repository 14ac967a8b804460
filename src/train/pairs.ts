/**
 * The ALS input, built compactly: distinct (user, item) pairs with summed (recency-weighted) weights, as CSR
 * rows of both sides. One side is built from the pair table by a counting sort, the other derived from it,
 * so each row's columns come out ascending with no per-row sort and no per-event array — 8 bytes per pair and
 * side, int32 columns and float32 weights, optionally in SharedArrayBuffers the ALS threads read directly.
 */
import type { WeightedRows } from './als.ts';
import type { PairColumns, PairTable } from './pair_table.ts';
import { createPairTable, refeedLate } from './pair_table.ts';
import type { RecencyOptions } from './recency.ts';

/** Both CSR sides of the aggregated pairs, and what pretraining needs besides. */
export interface PairRows {
  byUser: WeightedRows;
  byItem: WeightedRows;
  /** Events per item (popularity, as the per-event path counts it). */
  itemEvents: Float32Array;
  /** Events aggregated (repeats included). */
  events: number;
}

/** Allocates the CSR arrays: `shared` puts them in SharedArrayBuffers (the ALS thread pool reads them so). */
export interface RowsOptions {
  numUsers?: number;
  numItems?: number;
  shared?: boolean;
}

function allocator(shared: boolean | undefined) {
  const buf = (bytes: number): ArrayBuffer | SharedArrayBuffer => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return {
    int32: (n: number) => new Int32Array(buf(4 * n)),
    float32: (n: number) => new Float32Array(buf(4 * n)),
  };
}

function prefixSums(counts: Int32Array, make: (n: number) => Int32Array): Int32Array {
  const offsets = make(counts.length + 1);
  for (let r = 0; r < counts.length; r++) offsets[r + 1] = offsets[r] + counts[r];
  return offsets;
}

/**
 * The pairs as CSR by user and by item, each row's columns ascending.
 *
 * @example
 * const t = createPairTable(); t.add(1, 0, 1, NaN); t.add(0, 2, 1, NaN);
 * pairRows(t.finish()).byUser.cols; // Int32Array [2, 0]
 */
export function pairRows(pairs: PairColumns, o: RowsOptions = {}): PairRows {
  const numUsers = Math.max(o.numUsers ?? 0, pairs.numUsers);
  const numItems = Math.max(o.numItems ?? 0, pairs.numItems);
  const a = allocator(o.shared);
  const userCount = new Int32Array(numUsers);
  const itemCount = new Int32Array(numItems);
  for (let p = 0; p < pairs.size; p++) {
    userCount[pairs.user(p)]++;
    itemCount[pairs.item(p)]++;
  }
  const byItem = itemRows(pairs, userCount, itemCount, a);
  pairs.release();
  return { byUser: transpose(byItem, numUsers, userCount, a), byItem, itemEvents: padded(pairs.itemEvents, numItems), events: pairs.events };
}

/** Item rows with users ascending: the pairs in user order (a counting sort), then each into its item's row. */
function itemRows(pairs: PairColumns, userCount: Int32Array, itemCount: Int32Array, a: ReturnType<typeof allocator>): WeightedRows {
  const userStart = prefixSums(userCount, (n) => new Int32Array(n));
  const byUserOrder = new Int32Array(pairs.size);
  for (let p = 0; p < pairs.size; p++) byUserOrder[userStart[pairs.user(p)]++] = p;
  const offsets = prefixSums(itemCount, a.int32);
  const fill = offsets.slice(0, itemCount.length);
  const cols = a.int32(pairs.size);
  const weights = a.float32(pairs.size);
  for (let k = 0; k < pairs.size; k++) {
    const p = byUserOrder[k];
    const at = fill[pairs.item(p)]++;
    cols[at] = pairs.user(p);
    weights[at] = pairs.weight(p);
  }
  return { offsets, cols, weights };
}

/** The other side of a CSR: walking rows in order fills each column's row ascending. */
function transpose(rows: WeightedRows, numCols: number, colCount: Int32Array, a: ReturnType<typeof allocator>): WeightedRows {
  const offsets = prefixSums(colCount, a.int32);
  const fill = offsets.slice(0, numCols);
  const cols = a.int32(rows.cols.length);
  const weights = a.float32(rows.cols.length);
  for (let r = 0; r + 1 < rows.offsets.length; r++) {
    for (let k = rows.offsets[r]; k < rows.offsets[r + 1]; k++) {
      const at = fill[rows.cols[k]]++;
      cols[at] = r;
      weights[at] = rows.weights[k];
    }
  }
  return { offsets, cols, weights };
}

function padded(a: Float32Array, n: number): Float32Array {
  if (a.length >= n) return a;
  const out = new Float32Array(n);
  out.set(a);
  return out;
}

/**
 * Aggregates a log held in memory (parallel per-event arrays). With recency on, users whose events are not in
 * time order are fed a second time, sorted by (time, position), so the weights equal the per-event path's.
 *
 * @example
 * aggregatePairs({ users: Int32Array.of(0, 0), items: Int32Array.of(1, 1), numUsers: 1, numItems: 2 }).byUser.weights; // [2]
 */
export function aggregatePairs(
  data: { users: Int32Array; items: Int32Array; weights?: Float32Array; timestamps?: Float64Array; numUsers: number; numItems: number },
  recency?: RecencyOptions,
  o: { shared?: boolean } = {},
): PairRows {
  const { users, items, weights, timestamps } = data;
  const time = (n: number): number => (timestamps ? timestamps[n] : NaN);
  const feed = (t: Pick<PairTable, 'add'>, n: number): void => t.add(users[n], items[n], weights ? weights[n] : 1, time(n));
  let table = createPairTable(recency);
  for (let n = 0; n < users.length; n++) feed(table, n);
  const redo = refeedLate(table, recency);
  if (redo) {
    table = redo.table;
    for (let n = 0; n < users.length; n++) feed(redo, n);
    redo.finish();
  }
  return pairRows(table.finish(), { numUsers: data.numUsers, numItems: data.numItems, shared: o.shared });
}
