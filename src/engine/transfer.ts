/**
 * Transfer across model versions and replay of stored events: the shopper's state is rebuilt against the new
 * item factors from what the store still holds, i.e. the checkpoint's window of positives and parked events
 * (which covers events the log compaction already dropped) plus the event log. Events on items the new model
 * does not know stay parked for the next version.
 */
import type { StoredEvent } from './api.ts';
import type { Rng } from '../model/rng.ts';
import type { UserStateRecord } from '../store/types.ts';
import type { LearnerConfig } from './learner_config.ts';
import type { ModelContext } from './model_context.ts';
import type { HistoryEntry, LocalState } from './user_state.ts';
import { learnEvent, refitState } from './learner.ts';

/** Only the last events of a long replay get full steps; the closed-form fit covers the rest. */
export const FULL_REPLAY_TAIL = 20;

/**
 * The events to re-fit from, oldest first, each once (by sequence number).
 *
 * @example
 * eventsForTransfer(await store.loadUserState(), await store.readEvents()); // StoredEvent[]
 */
export function eventsForTransfer(record: UserStateRecord | undefined, log: StoredEvent[]): StoredEvent[] {
  const bySeq = new Map<number, StoredEvent>();
  // A checkpoint entry's `weight` is the learned one, not the event's: only the log carries the event's weight.
  for (const e of checkpointEvents(record)) bySeq.set(e.seq, { seq: e.seq, itemId: e.itemId, type: e.type, timestamp: e.timestamp });
  for (const e of log) bySeq.set(e.seq, { seq: e.seq, itemId: e.itemId, type: e.type, timestamp: e.timestamp, ...(e.weight !== undefined && { weight: e.weight }) });
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function checkpointEvents(r: UserStateRecord | undefined): HistoryEntry[] {
  const parse = (v: unknown): HistoryEntry[] => {
    try {
      const xs = typeof v === 'string' ? (JSON.parse(v) as unknown) : [];
      return Array.isArray(xs) ? xs.filter(isEntry) : [];
    } catch {
      return [];
    }
  };
  return r?.extra ? [...parse(r.extra.history), ...parse(r.extra.parked)] : [];
}

function isEntry(x: unknown): x is HistoryEntry {
  const e = x as HistoryEntry;
  return !!e && typeof e.seq === 'number' && typeof e.itemId === 'string' && typeof e.type === 'string' && typeof e.timestamp === 'number';
}

/**
 * Folds `events` (seq > state.lastSeq) into the state; the bookkeeping is exact for all of them, the
 * stochastic steps run for the last `FULL_REPLAY_TAIL` only. Returns the losses of those steps.
 */
export function replayEvents(ctx: ModelContext, s: LocalState, events: StoredEvent[], cfg: LearnerConfig, rng: Rng): number[] {
  const fresh = events.filter((e) => e.seq > s.lastSeq);
  const losses: number[] = [];
  let refitted = true;
  fresh.forEach((e, k) => {
    const full = k >= fresh.length - FULL_REPLAY_TAIL;
    const { outcome, loss } = learnEvent(ctx, s, e, cfg, rng, full);
    if (outcome === 'learned') refitted = full;
    if (loss !== null) losses.push(loss);
  });
  if (!refitted) refitState(ctx, s, cfg, rng);
  return losses;
}
