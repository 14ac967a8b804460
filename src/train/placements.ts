/**
 * The non-personal placement lists the CLI ships in the artefact: `trending` (popularity with recency: each
 * interaction counts its event weight halved every `halfLifeShare` of the log's time span) and, per item, the
 * items most often clicked, carted or bought next to it by the same shopper (`together`: co-occurrence within a
 * window of each shopper's time-ordered events, scored by cosine c(i,j)/√(n_i·n_j) so a best-seller does not top
 * every list). The browser uses them for the trending, frequently-bought-together and cart placements and as
 * every placement's fallback. Pure: typed arrays in, row lists out.
 */
import type { InteractionSet } from '../data/interactions.ts';
import { InvalidInputError } from '../errors.ts';

export interface PlacementOptions {
  /** Items in the trending list (default 100). */
  trendingSize?: number;
  /** Half-life of an interaction's trending weight as a share of the log's time span (default 0.125). */
  halfLifeShare?: number;
  /** Items per "bought together" list (default 12). */
  togetherSize?: number;
  /** Events before and after each event of a shopper that count as "together" (default 5). */
  window?: number;
  /** Co-occurrences (weighted) a pair needs to be listed (default 2): one shopper's pair is no pattern. */
  minSupport?: number;
}

/** Rows index `set.itemIds`. `together[i]` is item i's list, best first (empty when it has none). */
export interface PlacementLists {
  trending: number[];
  together: number[][];
}

/**
 * @example
 * const { trending, together } = buildPlacements(set);
 * set.itemIds[trending[0]]; // the item most bought lately
 */
export function buildPlacements(set: InteractionSet, opts: PlacementOptions = {}): PlacementLists {
  const o = placementOptions(opts);
  const time = orderKeys(set);
  return { trending: trending(set, time, o.trendingSize, o.halfLifeShare), together: together(set, time, o) };
}

/** The options with their defaults, each checked (a positive number). */
export function placementOptions(opts: PlacementOptions = {}): Required<PlacementOptions> {
  const o = { trendingSize: 100, halfLifeShare: 0.125, togetherSize: 12, window: 5, minSupport: 2, ...opts };
  for (const [key, v] of Object.entries(o))
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new InvalidInputError(`placements: ${key} must be a positive number, got ${String(v)}`);
  return o;
}

/** Timestamps, or the position in the log where the source has none. */
function orderKeys(set: InteractionSet): Float64Array {
  const t = new Float64Array(set.items.length);
  for (let k = 0; k < t.length; k++) t[k] = Number.isFinite(set.timestamps[k]) ? set.timestamps[k] : k;
  return t;
}

function trending(set: InteractionSet, time: Float64Array, size: number, halfLifeShare: number): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of time) {
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  const halfLife = trendingHalfLife(lo, hi, halfLifeShare);
  const score = new Float64Array(set.itemIds.length);
  for (let k = 0; k < time.length; k++) score[set.items[k]] += trendingWeight(set.weights[k], time[k], hi, halfLife);
  return topRows(score, size);
}

/** The half-life of a trending weight, from the log's first and last order key. */
export function trendingHalfLife(lo: number, hi: number, halfLifeShare: number): number {
  return Math.max((hi - lo) * halfLifeShare, Number.MIN_VALUE);
}

/** What one interaction adds to its item's trending score: its weight (0 counts as 1), halved every half-life before the log's end. */
export function trendingWeight(weight: number, time: number, hi: number, halfLife: number): number {
  return (weight || 1) * 2 ** ((time - hi) / halfLife);
}

function together(set: InteractionSet, time: Float64Array, o: Required<PlacementOptions>): number[][] {
  const n = set.itemIds.length;
  const byUser = new Map<number, number[]>();
  for (let k = 0; k < set.users.length; k++) {
    const list = byUser.get(set.users[k]);
    if (list) list.push(k);
    else byUser.set(set.users[k], [k]);
  }
  const pairs = Array.from({ length: n }, () => new Map<number, number>());
  const count = new Float64Array(n);
  for (const events of byUser.values()) {
    events.sort((a, b) => time[a] - time[b] || set.items[a] - set.items[b]);
    for (let x = 0; x < events.length; x++) {
      const i = set.items[events[x]];
      count[i] += 1;
      for (let y = x + 1; y < Math.min(events.length, x + 1 + o.window); y++) {
        const j = set.items[events[y]];
        if (i === j) continue;
        pairs[i].set(j, (pairs[i].get(j) ?? 0) + 1);
        pairs[j].set(i, (pairs[j].get(i) ?? 0) + 1);
      }
    }
  }
  return pairs.map((row, i) => rankTogether(row, i, count, o));
}

/**
 * Item i's "together" list from its co-occurrence counts: pairs below `minSupport` dropped, the rest by cosine
 * c(i,j)/√(n_i·n_j), best first (ties: smaller row), `togetherSize` of them. `count` is events per item.
 */
export function rankTogether(row: Iterable<readonly [number, number]>, i: number, count: ArrayLike<number>, o: Required<PlacementOptions>): number[] {
  const scored = [...row].filter(([, c]) => c >= o.minSupport).map(([j, c]) => [j, c / Math.sqrt(count[i] * count[j])] as const);
  return scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, o.togetherSize).map(([j]) => j);
}

export function topRows(score: Float64Array, size: number): number[] {
  const rows = Array.from(score.keys()).filter((i) => score[i] > 0);
  return rows.sort((a, b) => score[b] - score[a] || a - b).slice(0, size);
}

/**
 * The lists re-indexed to a model's item order (the model may order or subset items differently from the log).
 *
 * @example
 * toModelRows(lists, set.itemIds, model.itemIds);
 */
export function toModelRows(lists: PlacementLists, logIds: string[], modelIds: string[]): PlacementLists {
  const row = new Map(modelIds.map((id, i) => [id, i]));
  const map = (rows: number[]): number[] => rows.map((r) => row.get(logIds[r])).filter((r): r is number => r !== undefined);
  const together: number[][] = modelIds.map(() => []);
  lists.together.forEach((rows, i) => {
    const at = row.get(logIds[i]);
    if (at !== undefined) together[at] = map(rows);
  });
  return { trending: map(lists.trending), together };
}
