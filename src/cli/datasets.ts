/**
 * Loading a log for the CLI: picks the parser for `--format`, streams the file(s), attaches item attributes
 * and fixed splits / NCF candidates where the dataset has them, then applies the cleaning options.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseItemAttributesJson, withItemAttributes } from '../data/amazon.ts';
import { applyEventWeights, DEFAULT_EVENT_WEIGHTS, dedupe, filterMinCounts } from '../data/clean.ts';
import type { InteractionSet } from '../data/interactions.ts';
import { createLogBuilder } from '../data/interactions.ts';
import type { CandidateSet } from '../data/ncf_candidates.ts';
import { parseNcfCandidates } from '../data/ncf_candidates.ts';
import type { LineParser } from '../data/parsers.ts';
import { createAfcfmParser, createDelimitedParser, createMovieLensParser, createSequenceParser } from '../data/parsers.ts';
import type { ReadStats } from '../data/read_log.ts';
import { readLog } from '../data/read_log.ts';
import type { Split } from '../data/split.ts';
import { leaveOneOut, splitAtPosition } from '../data/split.ts';
import { InvalidInputError } from '../errors.ts';
import { readLines, readTextFile } from './lines.ts';

export const FORMATS = ['csv', 'tsv', 'movielens', 'ml1m-implicit', 'amazon'] as const;
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
  minRating?: number;
  dedupe?: boolean;
  minUser?: number;
  minItem?: number;
  kCore?: boolean;
  /** "view=0.5,purchase=3"; `true` for the default table. */
  eventWeights?: string | boolean;
  /** Reading progress of each log file: raw bytes read of its size (the CLI prints it for big logs). */
  onBytes?: (path: string, read: number, total: number) => void;
}

export interface LoadedData {
  set: InteractionSet;
  split: Split;
  /** True when the split came with the data (test file), false when made here by leave-one-out. */
  fixedSplit: boolean;
  candidates?: CandidateSet[];
  stats: ReadStats;
  notes: string[];
}

function parserFor(format: Format, o: LoadOptions): LineParser {
  switch (format) {
    case 'csv':
      return createDelimitedParser({ delimiter: ',' });
    case 'tsv':
      return createDelimitedParser({ delimiter: '\t' });
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
export async function loadDataset(o: LoadOptions): Promise<LoadedData> {
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
  const parse = parserFor(o.format, o);
  // both files through one builder: one id table, and the split point is the train file's row count
  const builder = createLogBuilder();
  const first = await readLog(readLines(trainPath, { onBytes: (r, t) => o.onBytes?.(trainPath, r, t) }), parse, { source: trainPath, skipMalformed: o.skipMalformed, builder });
  const trainRows = first.stats.rows;
  const second = testPath ? await readLog(readLines(testPath, { onBytes: (r, t) => o.onBytes?.(testPath!, r, t) }), parse, { source: testPath, skipMalformed: o.skipMalformed, builder }) : null;
  const raw = second?.set ?? first.set;
  const stats = second ? mergeStats(first.stats, second.stats) : first.stats;
  let set = await attachAttributes(raw, o, trainPath, notes);
  if (testPath) {
    if (o.dedupe || o.minUser || o.minItem || o.eventWeights) notes.push('cleaning options are ignored with a fixed test split (they would change it)');
    const split = splitAtPosition(set, trainRows);
    const candidates = candPath ? await readCandidates(candPath, set) : undefined;
    if (candidates) notes.push(`NCF candidates: ${candidates.sets.length} users from ${basename(candPath!)} (${candidates.skipped} skipped)`);
    return { set, split, fixedSplit: true, candidates: candidates?.sets, stats, notes };
  }
  set = clean(set, o, notes);
  return { set, split: leaveOneOut(set), fixedSplit: false, stats, notes };
}

async function attachAttributes(set: InteractionSet, o: LoadOptions, dataPath: string, notes: string[]): Promise<InteractionSet> {
  let path = o.attributes;
  if (!path && o.format === 'amazon') {
    const guess = join(dirname(dataPath), basename(dataPath).replace(/\.txt$/, '_item2attributes.json'));
    if (existsSync(guess)) path = guess;
  }
  if (!path) return set;
  if (!existsSync(path)) throw new InvalidInputError(`--attributes ${path}: no such file`);
  const attrs = parseItemAttributesJson(await readTextFile(path), basename(path));
  notes.push(`item attributes: ${attrs.size} items from ${basename(path)}`);
  return withItemAttributes(set, attrs);
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
  if (o.dedupe) {
    const before = s.users.length;
    s = dedupe(s);
    notes.push(`dedupe: ${before - s.users.length} duplicate (user, item) rows merged`);
  }
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
