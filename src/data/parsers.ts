/**
 * Line parsers for the log formats tastebud reads. Each turns one line into rows, returns `null` for a line
 * that carries no data (blank, comment, header), or throws a `ParseError` saying what is wrong; the reader
 * adds the line number and decides whether to stop or count it as skipped.
 */
import type { RawInteraction } from './interactions.ts';

export class ParseError extends Error {
  override name = 'ParseError';
}

export type LineParser = (line: string, lineNo: number) => RawInteraction[] | null;

export interface ColumnMap {
  user: number;
  item: number;
  timestamp?: number;
  event?: number;
  weight?: number;
}

const HEADER_ALIASES: Record<keyof ColumnMap, string[]> = {
  user: ['user', 'user_id', 'userid', 'visitor', 'visitorid', 'client_id', 'customer_id'],
  item: ['item', 'item_id', 'itemid', 'product', 'product_id', 'sku', 'movie_id', 'movieid'],
  timestamp: ['timestamp', 'time', 'ts', 'date', 'datetime', 'event_time'],
  event: ['event', 'event_type', 'type', 'action', 'event_name'],
  weight: ['weight', 'rating', 'value', 'quantity'],
};

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

/**
 * Column map from a header line, or null when the line does not look like a header.
 *
 * @example
 * columnsFromHeader(['user_id', 'sku', 'ts']); // { user: 0, item: 1, timestamp: 2 }
 */
export function columnsFromHeader(fields: string[]): ColumnMap | null {
  const names = fields.map((f) => f.trim().toLowerCase());
  const find = (k: keyof ColumnMap): number | undefined => {
    const at = names.findIndex((n) => HEADER_ALIASES[k].includes(n));
    return at < 0 ? undefined : at;
  };
  const user = find('user');
  const item = find('item');
  if (user === undefined || item === undefined) return null;
  const map: ColumnMap = { user, item };
  for (const k of ['timestamp', 'event', 'weight'] as const) {
    const at = find(k);
    if (at !== undefined) map[k] = at;
  }
  return map;
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
  delimiter?: string;
  /** true: the first line is a header; false: none; 'auto' (default): a first line naming user and item columns. */
  header?: boolean | 'auto';
  /** Column indexes when there is no header (default user=0, item=1, timestamp=2, event=3, weight=4 when present). */
  columns?: ColumnMap;
}

/**
 * Generic CSV/TSV: `user,item[,timestamp][,event][,weight]`, or the columns a header names.
 *
 * @example
 * const parse = createDelimitedParser({ delimiter: ',' });
 * parse('user,item', 1); // null (header)
 * parse('u1,sku-9', 2); // [{ user: 'u1', item: 'sku-9' }]
 */
export function createDelimitedParser(opts: DelimitedOptions = {}): LineParser {
  const delimiter = opts.delimiter ?? ',';
  let cols: ColumnMap | null = opts.columns ?? null;
  const header = opts.header ?? 'auto';
  return (line, lineNo) => {
    if (line.trim() === '' || line.startsWith('#')) return null;
    const f = splitDelimited(line.replace(/\r$/, ''), delimiter);
    if (lineNo === 1 && header !== false) {
      const fromHeader = columnsFromHeader(f);
      if (fromHeader) {
        cols = opts.columns ?? fromHeader;
        return null;
      }
      if (header === true) throw new ParseError(`header line does not name a user and an item column: "${line.slice(0, 80)}"`);
    }
    const c = cols ?? { user: 0, item: 1, timestamp: 2, event: 3, weight: 4 };
    if (f.length <= Math.max(c.user, c.item)) throw new ParseError(`expected at least ${Math.max(c.user, c.item) + 1} fields separated by ${JSON.stringify(delimiter)}, got ${f.length}`);
    const row: RawInteraction = { user: required(f[c.user], 'user'), item: required(f[c.item], 'item') };
    if (c.timestamp !== undefined && f[c.timestamp] !== undefined) row.timestamp = parseTime(f[c.timestamp]);
    if (c.event !== undefined && f[c.event]?.trim()) row.event = f[c.event].trim();
    if (c.weight !== undefined && f[c.weight]?.trim()) row.weight = number(f[c.weight], 'weight');
    return [row];
  };
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
 * Amazon sequence files of `amazon-s3rec/`: `userID item1 item2 …` in time order; the position is the order key.
 *
 * @example
 * createSequenceParser()('7 10 11', 7); // [{user:'7', item:'10', timestamp:0}, {user:'7', item:'11', timestamp:1}]
 */
export function createSequenceParser(): LineParser {
  return (line) => {
    const f = line.trim().split(/\s+/);
    if (f[0] === '') return null;
    if (f.length < 2) throw new ParseError('a sequence line needs a user id and at least one item');
    return f.slice(1).map((item, k) => ({ user: f[0], item, timestamp: k }));
  };
}
