/**
 * Events aggregated into distinct (user, item) pairs as they arrive, in typed arrays only: a hash of pair
 * slots (one int32 each, open addressing, doubled at 70 % load) over pair columns stored in fixed-size chunks
 * (no copy and at most one chunk of slack as they grow). Memory is about 20 bytes per distinct pair plus
 * 12 per user and 4 per item, whatever the number of events — a 50M-event log of 36M pairs fits in well under
 * 1 GB here, where per-event columns and both CSR sides took 6 GB.
 *
 * The recency weighting of src/train/recency.ts (each event weighs 1 + boost · 2^(−age/halfLife), age = the
 * user's later events) is folded in on the fly: when a user's events arrive in time order, an event's rank
 * is the user's count so far, and a pair keeps R = Σ w·2^(−(L − k)/halfLife) relative to its last rank L, so
 * the pair's weight at the end is Σ w + boost · R · 2^(−(n_u − 1 − L)/halfLife) — the same sum the per-event
 * path computes, up to float rounding. An event older than one already seen for its user ("late") makes that
 * user's ages unknowable in one pass: `lateUsers` names them, and `refeedLate` feeds their events again in time
 * order (src/train/pairs.ts for logs in memory, src/cli/pair_log.ts re-reading the file).
 */
import { createGrowable, grown } from '../data/growable.ts';
import type { RecencyOptions } from './recency.ts';

const CHUNK_BITS = 20;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

/** A growable column in chunks of 2^20 entries. */
class Chunked<T extends Int32Array | Float32Array> {
  readonly chunks: T[] = [];
  constructor(private readonly make: (n: number) => T) {}
  ensure(n: number): void {
    while (this.chunks.length * CHUNK < n) this.chunks.push(this.make(CHUNK));
  }
  get(p: number): number {
    return this.chunks[p >>> CHUNK_BITS][p & MASK];
  }
  set(p: number, v: number): void {
    this.chunks[p >>> CHUNK_BITS][p & MASK] = v;
  }
}

/** The aggregated pairs, read once at the end. */
export interface PairColumns {
  size: number;
  numUsers: number;
  numItems: number;
  events: number;
  user(p: number): number;
  item(p: number): number;
  /** The pair's summed weight, recency included. */
  weight(p: number): number;
  /** Events per item (the artefact's popularity). */
  itemEvents: Float32Array;
  /** Drops the pair columns (read them no more): their memory goes before the CSR's second side is built. */
  release(): void;
}

export interface PairTable {
  /** One event; `time` NaN when unknown (it then sorts before every real time, as in the per-event path). */
  add(user: number, item: number, weight: number, time: number): void;
  readonly size: number;
  readonly events: number;
  /** Users with an event older than one seen before it (only tracked with recency on). */
  lateUsers(): Uint8Array | null;
  /** The pairs with their final weights; the hash is dropped, the table is no longer usable for `add`. */
  finish(): PairColumns;
}

/**
 * @example
 * const t = createPairTable({ boost: 19, halfLife: 5 });
 * t.add(0, 3, 1, 100); t.add(0, 3, 1, 200);
 * t.finish().weight(0); // (1 + 19·2^(−1/5)) + (1 + 19)
 */
