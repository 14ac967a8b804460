/**
 * A log streamed straight into (user, item) pairs (src/train/pair_table.ts): no per-event array is kept, so
 * memory grows with the distinct pairs, users and items, not with the events — what `pretrain --stream`
 * and the scaling bench use for logs too big to hold event by event. With recency weighting on, users whose
 * events are not in time order in the file are read a second time (only their events are kept, then sorted),
 * so the weights are those of the per-event path.
 */
import { InvalidInputError } from '../errors.ts';
import { DEFAULT_EVENT_WEIGHTS } from '../data/clean.ts';
import type { RawInteraction } from '../data/interactions.ts';
import type { ReadStats } from '../data/read_log.ts';
import { readRows } from '../data/read_log.ts';
import type { PairRows } from '../train/pairs.ts';
import { pairRows } from '../train/pairs.ts';
import type { PairTable } from '../train/pair_table.ts';
import { createPairTable } from '../train/pair_table.ts';
import type { RecencyOptions } from '../train/recency.ts';
import type { LoadOptions } from './datasets.ts';
import { parserFor, parseWeights } from './datasets.ts';
import { readLines } from './lines.ts';
import type { ReadProgressInfo } from './read_progress.ts';

export interface PairLog {
  rows: PairRows;
  userIds: string[];
  itemIds: string[];
  stats: ReadStats;
  /** Distinct pairs. */
  pairs: number;
  notes: string[];
}

/** Dense ids in first-seen order, as the per-event builder gives them. */
function createIds(): { index: Map<string, number>; of(id: string): number } {
  const index = new Map<string, number>();
  return {
    index,
    of(id) {
      let v = index.get(id);
      if (v === undefined) index.set(id, (v = index.size));
      return v;
    },
  };
}

/**
 * @example
 * const log = await loadPairs({ data: 'big.csv.gz', format: 'csv' }, { boost: 19, halfLife: 5 }, { shared: true });
 * await pretrainPairs(log.rows, { itemIds: log.itemIds, numUsers: log.userIds.length }, recipe);
 */
export async function loadPairs(
  o: Pick<LoadOptions, 'data' | 'format' | 'columns' | 'skipMalformed' | 'eventWeights' | 'repeats'>,
  recency?: RecencyOptions,
  { shared, onRead }: { shared?: boolean; onRead?: (p: ReadProgressInfo) => void } = {},
): Promise<PairLog> {
  if (/\.parquet$/i.test(o.data)) throw new InvalidInputError('streaming into pairs reads CSV/TSV/space-separated logs (and .gz); convert the Parquet log or drop --stream');
  if (o.format === 'ml1m-implicit') throw new InvalidInputError('--format ml1m-implicit comes with a fixed test split; streaming into pairs trains on one log file');
  if (o.repeats && o.repeats !== 'keep') throw new InvalidInputError(`--repeats ${o.repeats} needs every event; streaming into pairs sums repeats as separate events (--repeats keep)`);
  const notes: string[] = [];
  const parse = parserFor(o.format, { ...o, holdout: undefined }, notes);
  const weightOf = eventWeigher(o.eventWeights);
  const users = createIds();
  const items = createIds();
  const pass = async (add: (r: RawInteraction, w: number) => void, report: boolean): Promise<ReadStats> => {
    let lines = 0;
    const progress = report ? onRead : undefined;
    const text = readLines(o.data, { onBytes: (b, t) => progress?.({ source: o.data, lines, bytes: b, totalBytes: t }) });
    return readRows(text, parse, (r) => {
      const w = weightOf(r);
      if (w >= 0) add(r, w);
    }, { source: o.data, skipMalformed: o.skipMalformed, onLine: (n) => void (lines = n) });
  };
  const feed = (t: PairTable, r: RawInteraction, w: number): void => t.add(users.of(r.user), items.of(r.item), w, r.timestamp ?? NaN);
  let table = createPairTable(recency);
  const stats = await pass((r, w) => feed(table, r, w), true);
  const late = table.lateUsers();
  const lateCount = late ? late.reduce((s, x) => s + x, 0) : 0;
  if (lateCount > 0) {
    notes.push(`${lateCount} users have events out of time order: their events were read again and sorted (recency needs each user's order)`);
    table = createPairTable(recency);
    // only the late users' events, as plain number columns, fed again in (time, file position) order
    const hu: number[] = [];
    const hi: number[] = [];
    const ht: number[] = [];
    const hw: number[] = [];
    await pass((r, w) => {
      const u = users.of(r.user);
      if (!late![u]) return feed(table, r, w);
      hu.push(u);
      hi.push(items.of(r.item));
      ht.push(r.timestamp === undefined || Number.isNaN(r.timestamp) ? -Infinity : r.timestamp);
      hw.push(w);
    }, false);
    const order = Int32Array.from(hu, (_, k) => k).sort((a, b) => ht[a] - ht[b] || a - b);
    for (const k of order) table.add(hu[k], hi[k], hw[k], ht[k]);
  }
  const pairs = table.size;
  const rows = pairRows(table.finish(), { numUsers: users.index.size, numItems: items.index.size, shared });
  return { rows, userIds: [...users.index.keys()], itemIds: [...items.index.keys()], stats, pairs, notes };
}

/** The row's weight times its event type's weight (`--event-weights`); -1 drops the row (type weight 0), as cleaning does. */
function eventWeigher(spec: LoadOptions['eventWeights']): (r: RawInteraction) => number {
  const table = spec ? (spec === true ? DEFAULT_EVENT_WEIGHTS : parseWeights(spec)) : null;
  return (r) => {
    const w = r.weight ?? 1;
    if (!(w >= 0 && Number.isFinite(w))) throw new InvalidInputError(`weight ${w}: weights must be finite and >= 0`);
    if (!table || r.event === undefined) return w;
    const f = table[r.event];
    if (f === undefined) throw new InvalidInputError(`no weight for event type "${r.event}"; known: ${Object.keys(table).join(', ')}`);
    return f > 0 ? w * f : -1;
  };
}
