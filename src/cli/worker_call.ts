/**
 * The request / reply of tastebud's worker_threads pools (ALS, the sampled-loss trainer, the sequence trainer):
 * one message posted, one reply awaited, `{ ok: false, error }` and the worker's own `error` event as rejections.
 */
import type { Worker } from 'node:worker_threads';

/** A worker's reply: `ok` with its payload, or the error it caught. */
export type WorkerReply = { ok: boolean; error?: string };

/**
 * @example
 * const r = await callWorker<{ ok: boolean; loss?: number }>(w, { kind: 'loss', ...job }, 'ALS worker');
 */
export function callWorker<R extends WorkerReply>(w: Worker, msg: object, who: string): Promise<R> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    w.once('error', onError);
    w.once('message', (r: R) => {
      w.off('error', onError);
      if (r.ok) resolve(r);
      else reject(new Error(`${who}: ${r.error}`));
    });
    w.postMessage(msg);
  });
}
