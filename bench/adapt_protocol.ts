/**
 * The prequential protocol (DESIGN.md): for each held-out user, the first 100 events in order; at step t rank
 * every model item the user has not produced yet in this stream, a hit if event t is in the top 10 (unknown
 * item: a miss), then learn event t. Methods are sessions with `recommend` and `learn`; tastebud's is the
 * real Engine (inline, memory store), the baselines are computed here from the same global model.
 */
import type { GlobalModel } from '../src/model/global_model.ts';
import { createEngine, type EngineOptions } from '../src/engine/engine.ts';
import type { LearnerConfig } from '../src/engine/learner_config.ts';
import type { EventType } from '../src/engine/api.ts';
import { createMemoryStore } from '../src/store/memory_store.ts';
import { gramian, solveFoldIn } from '../src/engine/fold_in.ts';
import { scanTopK } from '../src/model/top_k.ts';
import { createRng, type Rng } from '../src/model/rng.ts';
import type { Stream } from './adapt_data.ts';

export const K = 10;
export const MAX_STEPS = 100;
export const BUCKETS = [
  { name: '1-5', from: 1, to: 5 },
  { name: '6-20', from: 6, to: 20 },
  { name: '21-100', from: 21, to: 100 },
  { name: 'all', from: 1, to: 100 },
] as const;

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
export type Scores = Record<(typeof BUCKETS)[number]['name'], BucketScore>;

/** One event of an evaluated stream; injected noise is learned but not scored. */
export interface StreamEvent {
  itemId: string;
  timestamp: number;
  scored: boolean;
}

/** The first 100 events of a stream, optionally with random clicks (`draw()`) injected so they make `noise` of it. */
export function streamEvents(s: Stream, noise = 0, rng?: Rng, draw?: () => string): StreamEvent[] {
  const out: StreamEvent[] = [];
  const real = Math.min(MAX_STEPS, s.items.length);
  for (let t = 0; t < real; t++) {
    out.push({ itemId: s.items[t], timestamp: s.times[t], scored: true });
    // inject after real events so each stream starts with a real one; rate noise/(1-noise) per real event
    if (noise > 0 && rng && draw && rng.next() < noise / (1 - noise)) out.push({ itemId: draw(), timestamp: s.times[t] + 1000, scored: false });
  }
  return out;
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
 * const scores = await runProtocol(popularityMethod(model), ds.heldOut.map((s) => streamEvents(s)));
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
        const recs = await session.recommend();
        const rank = recs.indexOf(e.itemId);
        tally.steps++;
        if (rank >= 0 && rank < K) tally.hits++;
        for (const b of BUCKETS) {
          if (step < b.from || step > b.to) continue;
          acc[b.name].steps++;
          if (rank >= 0 && rank < K) {
            acc[b.name].hr++;
            acc[b.name].ndcg += 1 / Math.log2(rank + 2);
          }
        }
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

/**
 * tastebud: the real Engine, inline, on a fresh memory store per user. Every event is tracked as a `select`,
 * except injected clicks when `injectedType` is given (the shop knows them, e.g. a mis-tap backed out of at once,
 * and reports them as a low-intent type: the labelled-noise ceiling of the robustness runs).
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

/** A session over the model's rows that keeps the seen mask and scores with `rank`. */
function rowSession(model: GlobalModel, rank: (seenRows: number[], mask: Uint8Array) => Int32Array, onLearn?: (row: number) => void): Session {
  const index = indexOf(model);
  const mask = new Uint8Array(model.itemIds.length);
  const seenRows: number[] = [];
  return {
    recommend: async () => Array.from(rank(seenRows, mask), (i) => model.itemIds[i]),
    learn: async (itemId) => {
      const row = index.get(itemId);
      if (row === undefined || mask[row]) return;
      mask[row] = 1;
      seenRows.push(row);
      onLearn?.(row);
    },
  };
}

/** Training counts, seen items excluded. */
export function popularityMethod(model: GlobalModel): Method {
  const order = Int32Array.from(model.itemIds.keys()).sort((a, b) => model.popularity[b] - model.popularity[a] || a - b);
  return async () =>
    rowSession(model, (_, mask) => {
      const out: number[] = [];
      for (let k = 0; k < order.length && out.length < K; k++) if (!mask[order[k]]) out.push(order[k]);
      return Int32Array.from(out);
    });
}

/** The global model with the prior user vector p_0 and no learning. */
export function globalMethod(model: GlobalModel): Method {
  const z = model.w.map((w, j) => w * model.priorUser[j]);
  return async () => rowSession(model, (_, mask) => scanTopK(model.itemEmb, model.itemBias, z, K, mask).indices);
}

/**
 * Closed-form fold-in: the confidence-weighted least-squares user vector against the fixed item factors
 * (implicit-ALS style, a_i = w ⊙ q_i), recomputed from every event so far at each step; ranks by a_i·x.
 */
export function foldInMethod(model: GlobalModel, { alpha = 10, ridge = 8 } = {}): Method {
  const d = model.dim;
  const gram = gramian(model.itemEmb, d);
  const zeroBias = new Float32Array(model.itemIds.length);
  return async () =>
    rowSession(model, (seen, mask) => {
      if (seen.length === 0) return scanTopK(model.itemEmb, model.itemBias, model.w.map((w, j) => w * model.priorUser[j]), K, mask).indices;
      const rows = seen.map((r) => model.itemEmb.subarray(r * d, r * d + d));
      const { delta } = solveFoldIn({ gram, w: model.w, rows, conf: rows.map(() => 1 + alpha), ridge });
      const z = Float32Array.from(delta, (x, j) => x * model.w[j]);
      return scanTopK(model.itemEmb, zeroBias, z, K, mask).indices;
    });
}

const indexCache = new WeakMap<GlobalModel, Map<string, number>>();
function indexOf(model: GlobalModel): Map<string, number> {
  let m = indexCache.get(model);
  if (!m) indexCache.set(model, (m = new Map(model.itemIds.map((id, i) => [id, i]))));
  return m;
}

export { createRng };
