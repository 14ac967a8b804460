/** The page's `window` once harness_page.ts has run: what Playwright calls (e2e/contract.spec.ts, bench/kernels). */
import type { HarnessRequest } from './harness_worker.ts';

/** A request as the page takes it: the page numbers it. */
export type PageRequest = HarnessRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

export type HarnessWindow = Window & { tastebudHarness: { run(req: PageRequest): Promise<unknown> } };
