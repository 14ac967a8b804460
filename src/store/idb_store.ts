/**
 * The IndexedDB store: an append-only event log, one user-state checkpoint, and a model cache by version, in
 * the database `tastebud/<namespace>` (schema and migrations in `schema.ts`).
 */
import { deleteDB, openDB, type IDBPDatabase } from 'idb';
import type { StoredEvent } from '../engine/api.ts';
import { StorageError } from '../errors.ts';
import { DB_VERSION, USER_STATE_KEY, dbName, upgradeSchema, type TastebudDB } from './schema.ts';
import type { CachedModelRecord, DeviceRecord, NewEvent, Store, UserStateRecord } from './types.ts';

/** Model versions kept in the cache: the current one and the previous (a rollback or a slow tab). */
const MODELS_KEPT = 2;

/**
 * Opens (creating or migrating) the database of a namespace; rejects when IndexedDB is unusable.
 * Prefer `openStore`, which falls back to memory.
 * @example const store = await openIdbStore('acme-shoes'); await store.appendEvents([{ itemId: 'sku-1', type: 'select', timestamp: Date.now() }]);
 */
export async function openIdbStore(namespace: string, blockedTimeoutMs?: number): Promise<IdbStore> {
  const store = new IdbStore(namespace, blockedTimeoutMs);
  await store.connect();
  return store;
}

export class IdbStore implements Store {
  readonly kind = 'indexeddb' as const;
  readonly name: string;
  #db: IDBPDatabase<TastebudDB> | null = null;
  #opening: Promise<IDBPDatabase<TastebudDB>> | null = null;
  #closed = false;

  constructor(
    readonly namespace: string,
    /** How long an upgrade blocked by another tab may wait before the open fails. */
    private readonly blockedTimeoutMs = 5000,
  ) {
    this.name = dbName(namespace);
  }

  /** Opens the connection now (so `openStore` can detect an unusable IndexedDB up front). */
  async connect(): Promise<void> {
    await this.#connection(true);
  }

