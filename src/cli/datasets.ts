/**
 * Loading a log for the CLI: picks the parser for `--format`, streams the file(s), attaches item attributes
 * and fixed splits / NCF candidates where the dataset has them, then applies the cleaning options.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseItemAttributesJson, withItemAttributes } from '../data/amazon.ts';
import { applyEventWeights, countRepeats, DEFAULT_EVENT_WEIGHTS, dedupe, filterMinCounts, sumRepeats } from '../data/clean.ts';
import type { ColumnMap } from '../data/columns.ts';
import { describeColumns, parseColumns } from '../data/columns.ts';
import type { InteractionSet } from '../data/interactions.ts';
import type { ItemAttributes } from '../model/global_model.ts';
import type { LogBuilder } from '../data/interactions.ts';
import { createLogBuilder } from '../data/interactions.ts';
import type { CandidateSet } from '../data/ncf_candidates.ts';
import { parseNcfCandidates } from '../data/ncf_candidates.ts';
import type { LineParser } from '../data/parsers.ts';
import { createAfcfmParser, createDelimitedParser, createMovieLensParser, createSequenceParser } from '../data/parsers.ts';
import type { ReadStats } from '../data/read_log.ts';
import { readLog } from '../data/read_log.ts';
import type { HoldoutOrder, Split } from '../data/split.ts';
import { leaveOneOut, splitAtPosition } from '../data/split.ts';
import { InvalidInputError } from '../errors.ts';
import { readLines, readTextFile } from './lines.ts';
import { readParquetLog } from './parquet_log.ts';
import type { ReadProgressInfo } from './read_progress.ts';

export const FORMATS = ['csv', 'tsv', 'ssv', 'movielens', 'ml1m-implicit', 'amazon'] as const;
export type Format = (typeof FORMATS)[number];

export interface LoadOptions {
  data: string;
  format: Format;
  /** A separate test file in the same format (its rows become the test split). */
  test?: string;
  /** Item attributes JSON (`{"item": [attr, ...]}`); Amazon's sibling file is found automatically. */
  attributes?: string;
  /** Fixed NCF candidates; ML-1M implicit's ncf-negatives.tsv is found automatically. */
  candidates?: string;
  skipMalformed?: boolean;
  /** `--columns user,item,weight,…` for csv/tsv/ssv: the role of each column in order. */
  columns?: string;
  /** Which event per user the test holds out; 'auto': by time when the log has times, else by file order. */
  holdout?: 'auto' | HoldoutOrder;
  /** Seed of a random holdout. */
  seed?: number;
  /** Repeated (user, item) rows: keep each as an event, keep one (dedupe), or one weighing their sum. */
  repeats?: 'keep' | 'dedupe' | 'sum';
  minRating?: number;
  /** Same as repeats 'dedupe'. */
  dedupe?: boolean;
  minUser?: number;
  minItem?: number;
  kCore?: boolean;
  /** "view=0.5,purchase=3"; `true` for the default table. */
  eventWeights?: string | boolean;
}

export interface LoadedData {
  set: InteractionSet;
  split: Split;
  /** True when the split came with the data (test file), false when made here by leave-one-out. */
  fixedSplit: boolean;
  /** How the test part was chosen, for messages: "leave-one-out by time", "fixed test file", … */
  holdout: string;
  candidates?: CandidateSet[];
  stats: ReadStats;
  notes: string[];
}

export function parserFor(format: Format, o: LoadOptions, notes: string[]): LineParser {
  const delimited = (delimiter: string): LineParser => {
    const columns = o.columns ? parseColumns(o.columns) : undefined;
    const onColumns = (c: ColumnMap, how: string): void => void notes.push(`columns ${describeColumns(c)} (${how === 'header' ? 'from the header' : how === 'named' ? 'as named by --columns' : 'by position: no header; name them with --columns'})`);
    return createDelimitedParser({ delimiter, columns, onColumns });
  };
  if (o.columns && !['csv', 'tsv', 'ssv'].includes(format)) throw new InvalidInputError(`--columns applies to --format csv, tsv or ssv, not ${format}`);
  switch (format) {
    case 'csv':
      return delimited(',');
    case 'tsv':
      return delimited('\t');
    case 'ssv':
      return delimited(' ');
    case 'movielens':
      return createMovieLensParser({ minRating: o.minRating });
    case 'ml1m-implicit':
      return createAfcfmParser();
    case 'amazon':
      return createSequenceParser();
  }
}

