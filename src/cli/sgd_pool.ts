/**
 * The sampled-loss trainer across worker_threads (Hogwild!, src/train/sgd_loop.ts): the tables, the Adagrad
 * accumulators, the log and the epoch's order live in SharedArrayBuffers; each thread builds its own batches
 * (its own negatives) over its share of the order and steps the shared tables without locks.
 */
import { Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { SgdPool, SgdSetup, SgdShare, SgdShareResult, SgdStepper } from '../train/sgd_loop.ts';
import { sgdStepper, stepRange, threadRng } from '../train/sgd_loop.ts';
import type { Rng } from '../model/rng.ts';
import { shared } from './als_pool.ts';
import { callWorker } from './worker_call.ts';

/**
 * @example
 * await pretrain(data, { solver: 'sgd', threads: 2, createSgdPool }); // pretrain shares the arrays and closes it
 */
export function createSgdPool(threads: number): SgdPool {
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./sgd_worker.mjs', import.meta.url)));
  const run = async (w: Worker, msg: object): Promise<SgdShareResult | undefined> => (await callWorker<{ ok: boolean; result?: SgdShareResult }>(w, msg, 'SGD worker')).result;
  return {
    threads,
    share: shared,
    async init(setup) {
      await Promise.all(workers.map((w, t) => run(w, { kind: 'init', setup, thread: t })));
    },
    async epoch(shares) {
      if (shares.length !== threads) throw new Error(`SGD pool: ${shares.length} shares for ${threads} threads`);
      return (await Promise.all(workers.map((w, t) => run(w, { kind: 'epoch', share: shares[t] })))) as SgdShareResult[];
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** The worker side: `init` builds the stepper over the shared tables, each `epoch` steps one share. */
export function serveSgdWorker(port: MessagePort): void {
  let own: { stepper: SgdStepper; order: Int32Array; rng: Rng } | null = null;
  port.on('message', async (msg: { kind: 'init'; setup: SgdSetup; thread: number } | { kind: 'epoch'; share: SgdShare }) => {
    try {
      if (msg.kind === 'init') {
        own = { stepper: sgdStepper(msg.setup), order: msg.setup.order, rng: threadRng(msg.setup.seed, msg.thread) };
        port.postMessage({ ok: true });
      } else {
        if (!own) throw new Error('epoch before init');
        const { epoch, from, to } = msg.share;
        port.postMessage({ ok: true, result: await stepRange(own.stepper, own.order, from, to, own.rng, epoch) });
      }
    } catch (e) {
      port.postMessage({ ok: false, error: String(e instanceof Error && e.stack ? e.stack : e) });
    }
  });
}
