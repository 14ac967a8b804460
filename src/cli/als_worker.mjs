// One ALS worker thread: solves (or sums the loss of) a range of rows on arrays shared with the main thread
// (SharedArrayBuffer-backed typed arrays arrive as views of the same memory, nothing is copied).
import { parentPort } from 'node:worker_threads';
import { lossRows, solveRows } from '../train/als_kernel.mjs';

parentPort.on('message', (job) => {
  try {
    if (job.kind === 'loss') parentPort.postMessage({ ok: true, loss: lossRows(job) });
    else {
      solveRows(job);
      parentPort.postMessage({ ok: true });
    }
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String(e && e.stack ? e.stack : e) });
  }
});