/**
 * @example
 * const d = await loadDataset({ data: '../shared/data/ml-1m-implicit-afcfm', format: 'ml1m-implicit' });
 * d.split.test.users.length; // 6040
 */
export async function loadDataset(o: LoadOptions, { onRead }: { onRead?: (p: ReadProgressInfo) => void } = {}): Promise<LoadedData> {
  if (!(FORMATS as readonly string[]).includes(o.format)) throw new InvalidInputError(`unknown --format "${o.format}"; use one of ${FORMATS.join(', ')}`);
  const notes: string[] = [];
  let trainPath = o.data;
  let testPath = o.test;
  let candPath = o.candidates;
  if (o.format === 'ml1m-implicit' && existsSync(o.data) && statSync(o.data).isDirectory()) {
    trainPath = join(o.data, 'train.csv');
    testPath ??= join(o.data, 'test.csv');
    if (!candPath && existsSync(join(o.data, 'ncf-negatives.tsv'))) candPath = join(o.data, 'ncf-negatives.tsv');
  }
  const parse = parserFor(o.format, o, notes);
  // both files through one builder: one id table, and the split point is the train file's row count
  const builder = createLogBuilder();
  const read = (path: string): Promise<Awaited<ReturnType<typeof readLog>>> => readSource(path, parse, o, builder, onRead);
  const first = await read(trainPath);
  const trainRows = first.stats.rows;
  const second = testPath ? await read(testPath) : null;
  const raw = second?.set ?? first.set;
  const stats = second ? mergeStats(first.stats, second.stats) : first.stats;
  let set = await attachAttributes(raw, o, trainPath, notes);
  if (testPath) {
    if (o.dedupe || (o.repeats && o.repeats !== 'keep') || o.holdout || o.minUser || o.minItem || o.eventWeights) notes.push('cleaning options are ignored with a fixed test split (they would change it)');
    const split = splitAtPosition(set, trainRows);
    const candidates = candPath ? await readCandidates(candPath, set) : undefined;
    if (candidates) notes.push(`NCF candidates: ${candidates.sets.length} users from ${basename(candPath!)} (${candidates.skipped} skipped)`);
    return { set, split, fixedSplit: true, holdout: 'fixed test file', candidates: candidates?.sets, stats, notes };
  }
  const order = orderOf(set, o.format, notes);
  set = clean(set, o, notes);
  const how = chooseHoldout(order, o.holdout ?? 'auto');
  const holdout = how === 'random' ? `leave-one-out, a random event per user (seed ${o.seed ?? 1})` : how === 'time' ? 'leave-one-out by time' : order === 'position' ? "leave-one-out by position in each user's sequence" : 'leave-one-out by file order (the log has no times)';
  return { set, split: leaveOneOut(set, { order: how, seed: o.seed ?? 1 }), fixedSplit: false, holdout, stats, notes };
}

/**
 * What orders each user's events: real times, a sequence position (Amazon files), or nothing (file order).
 * Times that are all equal carry no order: they are dropped (NaN), and the note says so.
 */
function orderOf(set: InteractionSet, format: Format, notes: string[]): 'time' | 'position' | 'none' {
  if (format === 'amazon') return 'position';
  const t = set.timestamps;
  let first = NaN;
  let varies = false;
  for (let n = 0; n < t.length && !varies; n++) {
    if (Number.isNaN(t[n])) continue;
    if (Number.isNaN(first)) first = t[n];
    else if (t[n] !== first) varies = true;
  }
  if (varies) return 'time';
  if (!Number.isNaN(first)) {
    t.fill(NaN);
    notes.push(`every timestamp is ${first}: read as a log without times`);
  } else notes.push('the log has no times: the holdout is by file order (--holdout random to draw one event per user)');
  return 'none';
}

function chooseHoldout(order: 'time' | 'position' | 'none', asked: 'auto' | HoldoutOrder): HoldoutOrder {
  if (asked === 'time' && order === 'none') throw new InvalidInputError('--holdout time: the log has no times; use --holdout file-order or random');
  if (asked !== 'auto') return asked;
  return order === 'time' ? 'time' : 'file-order';
}

