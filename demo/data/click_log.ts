/**
 * A generated click log with real latent taste structure, so the pretrained model has something to learn and the
 * demo's "for you" shelf visibly follows a shopper: each user prefers 1-3 categories and a brand or two inside
 * them, item popularity is Zipf-skewed, and sessions run a view → select → add_to_cart → purchase funnel.
 *
 * Sessions also have an order for a sequence model to find: each category's items lie on a hidden path (a
 * seeded permutation, like "camera → lens → bag → tripod"), and inside a session a shopper often goes on from
 * the item just viewed to the next one or two on its path. A matrix-factorisation model sees only the category
 * and brand taste; which item comes next is read from the order of the clicks.
 */
import { createRng, shuffleInPlace, type Rng } from '../../src/model/rng.ts';
import type { Catalogue } from './catalogue.ts';

export interface ClickLogParams {
  seed: number;
  users: number;
  /** Share of interactions inside the user's preferred categories. */
  focus: number;
  /** Zipf exponent of item popularity within a category. */
  zipf: number;
  /** First session start, seconds since epoch. */
  start: number;
  /** Share of a session's later picks that go on along the previous item's path (the sequential signal). */
  sequential: number;
}

export const DEFAULT_CLICK_LOG: ClickLogParams = { seed: 11, users: 3000, focus: 0.9, zipf: 0.9, start: 1_767_225_600, sequential: 0.5 };

export type ClickEventType = 'view' | 'select' | 'add_to_cart' | 'purchase';

export interface Click {
  user: string;
  item: string;
  /** Seconds since epoch. */
  timestamp: number;
  event: ClickEventType;
}

/** Cumulative weights for O(log n) weighted draws. */
interface Pool {
  items: number[];
  cumulative: Float64Array;
}

function makePool(items: number[], weight: (i: number) => number): Pool {
  const cumulative = new Float64Array(items.length);
  let s = 0;
  items.forEach((it, k) => (cumulative[k] = s += weight(it)));
  return { items, cumulative };
}

