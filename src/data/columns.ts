/**
 * Naming the columns of a delimited log: the header names tastebud recognises (Last.fm's `userID artistID
 * weight`, RetailRocket's `visitorid itemid event`, Amazon's `reviewerID asin overall unixReviewTime`, …), a
 * `--columns user,item,weight,timestamp` list for files whose header is missing or unusual, and the checks that
 * keep a column from being read as something it is not (a play count is never a timestamp).
 */
import { InvalidInputError } from '../errors.ts';

export interface ColumnMap {
  user: number;
  item: number;
  timestamp?: number;
  event?: number;
  weight?: number;
}

export type ColumnRole = keyof ColumnMap;

/** Header names per role, compared lower-cased with spaces, dashes and dots as underscores. */
export const HEADER_ALIASES: Readonly<Record<ColumnRole, readonly string[]>> = {
  user: ['user', 'user_id', 'userid', 'visitor', 'visitorid', 'visitor_id', 'client_id', 'customer', 'customer_id', 'customerid', 'reviewerid', 'reviewer_id', 'uid', 'member_id', 'account_id', 'session_id'],
  item: [
    'item', 'item_id', 'itemid', 'product', 'product_id', 'productid', 'sku', 'movie', 'movie_id', 'movieid', 'artist', 'artist_id', 'artistid',
    'track', 'track_id', 'trackid', 'song', 'song_id', 'book', 'book_id', 'isbn', 'asin', 'parent_asin', 'article_id', 'business_id', 'anime_id', 'iid',
  ],
  timestamp: ['timestamp', 'time', 'ts', 'date', 'datetime', 'event_time', 'unixreviewtime', 'unix_review_time', 'created_at', 'utc'],
  event: ['event', 'event_type', 'type', 'action', 'event_name'],
  weight: ['weight', 'rating', 'overall', 'value', 'quantity', 'qty', 'count', 'plays', 'playcount', 'play_count', 'listens', 'clicks', 'score'],
};

const ROLE_NAMES: Record<string, ColumnRole | null> = { user: 'user', item: 'item', timestamp: 'timestamp', time: 'timestamp', event: 'event', weight: 'weight', '-': null, _: null, skip: null, '': null };

function normalise(name: string): string {
  return name.trim().toLowerCase().replace(/[\s.-]+/g, '_');
}

/**
 * Column map from a header line, or null when the line names no user and item column.
 *
 * @example
 * columnsFromHeader(['userID', 'artistID', 'weight']); // { user: 0, item: 1, weight: 2 }
 */
export function columnsFromHeader(fields: string[]): ColumnMap | null {
  const names = fields.map(normalise);
  const find = (k: ColumnRole): number | undefined => {
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

/**
 * `--columns user,item,weight,-,timestamp`: one role per column position; `-`, `_` or `skip` ignores a column.
 *
 * @example
 * parseColumns('user,item,-,weight'); // { user: 0, item: 1, weight: 3 }
 */
export function parseColumns(spec: string): ColumnMap {
  const map: Partial<ColumnMap> = {};
  spec.split(',').forEach((raw, at) => {
    const name = raw.trim().toLowerCase();
    if (!(name in ROLE_NAMES)) throw new InvalidInputError(`--columns: "${raw.trim()}" is not a column role; use user, item, timestamp, event, weight, or - to skip a column`);
    const role = ROLE_NAMES[name];
    if (role === null) return;
    if (map[role] !== undefined) throw new InvalidInputError(`--columns: "${role}" is named twice`);
    map[role] = at;
  });
  if (map.user === undefined || map.item === undefined) throw new InvalidInputError(`--columns "${spec}" must name a user and an item column`);
  return map as ColumnMap;
}

/** Describes a map for messages: "user,item,weight". */
export function describeColumns(c: ColumnMap): string {
  const names: string[] = [];
  for (const [role, at] of Object.entries(c) as [ColumnRole, number | undefined][]) if (at !== undefined) names[at] = role;
  return Array.from(names, (n) => n ?? '-').join(',');
}

/** Unix seconds after 1973 or milliseconds; below that a number is more likely a count or a rating. */
const PLAUSIBLE_UNIX_SECONDS = 1e8;

/**
 * Whether a field guessed (not named) to be a timestamp looks like one: an ISO date, or a unix time in seconds
 * or milliseconds. A small number (a play count, a rating) is not.
 */
export function looksLikeTime(field: string): boolean {
  const t = field.trim();
  if (t === '') return true;
  const n = Number(t);
  if (Number.isFinite(n)) return n >= PLAUSIBLE_UNIX_SECONDS;
  return !Number.isNaN(Date.parse(t));
}
