/**
 * Carries `eventId`s from `track` to the store without the engine knowing about them: the host registers the
 * ids of a batch, the engine validates and appends the events, and this store wrapper puts each id back on its
 * event (matched by item, type and timestamp) so the IndexedDB store can skip ids it already holds. That is what
 * makes a retried forward from another tab land exactly once, even across a change of leader. It also reports
 * each committed user-state checkpoint (`onCheckpoint`), the moment other tabs can load the same state.
 */
import type { TrackEvent } from '../engine/api.ts';
import type { DeviceRecord, NewEvent, Store } from '../store/types.ts';

export interface EventIdStore extends Store {
  /** Remembers the ids of events about to be tracked; returns the function that forgets them again. */
  expect(events: TrackEvent[]): () => void;
  /**
   * Makes the next `clear()` a no-op: a follower resetting after another tab's forget must not delete the
   * database again, which by then may hold events tracked after that forget.
   */
  skipNextClear(): void;
  /** The last write failure (quota, a broken database) with its message; cleared by the next successful write. */
  readonly lastError: string | undefined;
}

const keyOf = (e: { itemId: string; type?: string; timestamp?: number }): string => `${e.itemId}\u0000${e.type ?? 'select'}\u0000${e.timestamp}`;

/**
 * Wraps `store` so that appended events regain the ids registered with `expect`, and calls `onCheckpoint` after
 * each saved user state.
 * @example
 * const store = withEventIds(await openStore('shop'));
 * const done = store.expect([{ itemId: 'a', type: 'select', timestamp: 5, eventId: 'e1' }]);
 * await engine.track([{ itemId: 'a', type: 'select', timestamp: 5 }]).finally(done); // stored with eventId 'e1'
 */
export function withEventIds(store: Store, onCheckpoint: () => void = () => undefined): EventIdStore {
  const pending = new Map<string, string[]>();
  let skipClears = 0;
  let lastError: string | undefined;
  const noted = async <T>(write: Promise<T>): Promise<T> => {
    try {
      const out = await write;
      lastError = undefined;
      return out;
    } catch (e) {
      lastError = storageErrorText(e);
      throw e;
    }
  };
  const take = (e: NewEvent): NewEvent => {
    if (e.eventId !== undefined) return e;
    const ids = pending.get(keyOf(e));
    const eventId = ids?.shift();
    return eventId === undefined ? e : { ...e, eventId };
  };
  return {
    get lastError() {
      return lastError;
    },
    kind: store.kind,
    ...(store.fallbackReason !== undefined && { fallbackReason: store.fallbackReason }),
    appendEvents: (events) => noted(store.appendEvents(events.map(take))),
    readEvents: (afterSeq) => store.readEvents(afterSeq),
    countEvents: () => store.countEvents(),
    compactEvents: (keep) => store.compactEvents(keep),
    loadUserState: () => store.loadUserState(),
    // Other tabs refresh from this checkpoint, so they are told only once it is committed.
    saveUserState: async (state) => {
      await noted(store.saveUserState(state));
      onCheckpoint();
    },
    loadModel: (version) => store.loadModel(version),
    saveModel: (record) => store.saveModel(record),
    ...(store.loadDevice && { loadDevice: (key: string) => store.loadDevice!(key) }),
    ...(store.saveDevice && { saveDevice: (key: string, record: DeviceRecord) => store.saveDevice!(key, record) }),
    clear: async () => {
      if (skipClears > 0) skipClears--;
      else await store.clear();
    },
    skipNextClear: () => void skipClears++,
    close: () => store.close(),
    expect(events: TrackEvent[]): () => void {
      const added: [string, string][] = [];
      for (const e of events) {
        if (typeof e?.eventId !== 'string' || typeof e.itemId !== 'string') continue;
        const k = keyOf(e);
        pending.set(k, [...(pending.get(k) ?? []), e.eventId]);
        added.push([k, e.eventId]);
      }
      return () => {
        for (const [k, id] of added) {
          const left = (pending.get(k) ?? []).filter((x) => x !== id);
          if (left.length) pending.set(k, left);
          else pending.delete(k);
        }
      };
    },
  };
}

/**
 * A storage failure as one non-empty line: browsers often give a quota error an empty message.
 * @example storageErrorText(new DOMException('', 'QuotaExceededError')) // 'QuotaExceededError: the browser's storage …'
 */
export function storageErrorText(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: unknown } | null;
  const chain = [err, err?.cause as typeof err].filter((x): x is NonNullable<typeof err> => !!x && typeof x === 'object');
  if (chain.some((x) => x.name === 'QuotaExceededError' || /quota/i.test(x.message ?? ''))) {
    return "QuotaExceededError: the browser's storage for this site is full; new clicks are not kept until space is freed";
  }
  const text = e instanceof Error ? `${e.name}: ${e.message}`.trim() : String(e);
  return text.endsWith(':') || text === '' ? `${err?.name ?? 'Error'}: storage failed without a message` : text;
}
