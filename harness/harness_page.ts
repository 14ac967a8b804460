/**
 * Page side of the harness: starts one module Worker and exposes `window.tastebudHarness.run(request)` for
 * Playwright (e2e/contract.spec.ts, bench/kernels/run.ts). One page per backend keeps every run on a fresh TF.js.
 */
import type { HarnessWindow, PageRequest } from './harness_types.ts';

type Reply = { id: number; result?: unknown; error?: string };

const worker = new Worker(new URL('./harness_worker.ts', import.meta.url), { type: 'module' });
const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
let nextId = 1;
const ready = new Promise<void>((resolve) => {
  worker.addEventListener('message', function first(e: MessageEvent<{ ready?: boolean }>) {
    if (e.data?.ready) {
      worker.removeEventListener('message', first);
      resolve();
    }
  });
});
worker.addEventListener('message', (e: MessageEvent<Reply>) => {
  const p = pending.get(e.data?.id);
  if (!p) return;
  pending.delete(e.data.id);
  if (e.data.error) p.reject(new Error(e.data.error));
  else p.resolve(e.data.result);
});
worker.addEventListener('error', (e) => {
  for (const p of pending.values()) p.reject(new Error(`worker error: ${e.message}`));
  pending.clear();
});

async function run(req: PageRequest): Promise<unknown> {
  await ready;
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ ...req, id });
  });
}

(window as unknown as HarnessWindow).tastebudHarness = { run };
document.querySelector('[data-testid="status"]')!.textContent = 'harness ready';