/** One file through the parser, with byte-based progress (a `.parquet` log is read by row groups). */
async function readSource(path: string, parse: LineParser, o: LoadOptions, builder: LogBuilder, onRead?: (p: ReadProgressInfo) => void): ReturnType<typeof readLog> {
  if (/\.parquet$/i.test(path)) return readParquetLog(path, { columns: o.columns, builder, onRead });
  let lines = 0;
  let total = 0;
  onRead?.({ source: path, lines: 0, bytes: 0, totalBytes: 0 });
  // progress per chunk of the file (the meter itself decides how often to print), with the lines parsed so far
  const text = readLines(path, { onBytes: (b, t) => ((total = t), onRead?.({ source: path, lines, bytes: b, totalBytes: t })) });
  const r = await readLog(text, parse, { source: path, skipMalformed: o.skipMalformed, builder, onLine: onRead ? (n) => void (lines = n) : undefined });
  onRead?.({ source: path, lines: r.stats.lines, bytes: total, totalBytes: total });
  return r;
}

async function attachAttributes(set: InteractionSet, o: LoadOptions, dataPath: string, notes: string[]): Promise<InteractionSet> {
  const attrs = await readAttributes(o, dataPath, notes);
  return attrs ? withItemAttributes(set, attrs) : set;
}

/** `--attributes`, or an Amazon log's sibling `<name>_item2attributes.json`; undefined when there is none. */
export async function readAttributes(o: Pick<LoadOptions, 'attributes' | 'format'>, dataPath: string, notes: string[]): Promise<Map<string, ItemAttributes> | undefined> {
  let path = o.attributes;
  if (!path && o.format === 'amazon') {
    const guess = join(dirname(dataPath), basename(dataPath).replace(/\.txt$/, '_item2attributes.json'));
    if (existsSync(guess)) path = guess;
  }
  if (!path) return undefined;
  if (!existsSync(path)) throw new InvalidInputError(`--attributes ${path}: no such file`);
  const attrs = parseItemAttributesJson(await readTextFile(path), basename(path));
  notes.push(`item attributes: ${attrs.size} items from ${basename(path)}`);
  return attrs;
}

async function readCandidates(path: string, set: InteractionSet): Promise<ReturnType<typeof parseNcfCandidates>> {
  if (!existsSync(path)) throw new InvalidInputError(`--candidates ${path}: no such file`);
  const users = new Map(set.userIds.map((id, k) => [id, k]));
  const items = new Map(set.itemIds.map((id, k) => [id, k]));
  return parseNcfCandidates((await readTextFile(path)).split('\n'), users, items, basename(path));
}

function clean(set: InteractionSet, o: LoadOptions, notes: string[]): InteractionSet {
  let s = set;
  if (o.eventWeights) {
    s = applyEventWeights(s, o.eventWeights === true ? DEFAULT_EVENT_WEIGHTS : parseWeights(o.eventWeights));
    notes.push('event-type weights applied');
  }
  const repeats = o.repeats ?? (o.dedupe ? 'dedupe' : 'keep');
  const repeated = countRepeats(s);
  if (repeats === 'dedupe') {
    s = dedupe(s);
    notes.push(`repeats dedupe: ${repeated} repeated (user, item) rows merged into one each (latest time, largest weight)`);
  } else if (repeats === 'sum') {
    s = sumRepeats(s);
    notes.push(`repeats sum: ${repeated} repeated (user, item) rows merged into one each weighing their sum`);
  } else if (repeated > 0) notes.push(`${repeated} rows repeat an earlier (user, item) pair and are kept as separate events (--repeats dedupe or sum to merge them)`);
  if (o.minUser || o.minItem) {
    const before = s.users.length;
    s = filterMinCounts(s, { minUser: o.minUser ?? 1, minItem: o.minItem ?? 1, kCore: o.kCore });
    notes.push(`${o.kCore ? 'k-core' : 'min-count'} filter: ${before - s.users.length} rows dropped`);
  }
  return s;
}

/** "view=0.5,purchase=3" → { view: 0.5, purchase: 3 }. */
export function parseWeights(spec: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of spec.split(',')) {
    const [k, v] = part.split('=');
    const n = Number(v);
    if (!k || v === undefined || !Number.isFinite(n)) throw new InvalidInputError(`--event-weights: "${part}" is not type=number`);
    out[k.trim()] = n;
  }
  return out;
}

function mergeStats(a: ReadStats, b: ReadStats): ReadStats {
  return {
    lines: a.lines + b.lines,
    rows: a.rows + b.rows,
    skippedEmpty: a.skippedEmpty + b.skippedEmpty,
    skippedMalformed: a.skippedMalformed + b.skippedMalformed,
    filtered: a.filtered + b.filtered,
    errors: [...a.errors, ...b.errors].slice(0, 10),
  };
}
