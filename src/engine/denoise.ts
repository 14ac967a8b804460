/**
 * Cleaning before learning (DESIGN.md "Denoising"): an exact repeat inside a short window adds no evidence,
 * a burst faster than a person clicks is a bot or a stuck key, and event types weigh differently
 * (view < select < add_to_cart < purchase). Every event is still stored; cleaning only decides what is learned.
 */
import type { EventType } from './api.ts';
import type { LearnerConfig } from './learner_config.ts';
import type { DenoiseMemory } from './user_state.ts';

export type CleanVerdict = { learn: true; weight: number } | { learn: false; reason: 'repeat' | 'burst' };

const RECENT_CAP = 32;
/** An event this much older than the newest one seen is a clock jump (or a stored far-future stamp), not a late
 * arrival: the burst clock restarts from it instead of waiting for the future. */
const CLOCK_JUMP_MS = 24 * 60 * 60 * 1000;

/**
 * Decides whether an event is learned and with what weight; updates the memory in place.
 *
 * @example
 * const mem = { lastTimestamp: -Infinity, run: 0, recent: [] };
 * cleanEvent(mem, { itemId: 'a', type: 'select', timestamp: 0 }, DEFAULT_LEARNER); // { learn: true, weight: 1 }
 * cleanEvent(mem, { itemId: 'a', type: 'select', timestamp: 5000 }, DEFAULT_LEARNER); // { learn: false, reason: 'repeat' }
 */
export function cleanEvent(
  mem: DenoiseMemory,
  ev: { itemId: string; type: EventType; timestamp: number; weight?: number },
  cfg: LearnerConfig,
): CleanVerdict {
  const weight = cfg.typeWeights[ev.type] * (ev.weight ?? 1);
  if (!cfg.denoise) return { learn: true, weight };
  const gap = ev.timestamp - mem.lastTimestamp;
  mem.run = gap >= 0 && gap < cfg.burstGapMs ? mem.run + 1 : 1;
  mem.lastTimestamp = gap < -CLOCK_JUMP_MS ? ev.timestamp : Math.max(mem.lastTimestamp, ev.timestamp);
  // the first events of a fast run may be a double click; beyond burstLength nobody clicks that fast
  if (mem.run > cfg.burstLength) return { learn: false, reason: 'burst' };
  const repeat = mem.recent.some(
    ([id, type, ts]) => id === ev.itemId && cfg.typeWeights[type] >= weight && Math.abs(ev.timestamp - ts) <= cfg.repeatWindowMs,
  );
  mem.recent.push([ev.itemId, ev.type, ev.timestamp]);
  if (mem.recent.length > RECENT_CAP) mem.recent.shift();
  // a stronger type on the same item (view → add_to_cart) is new evidence, not a repeat
  if (repeat) return { learn: false, reason: 'repeat' };
  return { learn: true, weight };
}
