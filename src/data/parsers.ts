/**
 * Line parsers for the log formats tastebud reads. Each turns one line into rows, returns `null` for a line
 * that carries no data (blank, comment, header), or throws a `ParseError` saying what is wrong; the reader
 * adds the line number and decides whether to stop or count it as skipped.
 */
import { InvalidInputError } from '../errors.ts';
import type { ColumnMap } from './columns.ts';
import { columnsFromHeader, looksLikeTime } from './columns.ts';
import type { RawInteraction } from './interactions.ts';

export type { ColumnMap } from './columns.ts';
export { columnsFromHeader } from './columns.ts';

export class ParseError extends Error {
  override name = 'ParseError';
}

export type LineParser = (line: string, lineNo: number) => RawInteraction[] | null;

/** Splits one CSV/TSV line; double quotes around a field allow the delimiter inside ("" is a quote). */
export function splitDelimited(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let k = 0; k < line.length; k++) {
    const ch = line[k];
    if (quoted) {
      if (ch === '"' && line[k + 1] === '"') {
        cur += '"';
        k++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur === '') quoted = true;
    else if (line.startsWith(delimiter, k)) {
      out.push(cur);
      cur = '';
      k += delimiter.length - 1;
    } else cur += ch;
  }
  if (quoted) throw new ParseError('unterminated quoted field');
  out.push(cur);
  return out;
}

/** Parses a timestamp field: a number (unix seconds or ms) or an ISO date. */
export function parseTime(s: string): number {
  const t = s.trim();
  if (t === '') return NaN;
  const n = Number(t);
  if (Number.isFinite(n)) return n;
  const d = Date.parse(t);
  if (Number.isNaN(d)) throw new ParseError(`timestamp "${t}" is neither a number nor a date`);
  return d / 1000;
}

export interface DelimitedOptions {
  /** A field separator; `' '` means any run of spaces or tabs. */
  delimiter?: string;
  /** true: the first line is a header; false: none; 'auto' (default): a first line naming user and item columns. */
  header?: boolean | 'auto';
  /** Columns named by the caller (`--columns`): read exactly as named; a first line that is no data row is skipped. */
  columns?: ColumnMap;
  /** Told once which columns are read and why: a recognised header, named by the caller, or by position. */
  onColumns?: (columns: ColumnMap, how: 'header' | 'named' | 'position') => void;
}

const POSITIONAL: ColumnMap = { user: 0, item: 1, timestamp: 2, event: 3, weight: 4 };

/**
 * Generic CSV/TSV/space-separated: the columns a header names, the columns the caller names, or else
 * `user,item[,timestamp][,event][,weight]` by position — where a third column that does not look like a time
 * stops the read (a count read as a time would silently choose every held-out item).
 *
 * @example
 * const parse = createDelimitedParser({ delimiter: ',' });
 * parse('user,item', 1); // null (header)
 * parse('u1,sku-9', 2); // [{ user: 'u1', item: 'sku-9' }]
 */
export function createDelimitedParser(opts: DelimitedOptions = {}): LineParser {
  const delimiter = opts.delimiter ?? ',';
  let cols: ColumnMap | null = opts.columns ?? null;
  let guessed = false;
  const header = opts.header ?? 'auto';
  return (line, lineNo) => {
    if (line.trim() === '' || line.startsWith('#')) return null;
    const f = delimiter === ' ' ? line.trim().split(/\s+/) : splitDelimited(line.replace(/\r$/, ''), delimiter);
    if (lineNo === 1 && header !== false) {
      const fromHeader = columnsFromHeader(f);
      if (fromHeader || (opts.columns && !isDataRow(f, opts.columns))) {
        cols = opts.columns ?? fromHeader;
        opts.onColumns?.(cols!, opts.columns ? 'named' : 'header');
        return null;
      }
      if (header === true) throw new ParseError(`header line does not name a user and an item column: "${line.slice(0, 80)}"`);
      if (!opts.columns && looksLikeHeader(f)) {
        throw new InvalidInputError(`the first line looks like a header (${f.map((x) => x.trim()).join(', ')}) but names no user and item column tastebud knows; name every column in order, e.g. --columns user,item,weight`);
      }
    }
    if (!cols) {
      cols = opts.columns ?? POSITIONAL;
      guessed = !opts.columns;
      opts.onColumns?.(guessed ? positionalFor(f.length) : cols, guessed ? 'position' : 'named');
    }
    const c = cols;
    if (f.length <= Math.max(c.user, c.item)) throw new ParseError(`expected at least ${Math.max(c.user, c.item) + 1} fields separated by ${JSON.stringify(delimiter)}, got ${f.length}`);
    if (guessed && f[c.timestamp!] !== undefined && !looksLikeTime(f[c.timestamp!])) {
      throw new InvalidInputError(`column ${c.timestamp! + 1} has no header, so it would be read as a timestamp, but "${f[c.timestamp!].trim()}" is no unix time or date (a count or a rating?); name the columns, e.g. --columns user,item,weight`);
    }
    const row: RawInteraction = { user: required(f[c.user], 'user'), item: required(f[c.item], 'item') };
    if (c.timestamp !== undefined && f[c.timestamp] !== undefined) row.timestamp = parseTime(f[c.timestamp]);
    if (c.event !== undefined && f[c.event]?.trim()) row.event = f[c.event].trim();
    if (c.weight !== undefined && f[c.weight]?.trim()) row.weight = number(f[c.weight], 'weight');
    return [row];
  };
}

