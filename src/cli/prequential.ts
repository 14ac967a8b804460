/**
 * The prequential protocol (DESIGN.md protocol 2), shared by `pretrain --auto` (choosing the on-device learner's
 * settings) and bench/adapt: for each held-out user, the first 100 events in order; at step t rank every model
 * item the user has not produced yet in this stream, a hit if event t is in the top 10 (unknown item: a miss), then
 * learn event t. tastebud's method is the real Engine (inline, memory store), the code the worker runs.
 */
import type { GlobalModel } from '../model/global_model.ts';
import { createEngine, type EngineOptions } from '../engine/engine.ts';
import type { LearnerConfig } from '../engine/learner_config.ts';
import type { EventType } from '../engine/api.ts';
import { createMemoryStore } from '../store/memory_store.ts';

export const K = 10;
export const MAX_STEPS = 100;
export const BUCKETS = [
  { name: '1-5', from: 1, to: 5 },
  { name: '6-20', from: 6, to: 20 },
  { name: '21-100', from: 21, to: 100 },
  { name: 'all', from: 1, to: 100 },
] as const;
export type BucketName = (typeof BUCKETS)[number]['name'];

export interface Session {
  recommend(): Promise<string[]>;
  /** `injected`: the event is an injected random click (robustness runs); only a method told so may use it. */
  learn(itemId: string, timestamp: number, injected?: boolean): Promise<void>;
}
export type Method = () => Promise<Session>;

export interface BucketScore {
  steps: number;
  hr: number;
  ndcg: number;
}
export type Scores = Record<BucketName, BucketScore>;

/** One event of an evaluated stream; injected noise is learned but not scored. */
export interface StreamEvent {
  itemId: string;
  timestamp: number;
  scored: boolean;
}

/** Hits and scored steps of one stream (all buckets), for paired comparisons across runs. */
export interface StreamTally {
  hits: number;
  steps: number;
}

/**
 * Runs `method` over the streams; returns HR@10 and NDCG@10 per step bucket. `perStream`, if given, receives
 * each stream's tally in order.
 *
 * @example
 * const scores = await runProtocol(engineMethod(model), streams);
 * scores.all.hr; // HR@10 over every step
 */
export async function runProtocol(method: Method, streams: StreamEvent[][], perStream?: StreamTally[]): Promise<Scores> {
  const acc = Object.fromEntries(BUCKETS.map((b) => [b.name, { steps: 0, hr: 0, ndcg: 0 }])) as Scores;
  for (const events of streams) {
    const session = await method();
    const tally = { hits: 0, steps: 0 };
    perStream?.push(tally);
    let step = 0;
    for (let k = 0; k < events.length; k++) {
      const e = events[k];
      // timestamps are replaced by a human pace: ratings are not clicks, and their shared seconds would read as bursts
      const ts = 1_700_000_000_000 + k * 60_000;
      if (e.scored) {
        step++;
        const rank = (await session.recommend()).indexOf(e.itemId);
        tally.steps++;
        if (rank >= 0 && rank < K) tally.hits++;
        score(acc, step, rank);
      }
      await session.learn(e.itemId, ts, !e.scored);
    }
  }
  for (const b of BUCKETS) {
    const a = acc[b.name];
    a.hr = a.steps ? a.hr / a.steps : 0;
    a.ndcg = a.steps ? a.ndcg / a.steps : 0;
  }
  return acc;
}

function score(acc: Scores, step: number, rank: number): void {
  for (const b of BUCKETS) {
    if (step < b.from || step > b.to) continue;
    acc[b.name].steps++;
    if (rank >= 0 && rank < K) {
      acc[b.name].hr++;
      acc[b.name].ndcg += 1 / Math.log2(rank + 2);
    }
  }
}

/**
 * tastebud: the real Engine, inline, on a fresh memory store per user. Every event is tracked as a `select`,
 * except injected clicks when `injectedType` is given (the shop knows them, e.g. a mis-tap backed out of at once,
 * and reports them as a low-intent type: the labelled-noise ceiling of the robustness runs). `learner` goes over
 * the model's shipped settings, as a shop's option does.
 *
 * @example
 * await runProtocol(engineMethod(model, { steps: 0 }), streams);
 */
export function engineMethod(model: GlobalModel, learner: Partial<LearnerConfig> = {}, seed = 1, injectedType?: EventType, extra: Partial<EngineOptions> = {}): Method {
  let n = 0;
  return async () => {
    const engine = await createEngine({ model, store: createMemoryStore('bench'), namespace: 'bench', learner, seed: seed + n++, ...extra });
    return {
      recommend: async () => (await engine.recommend({ k: K })).map((r) => r.itemId),
      learn: async (itemId, timestamp, injected) => {
        await engine.track({ itemId, type: injected && injectedType ? injectedType : 'select', timestamp });
        await engine.whenIdle();
      },
    };
  };
}
