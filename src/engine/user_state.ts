/**
 * The shopper's local model (DESIGN.md "Local model"): the user vector p_u, its closed-form anchor, the
 * per-user deltas on the top layer and on touched item vectors, the window of positives the learner fits, and
 * the little denoising memory. Converted to and from the store's `UserStateRecord` (deltas in `extra`).
 */
import type { EventType } from './api.ts';
import type { UserStateRecord } from '../store/types.ts';
import type { ModelContext } from './model_context.ts';
import { createSequenceUserState, type SequenceUserState } from './sequence_user.ts';

export interface HistoryEntry {
  seq: number;
  itemId: string;
  type: EventType;
  timestamp: number;
  /** Event-type weight after cleaning. */
  weight: number;
  /** Number of learned events before this one (for decay counted in events). */
  order: number;
  /** Final isolation verdict (see isolation.ts), once all its neighbours are known. */
  trust?: number;
}

export interface DenoiseMemory {
  lastTimestamp: number;
  /** Consecutive events closer than the burst gap. */
  run: number;
  /** Recent (itemId, type, timestamp) for the repeat window. */
  recent: [string, EventType, number][];
}

export interface LocalState {
  modelVersion: string;
  lastSeq: number;
  updatedAt: number;
  p: Float32Array;
  anchor: Float32Array;
  dW: Float32Array;
  itemDelta: Map<number, Float32Array>;
  itemBiasDelta: Map<number, number>;
  /** Learned positives, oldest first, at most `historySize`. */
  history: HistoryEntry[];
  /** Events on items this model does not know: kept for a later model version. */
  parked: HistoryEntry[];
  /** Every item id the shopper produced (excludeSeen), oldest first. */
  seenIds: Set<string>;
  seen: Set<number>;
  learned: number;
  denoised: number;
  unknown: number;
  denoise: DenoiseMemory;
  /** p_u as it was before the newest learned click (the ranking hedges on it, ranker.ts); not persisted. */
  pBefore?: Float32Array;
  /** Present under a sequence model (sequence_user.ts): the encoded history and the per-user delta. */
  seq?: SequenceUserState;
}

/**
 * The state of a shopper with no history: p_u = anchor = p_0, no deltas.
 *
 * @example
 * const s = createLocalState(ctx); s.p; // a copy of ctx.model.priorUser
 */
export function createLocalState(ctx: ModelContext): LocalState {
  const d = ctx.dim;
  return {
    modelVersion: ctx.model.modelVersion,
    lastSeq: 0,
    updatedAt: 0,
    p: ctx.model.priorUser.slice(),
    anchor: ctx.model.priorUser.slice(),
    dW: new Float32Array(d),
    itemDelta: new Map(),
    itemBiasDelta: new Map(),
    history: [],
    parked: [],
    seenIds: new Set(),
    seen: new Set(),
    learned: 0,
    denoised: 0,
    unknown: 0,
    denoise: { lastTimestamp: -Infinity, run: 0, recent: [] },
    ...(ctx.model.sequence ? { seq: createSequenceUserState(d) } : {}),
  };
}

/** Serialises for `Store.saveUserState`; typed arrays are copied so later learning cannot touch the record. */
export function toRecord(s: LocalState): UserStateRecord {
  const rows = [...s.itemDelta.keys()];
  const d = s.p.length;
  const deltaEmb = new Float32Array(rows.length * d);
  rows.forEach((r, k) => deltaEmb.set(s.itemDelta.get(r)!, k * d));
  return {
    modelVersion: s.modelVersion,
    lastSeq: s.lastSeq,
    updatedAt: s.updatedAt,
    userVector: s.p.slice(),
    extra: {
      anchor: s.anchor.slice(),
      dW: s.dW.slice(),
      deltaRows: rows,
      deltaEmb,
      deltaBias: Float32Array.from(rows, (r) => s.itemBiasDelta.get(r) ?? 0),
      history: JSON.stringify(s.history),
      parked: JSON.stringify(s.parked),
      seenIds: JSON.stringify([...s.seenIds]),
      denoise: JSON.stringify({ ...s.denoise, lastTimestamp: Number.isFinite(s.denoise.lastTimestamp) ? s.denoise.lastTimestamp : null }),
      counters: [s.learned, s.denoised, s.unknown],
      ...(s.seq ? { seqDelta: s.seq.delta.slice() } : {}),
    },
  };
}

/**
 * Restores a record written by `toRecord` for the same model version; `undefined` when it is for another
 * version or unreadable (the caller then transfers from the event log).
 */
export function fromRecord(r: UserStateRecord, ctx: ModelContext): LocalState | undefined {
  if (r.modelVersion !== ctx.model.modelVersion || r.userVector.length !== ctx.dim) return undefined;
  try {
    const x = r.extra ?? {};
    const s = createLocalState(ctx);
    const d = ctx.dim;
    s.lastSeq = r.lastSeq;
    s.updatedAt = r.updatedAt;
    s.p = Float32Array.from(r.userVector);
    if (x.anchor instanceof Float32Array && x.anchor.length === d) s.anchor = x.anchor.slice();
    if (x.dW instanceof Float32Array && x.dW.length === d) s.dW = x.dW.slice();
    const rows = Array.isArray(x.deltaRows) ? x.deltaRows : [];
    const emb = x.deltaEmb instanceof Float32Array ? x.deltaEmb : new Float32Array(0);
    const bias = x.deltaBias instanceof Float32Array ? x.deltaBias : new Float32Array(0);
    rows.forEach((row, k) => {
      if (row < 0 || row >= ctx.numItems || emb.length < (k + 1) * d) return;
      s.itemDelta.set(row, emb.slice(k * d, (k + 1) * d));
      s.itemBiasDelta.set(row, bias[k] ?? 0);
    });
    s.history = parseJson<HistoryEntry[]>(x.history, []);
    s.parked = parseJson<HistoryEntry[]>(x.parked, []);
    s.seenIds = new Set(parseJson<string[]>(x.seenIds, []));
    s.seen = seenRows(s.seenIds, ctx);
    const dn = parseJson<Omit<DenoiseMemory, 'lastTimestamp'> & { lastTimestamp: number | null }>(x.denoise, {
      lastTimestamp: null,
      run: 0,
      recent: [],
    });
    s.denoise = { ...dn, lastTimestamp: dn.lastTimestamp ?? -Infinity };
    const counters = Array.isArray(x.counters) ? x.counters : [];
    [s.learned = 0, s.denoised = 0, s.unknown = 0] = counters;
    if (s.seq && x.seqDelta instanceof Float32Array) s.seq = createSequenceUserState(d, x.seqDelta);
    return s;
  } catch {
    return undefined;
  }
}

/** Row indices of the seen ids this model knows. */
export function seenRows(ids: Iterable<string>, ctx: ModelContext): Set<number> {
  const out = new Set<number>();
  for (const id of ids) {
    const i = ctx.index.get(id);
    if (i !== undefined) out.add(i);
  }
  return out;
}

function parseJson<T>(v: unknown, fallback: T): T {
  return typeof v === 'string' ? (JSON.parse(v) as T) : fallback;
}
