/**
 * The last shelf of each placement, kept on the device (localStorage: a few ids and their display data) so the
 * next page paints it from the main thread before the worker is up. Written only while the shopper consents to
 * learning, erased by `tastebud('forget')`; a full or blocked storage is ignored.
 */
import { storage } from '../client/consent_memory.ts';
import type { ItemInfo } from './registry.ts';

export interface CachedShelf {
  items: ItemInfo[];
  /** Height in px the shelf took, reserved before anything paints. */
  height: number;
  at: number;
}

const PREFIX = 'tastebud:';
const FIELDS = ['id', 'title', 'url', 'image', 'price', 'category', 'brand'] as const;

export function shelfKey(namespace: string, placement: string, item: string): string {
  return `${PREFIX}${namespace}:shelf:${placement}:${item}`;
}

/**
 * @example
 * readShelf('tastebud:shop:shelf:for-you:')?.items[0].title;
 */
export function readShelf(key: string): CachedShelf | undefined {
  try {
    const v = JSON.parse(storage()?.getItem(key) ?? 'null') as CachedShelf | null;
    return v && Array.isArray(v.items) && v.items.every((x) => x && typeof x.id === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

export function writeShelf(key: string, items: ItemInfo[], height: number): void {
  const slim = items.map((it) => Object.fromEntries(FIELDS.filter((f) => it[f] != null).map((f) => [f, it[f]])) as ItemInfo);
  try {
    storage()?.setItem(key, JSON.stringify({ items: slim, height: Math.round(height), at: Date.now() }));
  } catch {
    // quota or blocked: the next page paints cold, no harm
  }
}

/** Erases every stored shelf (and the A/B draw) of a namespace. */
export function clearShelves(namespace: string): void {
  const s = storage();
  if (!s) return;
  try {
    const mine = Array.from({ length: s.length }, (_, n) => s.key(n)).filter((k): k is string => !!k && k.startsWith(`${PREFIX}${namespace}:`));
    for (const k of mine) s.removeItem(k);
  } catch {
    // blocked storage holds nothing of ours
  }
}

/** A small value of this namespace kept on the device (the A/B draw); `create` makes it the first time. */
export function deviceValue(namespace: string, name: string, create: () => string, keep: boolean): string {
  const key = `${PREFIX}${namespace}:${name}`;
  try {
    const s = storage();
    const v = s?.getItem(key);
    if (v) return v;
    const made = create();
    if (keep) s?.setItem(key, made);
    return made;
  } catch {
    return create();
  }
}