function draw(pool: Pool, rng: Rng): number {
  const x = rng.next() * pool.cumulative[pool.cumulative.length - 1];
  let lo = 0;
  let hi = pool.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pool.cumulative[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return pool.items[lo];
}

interface Taste {
  categories: string[];
  brands: Set<string>;
}

function drawTaste(rng: Rng, catalogue: Catalogue): Taste {
  const ids = catalogue.categories.map((c) => c.id);
  const n = 1 + rng.int(3);
  const categories: string[] = [];
  while (categories.length < n) {
    const c = ids[rng.int(ids.length)];
    if (!categories.includes(c)) categories.push(c);
  }
  const brands = new Set<string>();
  for (const c of categories) {
    const inCat = [...new Set(catalogue.items.filter((p) => p.category === c).map((p) => p.brand))];
    brands.add(inCat[rng.int(inCat.length)]);
    if (rng.next() < 0.4) brands.add(inCat[rng.int(inCat.length)]);
  }
  return { categories, brands };
}

/** One interaction's funnel: always a view, sometimes a select, rarely a cart and a purchase. */
function funnel(rng: Rng): ClickEventType[] {
  const out: ClickEventType[] = ['view'];
  if (rng.next() < 0.45) out.push('select');
  if (rng.next() < 0.12) {
    out.push('add_to_cart');
    if (rng.next() < 0.4) out.push('purchase');
  }
  return out;
}

/**
 * Generates the log, ordered by user then time.
 *
 * @example
 * const log = generateClickLog(generateCatalogue(), { ...DEFAULT_CLICK_LOG, users: 10 });
 * log[0]; // { user: 'u0001', item: 'sku-01234', timestamp: 1767..., event: 'view' }
 */
export function generateClickLog(catalogue: Catalogue, params: ClickLogParams = DEFAULT_CLICK_LOG): Click[] {
  const rng = createRng(params.seed);
  // Popularity: a random rank per item inside its category, weight rank^-zipf.
  const weight = catalogue.items.map(() => 0);
  const byCategory = new Map<string, number[]>();
  catalogue.items.forEach((p, i) => byCategory.set(p.category, [...(byCategory.get(p.category) ?? []), i]));
  for (const idx of byCategory.values()) {
    const ranks = shuffleInPlace(idx.map((_, r) => r + 1), rng);
    idx.forEach((i, k) => (weight[i] = Math.pow(ranks[k], -params.zipf)));
  }
  const catPools = new Map([...byCategory].map(([c, idx]) => [c, makePool(idx, (i) => weight[i])]));
  const allPool = makePool(catalogue.items.map((_, i) => i), (i) => weight[i]);
  const paths = itemPaths(byCategory, catalogue.items.length, rng);
  const out: Click[] = [];
  for (let u = 1; u <= params.users; u++) {
    out.push(...userClicks(rng, catalogue, params, `u${String(u).padStart(4, '0')}`, { catPools, allPool, paths }));
  }
  return out;
}

/** Each category's items in a seeded order; `next[i]` is the item after `i` on its category's path (a cycle). */
function itemPaths(byCategory: Map<string, number[]>, numItems: number, rng: Rng): Int32Array {
  const next = new Int32Array(numItems);
  for (const idx of byCategory.values()) {
    const path = shuffleInPlace(idx.slice(), rng);
    path.forEach((i, k) => (next[i] = path[(k + 1) % path.length]));
  }
  return next;
}

/**
 * The next item after `item` on its path: one step on most of the time, sometimes two (a skipped accessory).
 *
 * @example
 * followPath(paths, 12, rng); // the item 1 or 2 steps after item 12 on its category's path
 */
export function followPath(paths: Int32Array, item: number, rng: Rng): number {
  const one = paths[item];
  return rng.next() < 0.75 ? one : paths[one];
}

interface Pools {
  catPools: Map<string, Pool>;
  allPool: Pool;
  paths: Int32Array;
}

function userClicks(rng: Rng, catalogue: Catalogue, params: ClickLogParams, user: string, pools: Pools): Click[] {
  const taste = drawTaste(rng, catalogue);
  const out: Click[] = [];
  const sessions = 1 + rng.int(5);
  for (let s = 0; s < sessions; s++) {
    let t = params.start + rng.int(60 * 86_400);
    const length = 3 + rng.int(10);
    let item = -1;
    for (let k = 0; k < length; k++) {
      item = item >= 0 && rng.next() < params.sequential ? followPath(pools.paths, item, rng) : pickItem(rng, catalogue, taste, params, pools);
      for (const event of funnel(rng)) {
        out.push({ user, item: catalogue.items[item].id, timestamp: t, event });
        t += 5 + rng.int(60);
      }
    }
  }
  return out.sort((a, b) => a.timestamp - b.timestamp);
}

function pickItem(rng: Rng, catalogue: Catalogue, taste: Taste, params: ClickLogParams, pools: Pools): number {
  if (rng.next() >= params.focus) return draw(pools.allPool, rng);
  const cat = taste.categories[rng.int(taste.categories.length)];
  const pool = pools.catPools.get(cat)!;
  // Brand loyalty: half the time, redraw (a few tries) until the item is of a preferred brand.
  const loyal = rng.next() < 0.5;
  let item = draw(pool, rng);
  for (let tries = 0; loyal && tries < 8 && !taste.brands.has(catalogue.items[item].brand); tries++) item = draw(pool, rng);
  return item;
}

/** The log as CSV with a header (`user,item,timestamp,event`), the generic format the CLI reads. */
export function clickLogCsv(log: Click[]): string {
  const lines = ['user,item,timestamp,event'];
  for (const c of log) lines.push(`${c.user},${c.item},${c.timestamp},${c.event}`);
  return lines.join('\n') + '\n';
}
