/**
 * The in-memory `Store`: tests, Node (the adaptation bench) and the fallback when IndexedDB is unavailable
 * (incognito modes, blocked storage). Same semantics as the IndexedDB store, including copies on the way in
 * and out, so a caller that mutates a returned record cannot corrupt what is "stored".
 */
import type { StoredEvent } from '../engine/api.ts';
import type { CachedModelRecord, DeviceRecord, NewEvent, Store, UserStateRecord } from './types.ts';
import { ClosedError } from '../errors.ts';

/**
 * Creates an empty memory store. `namespace` only labels it; each call returns an independent store.
 *
 * @example
 * const store = createMemoryStore('shop-a');
 * await store.appendEvents([{ itemId: 'sku-1', type: 'select', timestamp: Date.now() }]); // [{ seq: 1, ... }]
 */
export function createMemoryStore(namespace = 'default'): Store & { readonly namespace: string } {
  let events: StoredEvent[] = [];
  // The ids of the events held, like the IndexedDB store's unique `by-event-id` index (compaction forgets them too).
  let eventIds = new Set<string>();
  let nextSeq = 1;
  let state: UserStateRecord | undefined;
  let models = new Map<string, CachedModelRecord>();
  let device = new Map<string, DeviceRecord>();
  let closed = false;
  const open = (): void => {
    if (closed) throw new ClosedError(`memory store "${namespace}" is closed; open a new one`);
  };
  return {
    kind: 'memory',
    namespace,
    async appendEvents(batch: NewEvent[]) {
      open();
      const stored: StoredEvent[] = [];
      for (const e of batch) {
        // A retried forward from another tab carries the same id: skipped, so it is stored (and learned) once.
        if (e.eventId !== undefined && eventIds.has(e.eventId)) continue;
        if (e.eventId !== undefined) eventIds.add(e.eventId);
        stored.push({ seq: nextSeq++, itemId: e.itemId, type: e.type, timestamp: e.timestamp, ...(e.eventId !== undefined && { eventId: e.eventId }), ...(e.weight !== undefined && { weight: e.weight }) });
      }
      events = events.concat(stored);
      return stored.map((e) => ({ ...e }));
    },
    async readEvents(afterSeq = 0) {
      open();
      return events.filter((e) => e.seq > afterSeq).map((e) => ({ ...e }));
    },
    async countEvents() {
      open();
      return events.length;
    },
    async compactEvents(keep: number) {
      open();
      const drop = Math.max(0, events.length - Math.max(0, Math.floor(keep)));
      for (const e of events.slice(0, drop)) if (e.eventId !== undefined) eventIds.delete(e.eventId);
      events = events.slice(drop);
      return drop;
    },
    async loadUserState() {
      open();
      return state && cloneState(state);
    },
    async saveUserState(s: UserStateRecord) {
      open();
      state = cloneState(s);
    },
    async loadModel(modelVersion?: string) {
      open();
      if (modelVersion !== undefined) return copyModel(models.get(modelVersion));
      let latest: CachedModelRecord | undefined;
      for (const m of models.values()) if (!latest || m.savedAt >= latest.savedAt) latest = m;
      return copyModel(latest);
    },
    async saveModel(record: CachedModelRecord) {
      open();
      models.set(record.modelVersion, { ...record, weights: record.weights.slice(0) });
    },
    async loadDevice(key: string) {
      open();
      const r = device.get(key);
      return r && structuredClone(r);
    },
    async saveDevice(key: string, record: DeviceRecord) {
      open();
      device.set(key, structuredClone(record));
    },
    async clear() {
      open();
      device = new Map();
      events = [];
      eventIds = new Set();
      state = undefined;
      models = new Map();
      // sequence numbers keep growing so an event id is never reused, as with an IndexedDB autoIncrement key
    },
    async close() {
      closed = true;
    },
  };
}

function cloneState(s: UserStateRecord): UserStateRecord {
  const extra = s.extra
    ? Object.fromEntries(
        Object.entries(s.extra).map(([k, v]) => [k, v instanceof Float32Array ? v.slice() : Array.isArray(v) ? v.slice() : v]),
      )
    : undefined;
  return { ...s, userVector: s.userVector.slice(), ...(extra ? { extra } : {}) };
}

function copyModel(m: CachedModelRecord | undefined): CachedModelRecord | undefined {
  return m && { ...m, weights: m.weights.slice(0) };
}