export function createPairTable(recency?: RecencyOptions): PairTable {
  const boost = recency && recency.boost > 0 ? recency.boost : 0;
  const decay = boost > 0 ? Math.pow(2, -1 / recency!.halfLife) : 1;
  const pu = new Chunked((n) => new Int32Array(n));
  const pi = new Chunked((n) => new Int32Array(n));
  const base = new Chunked((n) => new Float32Array(n));
  const rec = boost > 0 ? new Chunked((n) => new Float32Array(n)) : null;
  const last = boost > 0 ? new Chunked((n) => new Int32Array(n)) : null;
  let slots = new Int32Array(1 << 16).fill(-1);
  let mask = slots.length - 1;
  let size = 0;
  let events = 0;
  let counts = new Int32Array(1024);
  let lastTime = new Float64Array(1024).fill(-Infinity);
  let late: Uint8Array | null = null;
  let itemEvents = new Float32Array(1024);
  let numUsers = 0;
  let numItems = 0;
  const hash = (u: number, i: number): number => (Math.imul(u, 0x9e3779b1) ^ Math.imul(i + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
  const rehash = (): void => {
    slots = new Int32Array(slots.length * 2).fill(-1);
    mask = slots.length - 1;
    for (let p = 0; p < size; p++) {
      let s = hash(pu.get(p), pi.get(p)) & mask;
      while (slots[s] >= 0) s = (s + 1) & mask;
      slots[s] = p;
    }
  };
  const find = (u: number, i: number): number => {
    let s = hash(u, i) & mask;
    for (let p = slots[s]; p >= 0; p = slots[s]) {
      if (pu.get(p) === u && pi.get(p) === i) return p;
      s = (s + 1) & mask;
    }
    if ((size + 1) * 10 > slots.length * 7) {
      rehash();
      return find(u, i);
    }
    const p = size++;
    slots[s] = p;
    pu.ensure(size);
    pi.ensure(size);
    base.ensure(size);
    rec?.ensure(size);
    last?.ensure(size);
    pu.set(p, u);
    pi.set(p, i);
    last?.set(p, -1);
    return p;
  };
  const touch = (u: number, i: number, time: number): void => {
    if (u >= numUsers) {
      numUsers = u + 1;
      counts = grown(counts, numUsers);
      lastTime = grown(lastTime, numUsers, -Infinity);
      if (late) late = grown(late, numUsers);
    }
    if (i >= numItems) {
      numItems = i + 1;
      itemEvents = grown(itemEvents, numItems);
    }
    if (boost > 0) {
      const t = Number.isNaN(time) ? -Infinity : time;
      if (t < lastTime[u]) (late ??= new Uint8Array(counts.length))[u] = 1;
      else lastTime[u] = t;
    }
  };
  return {
    add(u, i, w, time) {
      if (!(u >= 0 && i >= 0)) throw new RangeError(`pair table: negative index (user ${u}, item ${i})`);
      touch(u, i, time);
      const p = find(u, i);
      base.set(p, base.get(p) + w);
      if (rec && last) {
        const k = counts[u];
        const l = last.get(p);
        rec.set(p, (l < 0 ? 0 : rec.get(p) * Math.pow(decay, k - l)) + w);
        last.set(p, k);
      }
      counts[u]++;
      itemEvents[i]++;
      events++;
    },
    get size() {
      return size;
    },
    get events() {
      return events;
    },
    lateUsers: () => (late ? late.subarray(0, numUsers) : null),
    finish() {
      slots = new Int32Array(0);
      if (rec && last) {
        // fold the recency term into the base weights, then drop its columns chunk by chunk
        for (let p = 0; p < size; p++) {
          const extra = boost * rec.get(p) * Math.pow(decay, counts[pu.get(p)] - 1 - last.get(p));
          base.set(p, base.get(p) + extra);
        }
        rec.chunks.length = 0;
        last.chunks.length = 0;
      }
      const release = (): void => {
        for (const c of [pu, pi, base]) c.chunks.length = 0;
      };
      return { size, numUsers, numItems, events, user: (p) => pu.get(p), item: (p) => pi.get(p), weight: (p) => base.get(p), itemEvents: itemEvents.slice(0, numItems), release };
    },
  };
}

/** A second pass for the users `lateUsers` named: see `refeedLate`. */
export interface LateRefeed {
  /** How many users had events out of time order. */
  readonly users: number;
  /** The fresh table the second pass fills: take it in place of the first at once, so the first is freed. */
  readonly table: PairTable;
  /** One event of the second pass (every event, in the first pass's order); `time` NaN when unknown. */
  add(user: number, item: number, weight: number, time: number): void;
  /** Feeds the late users' held events into `table`, sorted by time, then arrival. */
  finish(): void;
}

/**
 * Recency needs each user's events in time order. After a first pass into `first`: null when every user's
 * were; otherwise a second pass of the same events into a fresh table, which takes the in-order users'
 * events at once and holds the late users' (only theirs) to feed them in (time, arrival) order at `finish`.
 *
 * @example
 * const redo = refeedLate(table, recency);
 * if (redo) {
 *   table = redo.table;
 *   events.forEach((e) => redo.add(e.user, e.item, e.weight, e.time));
 *   redo.finish();
 * }
 */
export function refeedLate(first: PairTable, recency?: RecencyOptions): LateRefeed | null {
  const late = first.lateUsers();
  const users = late ? late.reduce((s, x) => s + x, 0) : 0;
  if (!late || users === 0) return null;
  const table = createPairTable(recency);
  const [hu, hi] = [createGrowable((n) => new Int32Array(n)), createGrowable((n) => new Int32Array(n))];
  const [hw, ht] = [createGrowable((n) => new Float64Array(n)), createGrowable((n) => new Float64Array(n))];
  let size = 0;
  return {
    users,
    table,
    add(u, i, w, time) {
      if (!late[u]) return table.add(u, i, w, time);
      hu.at(size)[size] = u;
      hi.at(size)[size] = i;
      hw.at(size)[size] = w;
      ht.at(size)[size] = Number.isNaN(time) ? -Infinity : time;
      size++;
    },
    finish() {
      const [user, item, weight, time] = [hu.take(size), hi.take(size), hw.take(size), ht.take(size)];
      const order = Int32Array.from(user, (_, k) => k).sort((a, b) => time[a] - time[b] || a - b);
      for (const k of order) table.add(user[k], item[k], weight[k], time[k]);
    },
  };
}
