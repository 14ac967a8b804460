/**
 * The ALS epoch loop of pretraining: one epoch = one ALS iteration, every user row then every item row
 * re-solved (a few CG steps) — across worker threads when the log is big enough to repay starting them.
 */
import type { CfParams } from '../model/cf_model.ts';
import type { AlsConfig } from './als.ts';
import { alsHalfStep, alsLoss } from './als.ts';
import type { PairRows } from './pairs.ts';
import type { Loop, Resolved } from './pretrain.ts';

/** Below this many events one thread is faster than starting workers. */
export const PARALLEL_MIN_PAIRS = 50_000;

/** The thread count a log of `events` trains on (a negative `threads` forces them, for tests). */
export function alsThreads(events: number, o: Pick<Resolved, 'threads' | 'createAlsPool'>): number {
  const threads = events >= PARALLEL_MIN_PAIRS || o.threads < 0 ? Math.abs(o.threads) : 1;
  return threads > 1 && o.createAlsPool ? threads : 1;
}

/**
 * @example
 * const loop = createAlsLoop(params, aggregatePairs(data), resolved);
 */
export function createAlsLoop(params: CfParams, rows: PairRows, o: Resolved): Loop {
  let { byUser, byItem } = rows;
  const cfg: AlsConfig = { alpha: o.alsAlpha, unobservedWeight: o.alsUnobserved, reg: o.l2, regExponent: o.alsRegExponent, cgSteps: o.alsCgSteps };
  const threads = alsThreads(rows.events, o);
  const pool = threads > 1 ? o.createAlsPool!(threads) : null;
  if (pool) {
    // share() copies only what is not in a SharedArrayBuffer yet
    params.userEmb = pool.share(params.userEmb);
    params.itemEmb = pool.share(params.itemEmb);
    byUser = { offsets: pool.share(byUser.offsets), cols: pool.share(byUser.cols), weights: pool.share(byUser.weights) };
    byItem = { offsets: pool.share(byItem.offsets), cols: pool.share(byItem.cols), weights: pool.share(byItem.weights) };
  }
  return {
    best: null,
    async epoch(_epoch, onBatch) {
      if (pool) {
        await pool.halfStep(params.userEmb, params.itemEmb, byUser, params.numItems, cfg, params.dim);
        await pool.halfStep(params.itemEmb, params.userEmb, byItem, params.numUsers, cfg, params.dim);
      } else {
        alsHalfStep(params.userEmb, params.itemEmb, byUser, params.numItems, cfg, params.dim);
        alsHalfStep(params.itemEmb, params.userEmb, byItem, params.numUsers, cfg, params.dim);
      }
      const loss = pool ? await pool.loss(params, byUser, cfg) : alsLoss(params, byUser, cfg);
      onBatch(rows.events, loss);
      return { loss, samples: rows.events };
    },
    read: async () => params,
    dispose: () => void pool?.close(),
  };
}