  async appendEvents(events: NewEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    return this.#write(async (db) => {
      // 'strict': the commit is flushed to disk before `track` resolves (Chromium's default is 'relaxed').
      const tx = quiet(db.transaction('events', 'readwrite', { durability: 'strict' }));
      const out: StoredEvent[] = [];
      try {
        for (const e of events) {
          if (e.eventId !== undefined && (await tx.store.index('by-event-id').getKey(e.eventId)) !== undefined) continue;
          const record = { itemId: e.itemId, type: e.type, timestamp: e.timestamp, ...(e.eventId !== undefined && { eventId: e.eventId }), ...(e.weight !== undefined && { weight: e.weight }) };
          // seq is assigned by the autoIncrement key generator; `add` of a record without it fills it in.
          const seq = await tx.store.add(record as StoredEvent);
          out.push({ ...record, seq });
        }
      } catch (e) {
        abort(tx); // a synchronous DataError does not abort by itself: the batch must be all-or-nothing
        throw e;
      }
      await tx.done;
      return out;
    });
  }

  readEvents(afterSeq = 0): Promise<StoredEvent[]> {
    return this.#read([], (db) => db.getAll('events', IDBKeyRange.lowerBound(afterSeq, true)));
  }

  countEvents(): Promise<number> {
    return this.#read(0, (db) => db.count('events'));
  }

  async compactEvents(keep: number): Promise<number> {
    if (!Number.isInteger(keep) || keep < 0) throw new StorageError(`compactEvents(keep) needs a non-negative integer, got ${keep}`);
    if (!(await this.#exists())) return 0;
    return this.#write(async (db) => {
      const tx = quiet(db.transaction('events', 'readwrite'));
      const drop = (await tx.store.count()) - keep;
      if (drop <= 0) return 0;
      let cursor = await tx.store.openKeyCursor();
      if (cursor && drop > 1) cursor = await cursor.advance(drop - 1);
      // The drop-th oldest key: everything up to it goes in one ranged delete.
      if (cursor) await tx.store.delete(IDBKeyRange.upperBound(cursor.key));
      await tx.done;
      return drop;
    });
  }

  loadUserState(): Promise<UserStateRecord | undefined> {
    return this.#read(undefined, (db) => db.get('userState', USER_STATE_KEY));
  }

  async saveUserState(state: UserStateRecord): Promise<void> {
    // One put is one transaction: a reader sees the old checkpoint or the new one, never a mix.
    await this.#write((db) => db.put('userState', state, USER_STATE_KEY));
  }

  loadModel(modelVersion?: string): Promise<CachedModelRecord | undefined> {
    return this.#read(undefined, async (db) => {
      if (modelVersion !== undefined) return db.get('models', modelVersion);
      const cursor = await quiet(db.transaction('models')).store.index('by-saved-at').openCursor(null, 'prev');
      return cursor?.value;
    });
  }

  async saveModel(record: CachedModelRecord): Promise<void> {
    await this.#write(async (db) => {
      const tx = quiet(db.transaction('models', 'readwrite'));
      await tx.store.put(record);
      // Bounded growth: keep the newest MODELS_KEPT versions.
      let cursor = await tx.store.index('by-saved-at').openCursor(null, 'prev');
      for (let seen = 0; cursor; cursor = await cursor.continue()) {
        if (++seen > MODELS_KEPT) await cursor.delete();
      }
      await tx.done;
    });
  }

  loadDevice(key: string): Promise<DeviceRecord | undefined> {
    return this.#read(undefined, (db) => db.get('device', key));
  }

  async saveDevice(key: string, record: DeviceRecord): Promise<void> {
    await this.#write((db) => db.put('device', record, key));
  }

  async clear(): Promise<void> {
    this.#drop();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        // Our own connections close on 'versionchange' (see #open); only a tab running older code can block this.
        const blocked = (): void => {
          timer ??= setTimeout(() => reject(new StorageError(`Deleting "${this.name}" is blocked by another tab that keeps it open; it completes once that tab closes.`)), this.blockedTimeoutMs);
        };
        deleteDB(this.name, { blocked }).then(resolve, reject);
      });
    } catch (e) {
      if (e instanceof StorageError) throw e;
      throw new StorageError(`Could not delete the IndexedDB database "${this.name}": ${String(e)}`, { cause: e });
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#drop();
  }

  #drop(): void {
    this.#db?.close();
    this.#db = null;
    this.#opening = null;
  }

  /** A read; `empty` when the database does not exist (deleted by forget in any tab): reads never create it. */
  async #read<T>(empty: T, op: (db: IDBPDatabase<TastebudDB>) => Promise<T>): Promise<T> {
    return this.#retry('read', async () => {
      const db = await this.#connection(false);
      return db ? op(db) : empty;
    });
  }

  async #write<T>(op: (db: IDBPDatabase<TastebudDB>) => Promise<T>): Promise<T> {
    return this.#retry('write', async () => op((await this.#connection(true))!));
  }

  /** Runs `op`, once more on a fresh connection if another tab's forget closed ours mid-way; errors become StorageError. */
  async #retry<T>(what: 'read' | 'write', op: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await op();
      } catch (e) {
        if (e instanceof StorageError) throw e;
        if (attempt === 0 && (e as Error)?.name === 'InvalidStateError' && !this.#closed) {
          this.#drop();
          continue;
        }
        throw new StorageError(`IndexedDB ${what} failed in "${this.name}" (${errorText(e)})${what === 'write' ? '; nothing was changed' : ''}.`, { cause: e });
      }
    }
  }

  /** Lazily (re)opens: after a delete, reads do not recreate an empty database; only a write does. */
  async #connection(create: boolean): Promise<IDBPDatabase<TastebudDB> | null> {
    if (this.#closed) throw new StorageError('The store was closed; create a new recommender.');
    if (this.#db) return this.#db;
    if (!create && !(await this.#exists())) return null;
    this.#opening ??= this.#open().catch((e: unknown) => {
      this.#opening = null; // a failed open must not stick: the next call retries
      throw e;
    });
    return this.#opening;
  }

  async #open(): Promise<IDBPDatabase<TastebudDB>> {
    let onBlocked = (): void => undefined;
    const blocked = new Promise<never>((_, reject) => {
      // An open tab running an older schema without a versionchange handler would block the upgrade forever;
      // give up after a while so openStore can fall back instead of hanging createRecommender().
      onBlocked = () => setTimeout(() => reject(new StorageError(`Upgrading the IndexedDB database "${this.name}" is blocked by another tab that keeps an older version open; close the shop's other tabs.`)), this.blockedTimeoutMs);
    });
    const opening = openDB<TastebudDB>(this.name, DB_VERSION, {
      upgrade: upgradeSchema,
      blocked: () => onBlocked(),
      // Another tab deletes (forget) or upgrades the database: let it, and reconnect on our next use.
      blocking: () => this.#drop(),
      terminated: () => {
        this.#db = null;
        this.#opening = null;
      },
    });
    try {
      this.#db = await Promise.race([opening, blocked]);
    } catch (e) {
      void opening.then((late) => late.close(), () => undefined); // if it still opens later, do not leak it
      throw e;
    }
    return this.#db;
  }

  async #exists(): Promise<boolean> {
    if (typeof indexedDB.databases !== 'function') return true;
    const all = await indexedDB.databases();
    return all.some((d) => d.name === this.name);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** A transaction whose `done` may reject without an unhandled rejection (callers that care await it). */
function quiet<T extends { done: Promise<void> }>(tx: T): T {
  tx.done.catch(() => undefined);
  return tx;
}

function abort(tx: { abort(): void }): void {
  try {
    tx.abort();
  } catch {
    // already finished or aborted
  }
}
