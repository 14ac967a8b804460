/**
 * The one IndexedDB schema of tastebud and every migration to it. A database per shop namespace
 * (`tastebud/<namespace>`), so `forget()` is one `deleteDB` and two shops on one origin never mix.
 *
 * History (never edit a past version, add one):
 * - v1: `events` (keyPath `seq`, autoIncrement) and `state` (out-of-line key `'user'`, `userVector: number[]`).
 * - v2: `events` gains the unique `by-event-id` index (multi-tab dedupe); `state` becomes `userState` with a
 *   `Float32Array` vector (structured clone keeps typed arrays, 4x smaller than a number list); `models` caches
 *   artefacts by version.
 * - v3: `device` keeps what was measured on this device (out-of-line keys; `'auto-backend'`: the `backend: 'auto'`
 *   measurement, so the next load skips it).
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { StoredEvent } from '../engine/api.ts';
import type { CachedModelRecord, DeviceRecord, UserStateRecord } from './types.ts';

export const DB_VERSION = 3;
export const DB_PREFIX = 'tastebud/';
/** The one key of the `userState` store: one shopper per browser profile and namespace. */
export const USER_STATE_KEY = 'current';

export interface TastebudDB extends DBSchema {
  events: { key: number; value: StoredEvent; indexes: { 'by-event-id': string } };
  userState: { key: string; value: UserStateRecord };
  models: { key: string; value: CachedModelRecord; indexes: { 'by-saved-at': number } };
  device: { key: string; value: DeviceRecord };
}

/** What a v1 database held in `state`; kept to migrate it. */
export interface V1UserState {
  modelVersion: string;
  lastSeq: number;
  updatedAt: number;
  userVector: number[];
}

/**
 * The database name of a namespace.
 * @example dbName('acme-shoes') // 'tastebud/acme-shoes'
 */
export function dbName(namespace: string): string {
  return DB_PREFIX + namespace;
}

type UpgradeTx = IDBPTransaction<TastebudDB, StoreNames<TastebudDB>[], 'versionchange'>;

/**
 * The `upgrade` callback of `openDB`: runs every migration from `oldVersion` up, inside the version-change
 * transaction, so a failure leaves the old database untouched.
 * @example openDB<TastebudDB>(dbName(ns), DB_VERSION, { upgrade: upgradeSchema })
 */
export async function upgradeSchema(db: IDBPDatabase<TastebudDB>, oldVersion: number, _newVersion: number | null, tx: UpgradeTx): Promise<void> {
  // A failed migration aborts this transaction and the open request reports it; `done` need not report it again.
  tx.done.catch(() => undefined);
  try {
    if (oldVersion < 1) createV1(db);
    if (oldVersion < 2) await migrateV1toV2(db, tx);
    if (oldVersion < 3) db.createObjectStore('device');
  } catch (e) {
    // idb does not watch this promise: abort explicitly so a half-done migration never commits (the open then
    // fails and openStore falls back to memory).
    console.warn(`tastebud: migrating ${db.name} from v${oldVersion} failed; nothing was changed.`, e);
    try {
      tx.abort();
    } catch {
      // already aborted (e.g. by a failed index build)
    }
  }
}

function createV1(db: IDBPDatabase<TastebudDB>): void {
  db.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
  // v1's store no longer exists in the typed schema, hence the untyped handle.
  (db as unknown as IDBPDatabase).createObjectStore('state');
}

async function migrateV1toV2(db: IDBPDatabase<TastebudDB>, tx: UpgradeTx): Promise<void> {
  // Events recorded before ids existed have none and are simply not indexed (unique indexes skip missing keys).
  tx.objectStore('events').createIndex('by-event-id', 'eventId', { unique: true });
  db.createObjectStore('models', { keyPath: 'modelVersion' }).createIndex('by-saved-at', 'savedAt');
  const userState = db.createObjectStore('userState');
  const untyped = db as unknown as IDBPDatabase;
  if (!untyped.objectStoreNames.contains('state')) return;
  const untypedTx = tx as unknown as IDBPTransaction<unknown, string[], 'versionchange'>;
  const old = (await untypedTx.objectStore('state').get('user')) as V1UserState | undefined;
  if (old) {
    const { userVector, ...rest } = old;
    await userState.put({ ...rest, userVector: Float32Array.from(userVector) }, USER_STATE_KEY);
  }
  untyped.deleteObjectStore('state');
}
