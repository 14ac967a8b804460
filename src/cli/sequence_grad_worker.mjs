// One thread of the sequence trainer (sequence_threads.ts): registers tsx so the TypeScript sources load as they
// are, then serves gradient requests from the main thread.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { serveGradientWorker } = await import('./sequence_threads.ts');
await serveGradientWorker(parentPort);
