/**
 * Reads a log from any async stream of lines (a Node file stream, a browser `ReadableStream`, an array in a
 * test) through a line parser: one pass, memory proportional to the interactions kept, line numbers in
 * every error, and counts of what was skipped.
 */
import { InvalidInputError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import type { InteractionSet, LogBuilder, RawInteraction } from './interactions.ts';
import { createLogBuilder } from './interactions.ts';
import type { LineParser } from './parsers.ts';

export interface ReadStats {
  lines: number;
  rows: number;
  /** Lines without data: blank, comments, header. */
  skippedEmpty: number;
  /** Malformed lines skipped because `skipMalformed` was set. */
  skippedMalformed: number;
  /** Rows dropped by a parser filter (e.g. a minimum rating). */
  filtered: number;
  /** The first few malformed-line messages, with line numbers. */
  errors: string[];
}

export interface ReadOptions {
  /** Count and skip malformed lines instead of stopping at the first (default false). */
  skipMalformed?: boolean;
  /** Name used in messages, e.g. the file path. */
  source?: string;
  /** Stop after this many malformed lines even when skipping (default 1000): the format is probably wrong. */
  maxMalformed?: number;
  /** Called for each row (e.g. to keep item attributes); return false to drop it. */
  onRow?: (r: RawInteraction) => boolean | void;
  /** Continue an existing log (e.g. a test file after its train file, sharing one id table). */
  builder?: LogBuilder;
  /** Called with each line number (progress meters sample it). */
  onLine?: (lineNo: number) => void;
}

/**
 * @example
 * const { set, stats } = await readLog(lines, createMovieLensParser(), { source: 'u.data' });
 * stats.rows; // 100000
 */
export async function readLog(
  lines: AsyncIterable<string> | Iterable<string>,
  parse: LineParser,
  opts: ReadOptions = {},
): Promise<{ set: InteractionSet; stats: ReadStats }> {
  const b = opts.builder ?? createLogBuilder();
  const stats = await readRows(lines, parse, (r) => b.add(r), opts);
  return { set: b.build(), stats };
}

/**
 * The reading loop alone: each parsed row goes to `add` (a log builder, or a pair table that keeps no
 * per-event arrays: src/cli/pair_log.ts).
 *
 * @example
 * const stats = await readRows(lines, parser, (r) => table.add(ids.user(r.user), ids.item(r.item), 1, NaN));
 */
export async function readRows(
  lines: AsyncIterable<string> | Iterable<string>,
  parse: LineParser,
  add: (r: RawInteraction) => void,
  opts: Omit<ReadOptions, 'builder'> = {},
): Promise<ReadStats> {
  const stats: ReadStats = { lines: 0, rows: 0, skippedEmpty: 0, skippedMalformed: 0, filtered: 0, errors: [] };
  const where = opts.source ?? 'input';
  const maxMalformed = opts.maxMalformed ?? 1000;
  for await (const line of lines) {
    const lineNo = ++stats.lines;
    opts.onLine?.(lineNo);
    let rows: RawInteraction[] | null;
    try {
      rows = parse(line, lineNo);
      // the browser refuses longer ids (src/limits.ts): refuse them here, with the line, not after training
      const long = rows?.find((r) => r.item.length > LIMITS.maxIdLength);
      if (long) throw new Error(`item id of ${long.item.length} characters; item ids are at most ${LIMITS.maxIdLength}`);
    } catch (e) {
      // a wrong format or column mapping is not a malformed line: skipping would read every line wrongly
      if (e instanceof InvalidInputError) throw new InvalidInputError(`${where}:${lineNo}: ${e.message}`, { cause: e });
      const msg = `${where}:${lineNo}: ${(e as Error).message}`;
      if (!opts.skipMalformed) throw new InvalidInputError(`${msg} (pass skipMalformed / --skip-malformed to skip such lines)`, { cause: e });
      stats.skippedMalformed++;
      if (stats.errors.length < 10) stats.errors.push(msg);
      if (stats.skippedMalformed > maxMalformed) throw new InvalidInputError(`${where}: over ${maxMalformed} malformed lines, is the format right? First: ${stats.errors[0]}`);
      continue;
    }
    if (rows === null) {
      stats.skippedEmpty++;
      continue;
    }
    if (rows.length === 0) stats.filtered++;
    for (const r of rows) {
      if (opts.onRow && opts.onRow(r) === false) {
        stats.filtered++;
        continue;
      }
      add(r);
      stats.rows++;
    }
  }
  return stats;
}
