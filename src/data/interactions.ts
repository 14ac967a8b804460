/**
 * Interaction logs: raw rows with string ids at the edge, dense `Int32Array` indices inside. A builder maps
 * ids to indices in first-seen order, so the same file always gives the same indices.
 */
import type { ItemAttributes } from '../model/global_model.ts';
import { createGrowable, type Growable } from './growable.ts';

/** One row as a reader produces it. */
export interface RawInteraction {
  user: string;
  item: string;
  /** Seconds or milliseconds since epoch, or any increasing order key (e.g. the position in a sequence). */
  timestamp?: number;
  /** Event type (view, select, add_to_cart, purchase...), mapped to a weight by cleaning. */
  event?: string;
  weight?: number;
  /** Attributes of the item (category, brand, genre...) when the log carries them; the first seen wins. */
  itemAttributes?: ItemAttributes;
}

/** A dense interaction log. Arrays are parallel, one entry per interaction. */
export interface InteractionSet {
  users: Int32Array;
  items: Int32Array;
  /** NaN where the source had no time; readers of ordered files use the position. */
  timestamps: Float64Array;
  weights: Float32Array;
  /** Event type per interaction, index into `eventTypes` (-1: none). */
  events: Int16Array;
  eventTypes: string[];
  userIds: string[];
  itemIds: string[];
  itemAttributes?: (ItemAttributes | undefined)[];
}

export interface LogBuilder {
  add(r: RawInteraction): void;
  readonly size: number;
  build(): InteractionSet;
}

/**
 * Rows into typed columns: 8 bytes per event for a `user,item` log; times, weights and event types take room
 * only once a row carries one. Ids are interned once, so memory is (distinct users + items) × id length plus
 * those bytes per event.
 *
 * @example
 * const b = createLogBuilder();
 * b.add({ user: 'u1', item: 'sku-9', timestamp: 1 });
 * b.build().itemIds; // ['sku-9']
 */
export function createLogBuilder(): LogBuilder {
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const eventIndex = new Map<string, number>();
  const users = createGrowable((n) => new Int32Array(n));
  const items = createGrowable((n) => new Int32Array(n));
  let times: Growable<Float64Array> | null = null;
  let weights: Growable<Float32Array> | null = null;
  let events: Growable<Int16Array> | null = null;
  const attrs: (ItemAttributes | undefined)[] = [];
  let anyAttrs = false;
  let size = 0;
  const idOf = (m: Map<string, number>, k: string): number => {
    let v = m.get(k);
    if (v === undefined) m.set(k, (v = m.size));
    return v;
  };
  return {
    add(r) {
      users.at(size)[size] = idOf(userIndex, r.user);
      const i = idOf(itemIndex, r.item);
      items.at(size)[size] = i;
      if (r.itemAttributes && attrs[i] === undefined) {
        attrs[i] = r.itemAttributes;
        anyAttrs = true;
      }
      if (r.timestamp !== undefined && !Number.isNaN(r.timestamp)) (times ??= createGrowable((n) => new Float64Array(n), NaN)).at(size)[size] = r.timestamp;
      if (r.weight !== undefined && r.weight !== 1) (weights ??= createGrowable((n) => new Float32Array(n), 1)).at(size)[size] = r.weight;
      if (r.event !== undefined) (events ??= createGrowable((n) => new Int16Array(n), -1)).at(size)[size] = idOf(eventIndex, r.event);
      size++;
    },
    get size() {
      return size;
    },
    build() {
      const set: InteractionSet = {
        users: users.take(size),
        items: items.take(size),
        timestamps: times ? times.take(size) : new Float64Array(size).fill(NaN),
        weights: weights ? weights.take(size) : new Float32Array(size).fill(1),
        events: events ? events.take(size) : new Int16Array(size).fill(-1),
        eventTypes: [...eventIndex.keys()],
        userIds: [...userIndex.keys()],
        itemIds: [...itemIndex.keys()],
      };
      if (anyAttrs) set.itemAttributes = Array.from({ length: itemIndex.size }, (_, i) => attrs[i]);
      return set;
    },
  };
}

/**
 * The interactions at positions `keep` (in that order), with the same id tables.
 *
 * @example
 * const firstTwo = selectInteractions(log, Int32Array.of(0, 1));
 */
export function selectInteractions(s: InteractionSet, keep: ArrayLike<number>): InteractionSet {
  const pick = <T extends Int32Array | Float64Array | Float32Array | Int16Array>(a: T): T => {
    const out = new (a.constructor as new (n: number) => T)(keep.length);
    for (let k = 0; k < keep.length; k++) out[k] = a[keep[k]];
    return out;
  };
  return {
    ...s,
    users: pick(s.users),
    items: pick(s.items),
    timestamps: pick(s.timestamps),
    weights: pick(s.weights),
    events: pick(s.events),
  };
}

/**
 * Re-indexes users and items to only those present (dense 0..n-1, order of first appearance), carrying
 * item attributes along; returns the maps from old to new index (-1: dropped).
 *
 * @example
 * const { set } = compactIds(selectInteractions(log, kept));
 */
export function compactIds(s: InteractionSet): { set: InteractionSet; userMap: Int32Array; itemMap: Int32Array } {
  const userMap = new Int32Array(s.userIds.length).fill(-1);
  const itemMap = new Int32Array(s.itemIds.length).fill(-1);
  const userIds: string[] = [];
  const itemIds: string[] = [];
  const users = new Int32Array(s.users.length);
  const items = new Int32Array(s.items.length);
  for (let n = 0; n < s.users.length; n++) {
    const u = s.users[n];
    const i = s.items[n];
    if (userMap[u] < 0) userMap[u] = userIds.push(s.userIds[u]) - 1;
    if (itemMap[i] < 0) itemMap[i] = itemIds.push(s.itemIds[i]) - 1;
    users[n] = userMap[u];
    items[n] = itemMap[i];
  }
  const set: InteractionSet = { ...s, users, items, userIds, itemIds };
  if (s.itemAttributes) {
    const attrs: (ItemAttributes | undefined)[] = new Array(itemIds.length);
    itemMap.forEach((to, from) => to >= 0 && (attrs[to] = s.itemAttributes![from]));
    set.itemAttributes = attrs;
  }
  return { set, userMap, itemMap };
}
