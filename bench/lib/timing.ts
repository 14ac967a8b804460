/** Timing helpers of the kernel bench: the first call apart (compilation, uploads), then the steady state. */

export interface Timing {
  firstMs: number;
  medianMs: number;
  /** Steady-state runs; 0 when the first call alone exceeded the budget (then medianMs is that call). */
  n: number;
}

export interface TimeOptions {
  minN?: number;
  /** A first call slower than this is reported alone (compiling shaders counts, so it is generous). */
  firstCapMs?: number;
  maxN?: number;
  /** Stop after this much steady-state time once minN runs are done (caps the slow naive paths). */
  budgetMs?: number;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * @example
 * const t = await timeIt(async (k) => { await trainer.step(batches[k % 4]); }, { budgetMs: 2000 });
 * t.medianMs; // steady-state milliseconds per call
 */
export async function timeIt(fn: (k: number) => Promise<unknown>, { minN = 1, maxN = 50, budgetMs = 2000, firstCapMs = 20_000 }: TimeOptions = {}): Promise<Timing> {
  let t0 = performance.now();
  await fn(0);
  const firstMs = performance.now() - t0;
  // One call far over the cap (the naive paths on cpu): report it instead of repeating it.
  if (firstMs > firstCapMs) return { firstMs: r3(firstMs), medianMs: r3(firstMs), n: 0 };
  const times: number[] = [];
  const start = performance.now();
  for (let k = 1; k <= maxN; k++) {
    t0 = performance.now();
    await fn(k);
    times.push(performance.now() - t0);
    if (times.length >= minN && performance.now() - start > budgetMs) break;
  }
  times.sort((a, b) => a - b);
  const m = times.length >> 1;
  const median = times.length % 2 ? times[m] : (times[m - 1] + times[m]) / 2;
  return { firstMs: r3(firstMs), medianMs: r3(median), n: times.length };
}
