/**
 * The adaptation bench's drift and latency parts (DESIGN.md protocol 4, and the "track → updated
 * recommendations" figure); robustness is in noise.ts.
 */
import type { GlobalModel } from '../../src/model/global_model.ts';
import type { LearnerConfig } from '../../src/engine/learner_config.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import type { CatalogueScanner } from '../../src/kernels/types.ts';
import { createRng } from '../../src/model/rng.ts';
import type { Dataset } from './data.ts';
import type { Method } from './protocol.ts';

export interface DriftResult {
  pairs: { from: string; to: string; clicks: number[] }[];
  /** Clicks after the switch until the new taste holds half the top-10 (cap + 1 when never). */
  medianClicks: number;
  meanClicks: number;
  withinFive: number;
}

const DRIFT_BEFORE = 20;
const DRIFT_CAP = 30;

/**
 * Taste switch: DRIFT_BEFORE clicks on items of label A (not B), then clicks on items of label B (not A)
 * until at least 5 of the top-10 carry label B. Labels: ML-1M genres, Beauty category/brand attributes;
 * pairs = frequent labels that rarely share items. Items drawn by popularity (people click popular things).
 */
export async function driftExperiment(model: GlobalModel, ds: Dataset, method: Method, pairsWanted = 4, seeds = 5): Promise<DriftResult> {
  const groups = labelGroups(model, ds);
  const pairs = chooseDisjointPairs(groups, pairsWanted);
  const out: DriftResult['pairs'] = [];
  for (const [a, b] of pairs) {
    const onlyA = [...groups.get(a)!].filter((i) => !groups.get(b)!.has(i));
    const onlyB = [...groups.get(b)!].filter((i) => !groups.get(a)!.has(i));
    const clicks: number[] = [];
    for (let s = 0; s < seeds; s++) clicks.push(await clicksToSwitch(model, method, onlyA, onlyB, groups.get(b)!, createRng(100 + s)));
    out.push({ from: a, to: b, clicks });
  }
  const all = out.flatMap((p) => p.clicks).sort((x, y) => x - y);
  return {
    pairs: out,
    medianClicks: all[Math.floor(all.length / 2)],
    meanClicks: all.reduce((x, y) => x + y, 0) / all.length,
    withinFive: all.filter((c) => c <= 5).length / all.length,
  };
}

async function clicksToSwitch(model: GlobalModel, method: Method, a: number[], b: number[], bSet: Set<number>, rng: ReturnType<typeof createRng>): Promise<number> {
  const session = await method();
  const drawA = popularDraw(model, a, rng);
  const drawB = popularDraw(model, b, rng);
  let ts = 0;
  for (let k = 0; k < DRIFT_BEFORE; k++) await session.learn(model.itemIds[drawA()], (ts += 60_000));
  const bIds = new Set([...bSet].map((i) => model.itemIds[i]));
  for (let c = 1; c <= DRIFT_CAP; c++) {
    await session.learn(model.itemIds[drawB()], (ts += 60_000));
    const top = await session.recommend();
    if (top.filter((id) => bIds.has(id)).length >= 5) return c;
  }
  return DRIFT_CAP + 1;
}

/** Draws without replacement, probability ∝ popularity. */
function popularDraw(model: GlobalModel, rows: number[], rng: ReturnType<typeof createRng>): () => number {
  const left = rows.slice();
  return () => {
    const total = left.reduce((s, i) => s + model.popularity[i], 0);
    let x = rng.next() * total;
    let k = 0;
    while (k < left.length - 1 && (x -= model.popularity[left[k]]) > 0) k++;
    return left.splice(k, 1)[0];
  };
}

function labelGroups(model: GlobalModel, ds: Dataset): Map<string, Set<number>> {
  const groups = new Map<string, Set<number>>();
  model.itemIds.forEach((id, i) => {
    for (const l of ds.labels.get(id) ?? []) {
      if (!groups.has(l)) groups.set(l, new Set());
      groups.get(l)!.add(i);
    }
  });
  return groups;
}

function chooseDisjointPairs(groups: Map<string, Set<number>>, n: number): [string, string][] {
  const labels = [...groups.entries()].filter(([, s]) => s.size >= 40).sort((x, y) => y[1].size - x[1].size).slice(0, 12).map(([l]) => l);
  const pairs: [string, string][] = [];
  const used = new Set<string>();
  for (const a of labels)
    for (const b of labels) {
      if (a === b || used.has(a) || used.has(b) || pairs.length >= n) continue;
      const A = groups.get(a)!;
      const B = groups.get(b)!;
      const both = [...A].filter((i) => B.has(i)).length;
      if (both / Math.min(A.size, B.size) > 0.1) continue;
      pairs.push([a, b]);
      used.add(a).add(b);
    }
  return pairs;
}

export interface LatencyResult {
  numItems: number;
  clicks: number;
  /** Median ms from calling `track` to the updated top-10 being in hand, per scanner. */
  medianMs: Record<string, number>;
  p90Ms: Record<string, number>;
}

/**
 * `track` → learned → `recommend` latency on a synthetic 10,000-item, d = 64 catalogue, for the plain-TS
 * scan (the reference) and any other scanners given.
 */
export async function latencyExperiment(scanners: Record<string, (m: GlobalModel) => Promise<CatalogueScanner>>, cfg: Partial<LearnerConfig>, numItems = 10_000, clicks = 300): Promise<LatencyResult> {
  const model = syntheticModel(numItems, 64);
  const medianMs: Record<string, number> = {};
  const p90Ms: Record<string, number> = {};
  for (const [name, make] of Object.entries(scanners)) {
    const engine = await createEngine({ model, store: createMemoryStore('lat'), namespace: 'lat', learner: cfg, scanner: await make(model) });
    const rng = createRng(5);
    const times: number[] = [];
    for (let c = 0; c < clicks + 20; c++) {
      const t0 = performance.now();
      await engine.track({ itemId: model.itemIds[rng.int(numItems)], timestamp: c * 60_000 });
      await engine.whenIdle();
      await engine.recommend({ k: 10 });
      if (c >= 20) times.push(performance.now() - t0);
    }
    await engine.close();
    times.sort((x, y) => x - y);
    medianMs[name] = times[Math.floor(times.length / 2)];
    p90Ms[name] = times[Math.floor(times.length * 0.9)];
  }
  return { numItems, clicks, medianMs, p90Ms };
}

export function syntheticModel(numItems: number, dim: number): GlobalModel {
  const rng = createRng(11);
  return {
    formatVersion: 1,
    modelVersion: `synthetic-${numItems}`,
    dim,
    itemIds: Array.from({ length: numItems }, (_, i) => `item-${i}`),
    itemEmb: Float32Array.from({ length: numItems * dim }, () => rng.normal() * 0.1),
    itemBias: Float32Array.from({ length: numItems }, () => rng.normal() * 0.1),
    w: new Float32Array(dim).fill(1),
    bias: 0,
    priorUser: new Float32Array(dim),
    popularity: Float32Array.from({ length: numItems }, () => 1 + rng.int(100)),
    hyperParameters: {},
  };
}

/** Every ⌈n/users⌉-th stream, at most `users` (deterministic subsample). */
export function pick<T>(xs: T[], users: number): T[] {
  if (users >= xs.length) return xs;
  const step = xs.length / users;
  return Array.from({ length: users }, (_, k) => xs[Math.floor(k * step)]);
}
