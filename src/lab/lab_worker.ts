/**
 * The lab's worker: chooses a TF.js backend here (where the engine runs), then trains a small model on a
 * problem with a known structure (users and items in 4 taste groups; a user likes the items of their group)
 * with that backend's sparse kernels, posting the loss of every step; then times the sequence model's
 * `track` → top-10 on the same backend (`lab_sequence.ts`).
 */
import { chooseBackend, createSparseTrainer } from '../kernels/index.ts';
import type { BackendName } from '../kernels/index.ts';
import { createParams } from '../model/cf_model.ts';
import { createRng } from '../model/rng.ts';
import { DEFAULT_STEP } from '../model/sparse_step.ts';
import type { TrainBatch } from '../model/sparse_step.ts';
import { timeSequenceModel, type SequenceTiming } from './lab_sequence.ts';

export type LabMessage =
  | { type: 'backend'; backend: string; skipped: { backend: string; reason: string }[]; details: Record<string, unknown>; trainer: string }
  | { type: 'loss'; step: number; loss: number; ms: number }
  | { type: 'sequence'; timing: SequenceTiming }
  | { type: 'done' }
  | { type: 'error'; message: string };

const GROUPS = 4;
const USERS = 400;
const ITEMS = 300;
const post = (m: LabMessage): void => (globalThis as unknown as { postMessage(m: LabMessage): void }).postMessage(m);

function batchOf(seed: number, size: number): TrainBatch {
  const rng = createRng(seed);
  const b: TrainBatch = { users: new Int32Array(size), items: new Int32Array(size), labels: new Float32Array(size) };
  for (let n = 0; n < size; n++) {
    const u = rng.int(USERS);
    // half the samples are positives from the user's group, half random items
    const i = n % 2 === 0 ? (rng.int(ITEMS / GROUPS) * GROUPS + (u % GROUPS)) % ITEMS : rng.int(ITEMS);
    b.users[n] = u;
    b.items[n] = i;
    b.labels[n] = u % GROUPS === i % GROUPS ? 1 : 0;
  }
  return b;
}

async function train(preference: BackendName[] | 'auto', steps: number): Promise<void> {
  const choice = await chooseBackend(preference);
  const trainer = await createSparseTrainer(createParams({ numUsers: USERS, numItems: ITEMS, dim: 16, seed: 1 }), DEFAULT_STEP);
  post({ type: 'backend', backend: choice.backend, skipped: choice.skipped, details: choice.details, trainer: trainer.kind ?? '?' });
  for (let s = 0; s < steps; s++) {
    const t0 = performance.now();
    const loss = await trainer.step(batchOf(1000 + s, 256));
    post({ type: 'loss', step: s, loss, ms: performance.now() - t0 });
  }
  trainer.dispose();
  post({ type: 'sequence', timing: await timeSequenceModel() });
  post({ type: 'done' });
}

(globalThis as unknown as { onmessage: (e: MessageEvent<{ backend: string | null; steps: number }>) => void }).onmessage = (e) => {
  const { backend, steps } = e.data;
  const pref = backend && backend !== 'auto' ? [backend as BackendName] : 'auto';
  train(pref, steps).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }));
};
