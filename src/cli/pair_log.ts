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
import { createPairTable, refeedLate } from '../train/pair_table.ts';
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
  /** How many times the file was read so far: 1, or 2 when out-of-order users were read again; `replay` adds one. */
  readonly reads: number;
  /** Reads the file once more, handing each kept row over with its dense ids and its weight as float32 (as the per-event log stores it). */
  replay(visit: (u: number, i: number, weight: number, time: number | undefined) => void, onRead?: (p: ReadProgressInfo) => void): Promise<void>;
}

export interface LoadPairsHooks {
  shared?: boolean;
  onRead?: (p: ReadProgressInfo) => void;
  /** Every parsed row of the first read, in file order: dense ids, or -1 for a row its event type's weight 0 drops. */
  onRow?: (u: number, i: number, time: number | undefined) => void;
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
  o: Pick<LoadOptions, 'data' | 'format' | 'columns' | 'skipMalformed' | 'eventWeights' | 'repeats' | 'minRating'>,
  recency?: RecencyOptions,
  { shared, onRead, onRow }: LoadPairsHooks = {},
): Promise<PairLog> {
  if (/\.parquet$/i.test(o.data)) throw new InvalidInputError('streaming into pairs reads CSV/TSV/space-separated logs (and .gz); convert the Parquet log or drop --stream');
  if (o.format === 'ml1m-implicit') throw new InvalidInputError('--format ml1m-implicit comes with a fixed test split; streaming into pairs trains on one log file');
  if (o.repeats && o.repeats !== 'keep') throw new InvalidInputError(`--repeats ${o.repeats} needs every event; streaming into pairs sums repeats as separate events (--repeats keep)`);
  const notes: string[] = [];
  // a parser per read: some keep state across lines (Amazon files number each user's events across the file)
  let parse = parserFor(o.format, { ...o, holdout: undefined }, notes);
  const weightOf = eventWeigher(o.eventWeights);
  const users = createIds();
  const items = createIds();
  let reads = 0;
  const pass = async (add: (r: RawInteraction, w: number) => void, progress?: (p: ReadProgressInfo) => void): Promise<ReadStats> => {
    if (reads++ > 0) parse = parserFor(o.format, { ...o, holdout: undefined }, []);
    let lines = 0;
    const text = readLines(o.data, { onBytes: (b, t) => progress?.({ source: o.data, lines, bytes: b, totalBytes: t }) });
    return readRows(text, parse, (r) => add(r, weightOf(r)), { source: o.data, skipMalformed: o.skipMalformed, onLine: (n) => void (lines = n) });
  };
  const feed = (t: PairTable, r: RawInteraction, w: number): void => t.add(users.of(r.user), items.of(r.item), w, r.timestamp ?? NaN);
  let table = createPairTable(recency);
  const stats = await pass((r, w) => {
    // ids of every row, dropped ones too: the per-event log interns them before cleaning, so both have the same catalogue
    const u = users.of(r.user);
    const i = items.of(r.item);
    if (w >= 0) feed(table, r, w);
    onRow?.(w >= 0 ? u : -1, w >= 0 ? i : -1, r.timestamp);
  }, onRead);
  const redo = refeedLate(table, recency);
  if (redo) {
    notes.push(`${redo.users} users have events out of time order: their events were read again and sorted (recency needs each user's order)`);
    table = redo.table;
    await pass((r, w) => {
      if (w >= 0) redo.add(users.of(r.user), items.of(r.item), w, r.timestamp ?? NaN);
    });
    redo.finish();
  }
  const pairs = table.size;
  const rows = pairRows(table.finish(), { numUsers: users.index.size, numItems: items.index.size, shared });
  const weight32 = eventWeigher(o.eventWeights, true);
  const replay: PairLog['replay'] = async (visit, progress) => {
    await pass((r) => {
      const w = weight32(r);
      if (w >= 0) visit(users.of(r.user), items.of(r.item), w, r.timestamp);
    }, progress);
  };
  return {
    rows,
    userIds: [...users.index.keys()],
    itemIds: [...items.index.keys()],
    stats,
    pairs,
    notes,
    get reads() {
      return reads;
    },
    replay,
  };
}

/**
 * The row's weight times its event type's weight (`--event-weights`); -1 drops the row (type weight 0), as
 * cleaning does. `float32`: rounded as the per-event log's Float32 weight column holds it, step by step.
 */
function eventWeigher(spec: LoadOptions['eventWeights'], float32 = false): (r: RawInteraction) => number {
  const table = spec ? (spec === true ? DEFAULT_EVENT_WEIGHTS : parseWeights(spec)) : null;
  const round = float32 ? Math.fround : (x: number): number => x;
  return (r) => {
    const w = round(r.weight ?? 1);
    if (!(w >= 0 && Number.isFinite(w))) throw new InvalidInputError(`weight ${w}: weights must be finite and >= 0`);
    if (!table || r.event === undefined) return w;
    const f = table[r.event];
    if (f === undefined) throw new InvalidInputError(`no weight for event type "${r.event}"; known: ${Object.keys(table).join(', ')}`);
    return f > 0 ? round(w * f) : -1;
  };
}