/** A first line whose named number columns hold numbers is data, not a header. */
function isDataRow(f: string[], c: ColumnMap): boolean {
  const numeric = (at: number | undefined): boolean => at === undefined || f[at] === undefined || f[at].trim() === '' || Number.isFinite(Number(f[at])) || (at === c.timestamp && !Number.isNaN(Date.parse(f[at])));
  return numeric(c.weight) && numeric(c.timestamp);
}

/** Three or more fields, none a number, the third not a date: a header in words tastebud does not know. */
function looksLikeHeader(f: string[]): boolean {
  return f.length >= 3 && f.every((x) => !Number.isFinite(Number(x)) && /[a-z]/i.test(x)) && Number.isNaN(Date.parse(f[2]));
}

function positionalFor(fields: number): ColumnMap {
  const c: ColumnMap = { user: 0, item: 1 };
  if (fields > 2) c.timestamp = 2;
  if (fields > 3) c.event = 3;
  if (fields > 4) c.weight = 4;
  return c;
}

function required(s: string | undefined, what: string): string {
  const t = s?.trim();
  if (!t) throw new ParseError(`empty ${what} id`);
  return t;
}

function number(s: string, what: string): number {
  const n = Number(s.trim());
  if (!Number.isFinite(n)) throw new ParseError(`${what} "${s.trim()}" is not a number`);
  return n;
}

/**
 * MovieLens `u.data` (tab) and `ratings.dat` (`::`): user, movie, rating, timestamp. Every rating is a positive
 * unless `minRating` drops the low ones (returned as an empty row list, counted as filtered).
 *
 * @example
 * createMovieLensParser()('1::1193::5::978300760', 1); // [{ user: '1', item: '1193', timestamp: 978300760, weight: 1 }]
 */
export function createMovieLensParser(opts: { minRating?: number } = {}): LineParser {
  return (line) => {
    if (line.trim() === '') return null;
    const f = line.includes('::') ? line.split('::') : line.trim().split(/\t|\s+/);
    if (f.length < 4) throw new ParseError(`expected user, item, rating, timestamp; got ${f.length} fields`);
    const rating = number(f[2], 'rating');
    if (opts.minRating !== undefined && rating < opts.minRating) return [];
    return [{ user: required(f[0], 'user'), item: required(f[1], 'item'), timestamp: number(f[3], 'timestamp'), weight: 1 }];
  };
}

/**
 * The ML-1M implicit CSV of `ml-1m-implicit-afcfm/`: `U-G-A-O,I-C` (user id and features, movie id and
 * genre feature). U and I make the interaction; the genre feature becomes an item attribute.
 *
 * @example
 * createAfcfmParser()('1-6041-6042-6043,3186-3711', 1); // [{ user: '1', item: '3186', itemAttributes: { genre: '3711' } }]
 */
export function createAfcfmParser(): LineParser {
  return (line) => {
    if (line.trim() === '') return null;
    const halves = line.trim().split(',');
    if (halves.length !== 2) throw new ParseError(`expected "user-features,item-feature", got ${halves.length} comma-separated fields`);
    const u = halves[0].split('-');
    const i = halves[1].split('-');
    if (!/^\d+$/.test(u[0]) || !/^\d+$/.test(i[0])) throw new ParseError(`user and item ids must be integers: "${line.slice(0, 60)}"`);
    return [{ user: u[0], item: i[0], ...(i[1] ? { itemAttributes: { genre: i[1] } } : {}) }];
  };
}

/**
 * Amazon sequence files of `amazon-s3rec/`: `userID item1 item2 …` in time order. The order key is the event's
 * position in that user's stream across the whole file, so a file of `user item` pairs (one item per line)
 * keeps its line order too, instead of every event getting position 0.
 *
 * @example
 * createSequenceParser()('7 10 11', 7); // [{user:'7', item:'10', timestamp:0}, {user:'7', item:'11', timestamp:1}]
 */
export function createSequenceParser(): LineParser {
  const seen = new Map<string, number>();
  return (line) => {
    const f = line.trim().split(/\s+/);
    if (f[0] === '') return null;
    if (f.length < 2) throw new ParseError('a sequence line needs a user id and at least one item');
    const start = seen.get(f[0]) ?? 0;
    seen.set(f[0], start + f.length - 1);
    return f.slice(1).map((item, k) => ({ user: f[0], item, timestamp: start + k }));
  };
}
