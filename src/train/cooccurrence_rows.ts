/**
 * Co-occurrence counts per item in a fixed memory budget, for the streamed "bought together" lists
 * (src/train/placements_stream.ts). Item i can have at most min(2·window·n_i, items − 1) distinct neighbours
 * (n_i: its events, known after the first read), so each row gets that many slots, capped at the largest
 * common cap C the budget allows (water-filling): every item whose bound is within C is counted exactly, which
 * on logs of a few thousand items is every item. A row that fills up anyway (popular items of a large
 * catalogue) drops its weaker half — by c(i,j)/√n_j, the order its list is ranked in — and counts on
 * (Lossy-Counting style: a kept count is a lower bound, a dropped neighbour starts again from 0).
 *
 * Each row is an open-addressing table (12 bytes a slot: id, count, value; at most 2/3 full).
 */

export interface CooccurrenceRows {
  bump(i: number, j: number): void;
  /** (neighbour, count) of item i; exact unless `pruned(i)`. */
  row(i: number): [number, number][];
  /** Rows that dropped neighbours (their lists may differ from the exact ones). */
  prunedRows(): number;
  /** The common cap C on live neighbours per row that the budget allowed. */
  readonly cap: number;
  readonly bytes: number;
}

const SLOT_BYTES = 12;
/** No row is capped below this many live neighbours, whatever the budget (a 25-slot table: 300 bytes an item). */
const MIN_CAP = 16;

const tableSize = (live: number): number => (live <= 0 ? 0 : Math.ceil(live * 1.5) + 1);

/**
 * @example
 * const rows = createCooccurrenceRows(Float64Array.of(3, 2, 4), 5, 1 << 20);
 * rows.bump(0, 2); rows.bump(0, 2);
 * rows.row(0); // [[2, 2]]
 */
export function createCooccurrenceRows(eventsPerItem: Float64Array, window: number, budgetBytes: number): CooccurrenceRows {
  const numItems = eventsPerItem.length;
  const need = Float64Array.from(eventsPerItem, (n) => Math.min(2 * window * n, Math.max(numItems - 1, 0)));
  const cap = chooseCap(need, budgetBytes);
  const live = new Int32Array(numItems);
  const limit = Int32Array.from(need, (n) => Math.min(n, cap));
  const offset = new Float64Array(numItems + 1);
  for (let i = 0; i < numItems; i++) offset[i + 1] = offset[i] + tableSize(limit[i]);
  const slots = offset[numItems];
  const ids = new Int32Array(slots).fill(-1);
  const counts = new Uint32Array(slots);
  const value = new Float32Array(slots);
  const pruned = new Uint8Array(numItems);
  const step = Float32Array.from(eventsPerItem, (n) => 1 / Math.sqrt(Math.max(n, 1)));

  const find = (i: number, j: number): number => {
    const base = offset[i];
    const size = offset[i + 1] - base;
    // multiplicative hash scaled to the row (sizes are not powers of two, so the budget is not rounded up)
    let h = Math.floor(((Math.imul(j, 0x9e3779b1) >>> 0) * size) / 2 ** 32);
    while (ids[base + h] !== -1 && ids[base + h] !== j) h = h + 1 === size ? 0 : h + 1;
    return base + h;
  };
  const prune = (i: number): void => {
    const kept = entries(i).sort((a, b) => b[2] - a[2] || a[0] - b[0]).slice(0, Math.floor(limit[i] / 2));
    ids.fill(-1, offset[i], offset[i + 1]);
    for (const [j, c, v] of kept) {
      const s = find(i, j);
      ids[s] = j;
      counts[s] = c;
      value[s] = v;
    }
    live[i] = kept.length;
    pruned[i] = 1;
  };
  const entries = (i: number): [number, number, number][] => {
    const out: [number, number, number][] = [];
    for (let s = offset[i]; s < offset[i + 1]; s++) if (ids[s] !== -1) out.push([ids[s], counts[s], value[s]]);
    return out;
  };
  return {
    cap,
    bytes: slots * SLOT_BYTES,
    bump(i, j) {
      let s = find(i, j);
      if (ids[s] === -1) {
        if (live[i] >= limit[i]) {
          prune(i);
          s = find(i, j);
        }
        ids[s] = j;
        counts[s] = 0;
        value[s] = 0;
        live[i]++;
      }
      counts[s]++;
      value[s] += step[j];
    },
    row: (i) => entries(i).map(([j, c]) => [j, c]),
    prunedRows: () => pruned.reduce((a, b) => a + b, 0),
  };
}

/** The largest common cap whose tables fit the budget (at least MIN_CAP). */
function chooseCap(need: Float64Array, budgetBytes: number): number {
  const bytesAt = (cap: number): number => {
    let slots = 0;
    for (const n of need) slots += tableSize(Math.min(n, cap));
    return slots * SLOT_BYTES;
  };
  let lo = MIN_CAP;
  let hi = Math.max(MIN_CAP, need.reduce((a, b) => Math.max(a, b), 0));
  if (bytesAt(hi) <= budgetBytes) return hi;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (bytesAt(mid) <= budgetBytes) lo = mid;
    else hi = mid;
  }
  return lo;
}
