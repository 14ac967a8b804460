/**
 * ALS across worker_threads: the factor tables and the CSR rows live in SharedArrayBuffers, each thread
 * re-solves a contiguous range of rows (ranges balanced by work, `alsRowWeight`), and the main thread
 * only computes the d×d Gramian between half-steps. Rows are independent, so the factors are the same bit for
 * bit whatever the thread count; only the loss is summed in another order.
 */
import { Worker } from 'node:worker_threads';
import { gramian } from '../engine/fold_in.ts';
import { callWorker } from './worker_call.ts';
import type { AlsPool, WeightedRows } from '../train/als.ts';
import { alsLoss, rowJob } from '../train/als.ts';

/** A typed array's contents in a SharedArrayBuffer (the same array when it already is one). */
export function shared<T extends Float32Array | Int32Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const out = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}


/**
 * A row's fixed work in units of one pair's, for als_kernel's solveRows: each of its cgSteps + 1 products with
 * the system costs dim² for the Gramian and 2·dim per pair, and the right-hand side one more dim per pair, so a
 * row weighs (cgSteps + 1)·dim² against (2·cgSteps + 3)·dim per pair. (Weighing a row as dim pairs, as before,
 * left ML-1M's item half-step split 53 / 47 between two threads; this splits it 50 / 50.)
 */
export function alsRowWeight(dim: number, cgSteps: number): number {
  return ((cgSteps + 1) * dim) / (2 * cgSteps + 3);
}

/** Cut points splitting rows into `parts` ranges of about equal work (`rowWeight` + pairs per row). */
export function balancedRanges(offsets: Int32Array, parts: number, rowWeight: number): number[] {
  const rows = offsets.length - 1;
  const total = offsets[rows] + rows * rowWeight;
  const cuts = [0];
  for (let row = 0, part = 1; row < rows && part < parts; row++) {
    if (offsets[row + 1] + (row + 1) * rowWeight >= (total * part) / parts) {
      cuts.push(row + 1);
      part++;
    }
  }
  while (cuts.length <= parts) cuts.push(rows);
  return cuts;
}

/**
 * @example
 * await pretrain(data, { solver: 'als', threads: 2, createAlsPool }); // pretrain shares the arrays and closes it
 */
export function createAlsPool(threads: number): AlsPool {
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./als_worker.mjs', import.meta.url)));
  const run = (w: Worker, job: object): Promise<{ ok: boolean; loss?: number }> => callWorker(w, job, 'ALS worker');
  const spread = async (rows: WeightedRows, rowWeight: number, make: (from: number, to: number) => object): Promise<{ loss?: number }[]> => {
    const cuts = balancedRanges(rows.offsets, threads, rowWeight);
    return Promise.all(workers.map((w, t) => run(w, make(cuts[t], cuts[t + 1]))));
  };
  return {
    threads,
    share: shared,
    async halfStep(target, other, rows, numOther, cfg, dim) {
      const gram = gramian(other, dim);
      await spread(rows, alsRowWeight(dim, cfg.cgSteps), (from, to) => rowJob(target, other, gram, rows, numOther, cfg, dim, from, to));
    },
    async loss(p, byUser, cfg) {
      const gram = gramian(p.itemEmb, p.dim);
      // lossRows: dim² per row against about 2·dim per pair
      const parts = await spread(byUser, p.dim / 2, (from, to) => ({ kind: 'loss', ...rowJob(p.userEmb, p.itemEmb, gram, byUser, p.numItems, cfg, p.dim, from, to) }));
      return alsLoss(p, byUser, cfg, parts.reduce((s, r) => s + (r.loss ?? 0), 0));
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
