/**
 * The prequential protocol (DESIGN.md): for each held-out user, the first 100 events in order; at step t rank
 * every model item the user has not produced yet in this stream, a hit if event t is in the top 10 (unknown
 * item: a miss), then learn event t. Methods are sessions with `recommend` and `learn`; tastebud's is the
 * real Engine (inline, memory store; src/cli/prequential.ts, shared with `pretrain --auto`), the baselines are
 * computed here from the same global model.
 */
import type { GlobalModel } from '../../src/model/global_model.ts';
import { K, MAX_STEPS, type Method, type Session, type StreamEvent } from '../../src/cli/prequential.ts';
import { gramian, solveFoldIn } from '../../src/engine/fold_in.ts';
import { scanTopK } from '../../src/model/top_k.ts';
import { createRng, type Rng } from '../../src/model/rng.ts';
import type { Stream } from './data.ts';

export { BUCKETS, engineMethod, K, MAX_STEPS, runProtocol } from '../../src/cli/prequential.ts';
export type { BucketScore, Method, Scores, Session, StreamEvent, StreamTally } from '../../src/cli/prequential.ts';

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
