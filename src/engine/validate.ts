/**
 * Input validation at the engine's edge: every event of a batch and every option is checked before anything
 * is stored or computed, so bad input fails loudly with an `InvalidInputError` and changes nothing.
 */
import type { EventType, RecommendOptions, TrackEvent } from './api.ts';
import type { NewEvent } from '../store/types.ts';
import { InvalidInputError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { normalizeRules, type NormalizedRules } from './validate_rules.ts';

export const EVENT_TYPES: readonly EventType[] = ['view', 'select', 'add_to_cart', 'purchase'];
/** Shared with the artefact decoder and the CLI (src/limits.ts). */
export const MAX_ID_LENGTH = LIMITS.maxIdLength;
export const MAX_K = 1000;
export const MAX_BATCH = 10_000;
/** A timestamp further ahead of the device clock than this is clamped to now: one far-future event must not
 * make every later one look older (that switched the burst filter off). A day covers any clock skew. */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

/**
 * Checks an item id: a non-empty string of at most LIMITS.maxIdLength (256) characters.
 *
 * @example
 * assertItemId('sku-1', 'itemId'); // ok; assertItemId('', 'itemId') throws InvalidInputError
 */
export function assertItemId(id: unknown, where: string): asserts id is string {
  if (typeof id !== 'string') throw new InvalidInputError(`${where} must be a string item id, got ${describe(id)}`);
  if (id.length === 0) throw new InvalidInputError(`${where} must not be empty`);
  if (id.length > MAX_ID_LENGTH)
    throw new InvalidInputError(`${where} is ${id.length} characters long; item ids are at most ${MAX_ID_LENGTH}`);
}

/**
 * Validates a `track` argument (one event or an array) and fills defaults; throws on the first bad event so
 * that nothing of the batch gets stored.
 *
 * @example
 * normalizeEvents({ itemId: 'sku-1' }, () => 5); // [{ itemId: 'sku-1', type: 'select', timestamp: 5 }]
 */
export function normalizeEvents(input: unknown, now: () => number): NewEvent[] {
  const list = Array.isArray(input) ? input : [input];
  if (list.length > MAX_BATCH) throw new InvalidInputError(`track got ${list.length} events; send at most ${MAX_BATCH} per call`);
  return list.map((e, n) => normalizeEvent(e, Array.isArray(input) ? `events[${n}]` : 'event', now));
}

function normalizeEvent(e: unknown, where: string, now: () => number): NewEvent {
  if (!e || typeof e !== 'object' || Array.isArray(e))
    throw new InvalidInputError(`${where} must be an object like { itemId: 'sku-1', type: 'select' }, got ${describe(e)}`);
  const { itemId, type = 'select', timestamp, weight } = e as TrackEvent;
  const known = new Set(['itemId', 'type', 'timestamp', 'weight']);
  for (const key of Object.keys(e)) if (!known.has(key)) throw new InvalidInputError(`${where} has an unknown field "${key}"`);
  assertItemId(itemId, `${where}.itemId`);
  if (!EVENT_TYPES.includes(type as EventType))
    throw new InvalidInputError(`${where}.type must be one of ${EVENT_TYPES.join(', ')}, got ${describe(type)}`);
  const ts = timestamp === undefined ? now() : timestamp;
  if (typeof ts !== 'number' || !Number.isFinite(ts) || ts < 0)
    throw new InvalidInputError(`${where}.timestamp must be a finite number of ms >= 0, got ${describe(ts)}`);
  if (weight !== undefined && (typeof weight !== 'number' || !(weight >= 0 && weight <= 1)))
    throw new InvalidInputError(`${where}.weight must be a number from 0 to 1 (0: stored, not learned), got ${describe(weight)}`);
  const t = now();
  return { itemId, type, timestamp: ts > t + MAX_FUTURE_MS ? t : ts, ...(weight !== undefined && weight !== 1 && { weight }) };
}

export interface NormalizedRecommendOptions extends Partial<NormalizedRules> {
  k: number;
  excludeSeen: boolean;
  exclude: string[];
  candidates: string[] | null;
  filter: Record<string, string | number> | null;
}

/**
 * Validates `recommend` options; conflicting ones (a candidate that is also excluded) are rejected, not guessed.
 *
 * @example
 * normalizeRecommendOptions({ k: 5 }).excludeSeen; // true
 */
export function normalizeRecommendOptions(o: unknown = {}): NormalizedRecommendOptions {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new InvalidInputError(`recommend options must be an object, got ${describe(o)}`);
  const { k = 10, excludeSeen = true, exclude = [], candidates, filter } = o as RecommendOptions;
  const known = new Set(['k', 'excludeSeen', 'exclude', 'candidates', 'filter', 'placement', 'item', 'cart', 'personal', 'boost', 'bury', 'pin', 'diversity', 'price', 'unavailable']);
  for (const key of Object.keys(o)) if (!known.has(key)) throw new InvalidInputError(`recommend has no option "${key}"`);
  assertK(k, 'recommend');
  if (typeof excludeSeen !== 'boolean') throw new InvalidInputError(`excludeSeen must be a boolean, got ${describe(excludeSeen)}`);
  assertIdList(exclude, 'exclude');
  if (candidates !== undefined) assertIdList(candidates, 'candidates');
  if (candidates && candidates.length === 0) throw new InvalidInputError('candidates is empty: pass at least one item id or leave it out');
  if (candidates) {
    const ex = new Set(exclude);
    const both = candidates.find((c) => ex.has(c));
    if (both !== undefined) throw new InvalidInputError(`item "${both}" is both in candidates and in exclude; pick one`);
  }
  if (filter !== undefined) assertFilter(filter);
  const rules = normalizeRules(o as RecommendOptions, k, assertItemId);
  return { k, excludeSeen, exclude, candidates: candidates ?? null, filter: filter ?? null, ...rules };
}

/** `k` must be an integer in 1..1000. */
export function assertK(k: unknown, where: string): asserts k is number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > MAX_K)
    throw new InvalidInputError(`${where}: k must be an integer from 1 to ${MAX_K}, got ${describe(k)}`);
}

function assertIdList(xs: unknown, where: string): asserts xs is string[] {
  if (!Array.isArray(xs)) throw new InvalidInputError(`${where} must be an array of item ids, got ${describe(xs)}`);
  xs.forEach((x, n) => assertItemId(x, `${where}[${n}]`));
}

function assertFilter(f: unknown): asserts f is Record<string, string | number> {
  if (!f || typeof f !== 'object' || Array.isArray(f)) throw new InvalidInputError(`filter must be an object like { category: 'shoes' }, got ${describe(f)}`);
  for (const [key, v] of Object.entries(f)) {
    if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))))
      throw new InvalidInputError(`filter.${key} must be a string or a finite number, got ${describe(v)}`);
  }
}

function describe(v: unknown): string {
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}
