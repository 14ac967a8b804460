/**
 * The browser test/bench harness worker: runs the contract suite (and the kernel bench) inside a real Worker,
 * where the product's engine runs, and posts structured results back to the page.
 */
import type { BackendName } from '../src/kernels/index.ts';
import { runContractSuite } from '../test/contract/suite.ts';

export type HarnessRequest =
  | { id: number; task: 'contract'; backend: BackendName; leakSteps?: number }
  | { id: number; task: 'bench' | 'sequence-latency'; backend: BackendName; quick?: boolean }
  | { id: number; task: 'catalogue'; request: import('../bench/catalogue/core.ts').CatalogueRequest }
  | { id: number; task: 'auto-backend'; quick?: boolean };

type Scope = { postMessage(m: unknown): void; onmessage: ((e: MessageEvent<HarnessRequest>) => void) | null };
const scope = globalThis as unknown as Scope;

async function handle(req: HarnessRequest): Promise<unknown> {
  if (req.task === 'contract') return runContractSuite({ backend: req.backend, leakSteps: req.leakSteps });
  if (req.task === 'catalogue') {
    const { runCatalogueOp } = await import('../bench/catalogue/core.ts');
    return runCatalogueOp(req.request);
  }
  if (req.task === 'auto-backend') {
    const { runAutoBench } = await import('../bench/kernels/auto_core.ts');
    return runAutoBench({ env: 'chromium-worker', quick: req.quick });
  }
  if (req.task === 'sequence-latency') {
    const { runSequenceLatency } = await import('../bench/sequence/latency_core.ts');
    return runSequenceLatency({ backend: req.backend, quick: req.quick });
  }
  // The naive baseline needs TF.js gradients, which tfjs-core alone does not register.
  await import('@tensorflow/tfjs-core/dist/register_all_gradients');
  const { runKernelBench } = await import('../bench/kernels/bench_core.ts');
  return runKernelBench({ backend: req.backend, quick: req.quick });
}

scope.onmessage = (e) => {
  const req = e.data;
  handle(req).then(
    (result) => scope.postMessage({ id: req.id, result }),
    (err: unknown) => scope.postMessage({ id: req.id, error: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err) }),
  );
};
scope.postMessage({ ready: true });
