/**
 * Cleaning of an interaction log before training: event-type weights, de-duplication of (user, item) pairs,
 * and minimum-count / k-core filtering. Each returns a new set; the input is never modified.
 */
import { InvalidInputError } from '../errors.ts';
import type { InteractionSet } from './interactions.ts';
import { compactIds, selectInteractions } from './interactions.ts';

/** view < select < add_to_cart < purchase, as in DESIGN.md. */
export const DEFAULT_EVENT_WEIGHTS: Readonly<Record<string, number>> = { view: 0.5, select: 1, add_to_cart: 2, purchase: 3 };

/**
 * Multiplies each interaction's weight by its event type's weight; a weight of 0 drops the event type.
 * Rows without an event type keep their weight.
 *
 * @example
 * applyEventWeights(set, { view: 0, purchase: 4 }); // drops views, purchases weigh 4
 */
export function applyEventWeights(s: InteractionSet, table: Readonly<Record<string, number>> = DEFAULT_EVENT_WEIGHTS): InteractionSet {
  const factor = s.eventTypes.map((t) => {
    const w = table[t];
    if (w === undefined) throw new InvalidInputError(`applyEventWeights: no weight for event type "${t}"; known: ${Object.keys(table).join(', ')}`);
    if (!(w >= 0 && Number.isFinite(w))) throw new InvalidInputError(`applyEventWeights: weight of "${t}" must be finite and >= 0, got ${w}`);
    return w;
  });
  const keep: number[] = [];
  for (let n = 0; n < s.users.length; n++) if (s.events[n] < 0 || factor[s.events[n]] > 0) keep.push(n);
  const out = selectInteractions(s, keep);
  for (let n = 0; n < out.users.length; n++) if (out.events[n] >= 0) out.weights[n] *= factor[out.events[n]];
  return out;
}

/**
 * One row per (user, item): the latest timestamp (ties and missing times: the last in the file), with the
 * largest weight of the duplicates (a purchase outweighs the views before it).
 *
 * @example
 * dedupe(set).users.length; // number of distinct (user, item) pairs
 */
export function dedupe(s: InteractionSet): InteractionSet {
  const best = new Map<number, number>();
  const maxW = new Map<number, number>();
  const nItems = s.itemIds.length;
  for (let n = 0; n < s.users.length; n++) {
    const key = s.users[n] * nItems + s.items[n];
    const prev = best.get(key);
    if (prev === undefined || !(s.timestamps[n] < s.timestamps[prev])) best.set(key, n);
    maxW.set(key, Math.max(maxW.get(key) ?? -Infinity, s.weights[n]));
  }
  const keep = Int32Array.from(best.values()).sort();
  const out = selectInteractions(s, keep);
  for (let n = 0; n < out.users.length; n++) out.weights[n] = maxW.get(out.users[n] * nItems + out.items[n])!;
  return out;
}

/**
 * One row per (user, item) whose weight is the sum of its repeats (plays, purchases of the same item), at the
 * latest time (ties and missing times: the last in the file).
 *
 * @example
 * sumRepeats(set).weights; // e.g. 3 for a pair seen three times with weight 1
 */
export function sumRepeats(s: InteractionSet): InteractionSet {
  const last = new Map<number, number>();
  const sum = new Map<number, number>();
  const nItems = s.itemIds.length;
  for (let n = 0; n < s.users.length; n++) {
    const key = s.users[n] * nItems + s.items[n];
    const prev = last.get(key);
    if (prev === undefined || !(s.timestamps[n] < s.timestamps[prev])) last.set(key, n);
    sum.set(key, (sum.get(key) ?? 0) + s.weights[n]);
  }
  const out = selectInteractions(s, Int32Array.from(last.values()).sort());
  for (let n = 0; n < out.users.length; n++) out.weights[n] = sum.get(out.users[n] * nItems + out.items[n])!;
  return out;
}

/** How many rows repeat an earlier (user, item) pair. */
export function countRepeats(s: InteractionSet): number {
  const pairs = new Set<number>();
  const nItems = s.itemIds.length;
  for (let n = 0; n < s.users.length; n++) pairs.add(s.users[n] * nItems + s.items[n]);
  return s.users.length - pairs.size;
}

/**
 * Keeps users with at least `minUser` interactions and items with at least `minItem`; with `kCore` the filter
 * repeats until both hold at once (the k-core). Ids are re-indexed to the survivors.
 *
 * @example
 * filterMinCounts(set, { minUser: 5, minItem: 5, kCore: true }); // 5-core
 */
export function filterMinCounts(s: InteractionSet, { minUser = 1, minItem = 1, kCore = false } = {}): InteractionSet {
  let alive = new Uint8Array(s.users.length).fill(1);
  for (let round = 0; round < 100; round++) {
    const uc = new Int32Array(s.userIds.length);
    const ic = new Int32Array(s.itemIds.length);
    for (let n = 0; n < s.users.length; n++) {
      if (!alive[n]) continue;
      uc[s.users[n]]++;
      ic[s.items[n]]++;
    }
    const next = alive.map((a, n) => (a && uc[s.users[n]] >= minUser && ic[s.items[n]] >= minItem ? 1 : 0));
    const changed = next.some((a, n) => a !== alive[n]);
    alive = next;
    if (!kCore || !changed) break;
  }
  const keep: number[] = [];
  alive.forEach((a, n) => a && keep.push(n));
  return compactIds(selectInteractions(s, keep)).set;
}
