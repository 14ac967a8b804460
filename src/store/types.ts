/**
 * What the engine needs from storage. Two implementations: IndexedDB (`idb_store.ts`, one typed schema with
 * migrations, namespaced per shop) and memory (`memory_store.ts`, tests, Node, and the fallback when IndexedDB
 * is unavailable).
 */
import type { EventType, StoredEvent } from '../engine/api.ts';

export interface UserStateRecord {
  modelVersion: string;
  /** Sequence number of the last event folded into this state. */
  lastSeq: number;
  updatedAt: number;
  /** Float32 arrays serialised as plain typed arrays (structured clone). */
  userVector: Float32Array;
  /** Optional per-user deltas (top layer, touched item rows), keyed by name. */
  extra?: Record<string, Float32Array | number[] | number | string>;
}

export interface CachedModelRecord {
  modelVersion: string;
  url: string;
  savedAt: number;
  /** The artefact's bytes: the model.json text and the concatenated weight shards. */
  manifest: string;
  weights: ArrayBuffer;
}

/** A device measurement (e.g. the `backend: 'auto'` timings): structured-cloneable, no personal data. */
export type DeviceRecord = Record<string, unknown>;

export interface NewEvent {
  itemId: string;
  type: EventType;
  timestamp: number;
  /** Dedupe key: an event whose id is already stored is skipped (not returned by appendEvents). */
  eventId?: string;
  /** 0-1, multiplies the type's weight; absent means 1 (see TrackEvent.weight). */
  weight?: number;
}

export interface Store {
  readonly kind: 'indexeddb' | 'memory';
  /** Set on the memory fallback: the exact error that made IndexedDB unusable. */
  readonly fallbackReason?: string;
  /** Appends durably (resolves after commit) and returns the stored events with their sequence numbers. */
  appendEvents(events: NewEvent[]): Promise<StoredEvent[]>;
  /** Events with seq > afterSeq, in order. */
  readEvents(afterSeq?: number): Promise<StoredEvent[]>;
  countEvents(): Promise<number>;
  /** Drops the oldest events so at most `keep` remain. */
  compactEvents(keep: number): Promise<number>;
  loadUserState(): Promise<UserStateRecord | undefined>;
  /** Atomic replace. */
  saveUserState(state: UserStateRecord): Promise<void>;
  loadModel(modelVersion?: string): Promise<CachedModelRecord | undefined>;
  saveModel(record: CachedModelRecord): Promise<void>;
  /** A device measurement by key (optional: stores without it measure on every load). */
  loadDevice?(key: string): Promise<DeviceRecord | undefined>;
  saveDevice?(key: string, record: DeviceRecord): Promise<void>;
  /** Deletes everything of this namespace (and the database when it is the last). */
  clear(): Promise<void>;
  close(): Promise<void>;
}
