// One thread of the sampled-loss trainer (sgd_pool.ts): registers tsx so the TypeScript sources load as they are,
// then steps the shares of each epoch it is sent on the tables shared with the main thread.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { serveSgdWorker } = await import('./sgd_pool.ts');
serveSgdWorker(parentPort);
