/**
 * Implicit-feedback ALS (Hu, Koren & Volinsky 2008, as in benfred/implicit) for the bench's second global
 * model: DESIGN.md lets a shop import item factors trained elsewhere (Spark ALS) into the same artefact, and
 * the reference figures were measured with implicit's ALS (64 factors). Each half-step is the exact
 * fold-in of `src/engine/fold_in.ts` for every user (then every item) against the other side's factors.
 */
import type { GlobalModel } from '../../src/model/global_model.ts';
import { gramian, solveFoldIn } from '../../src/engine/fold_in.ts';
import { alsHalfStep } from '../../src/train/als.ts';
import { createRng } from '../../src/model/rng.ts';
import type { Stream } from './data.ts';

export interface AlsOptions {
  dim: number;
  /** Confidence c = 1 + alpha for every observed pair. */
  alpha: number;
  reg: number;
  iterations: number;
  seed: number;
  /** Item bias = popularityBias · log(1 + count): the prior scores like popularity until the shopper clicks. */
  popularityBias: number;
  /** 'cg': implicit's default solver (a few conjugate-gradient steps per half-step, warm-started from the
   * previous iterate, uniform positive init), instead of the exact Cholesky solve. */
  solver?: 'exact' | 'cg';
  cgSteps?: number;
  /** Extra pseudo-users: every `size` consecutive items of a training user (every `stride`), confidence
   * 1 + alpha · weight, so the factors also see which items follow one another. */
  windows?: { size: number; stride: number; weight: number };
  /** Extra pseudo-users: one per item attribute (brand, category), confidence 1 + alpha · weight. */
  attributes?: { weight: number };
}

export const ALS: AlsOptions = { dim: 64, alpha: 1, reg: 0.01, iterations: 15, seed: 1, popularityBias: 0.05 };

/** One row of the confidence matrix: the other side's indices and each pair's confidence. */
interface Row {
  cols: number[];
  conf: number[];
}

/**
 * Trains item factors and wraps them as a GlobalModel (w = 1, prior user = the mean training-user factor).
 * `labels` (item id → attributes) is needed only with `o.attributes`.
 *
 * @example
 * const model = trainAls(ds.train, ALS, 'als-ml-1m');
 */
export function trainAls(train: Stream[], o: AlsOptions, version: string, log = console.log, labels?: Map<string, string[]>): GlobalModel {
  const itemIndex = new Map<string, number>();
  const sequences = train.map((s) => {
    const rows = new Set<number>();
    for (const id of s.items) {
      if (!itemIndex.has(id)) itemIndex.set(id, itemIndex.size);
      rows.add(itemIndex.get(id)!);
    }
    return [...rows];
  });
  const nI = itemIndex.size;
  const userRows = [...sequences.map((cols) => rowOf(cols, 1 + o.alpha)), ...pseudoUsers(sequences, itemIndex, o, labels)];
  const itemRows: Row[] = Array.from({ length: nI }, () => ({ cols: [], conf: [] }));
  userRows.forEach((r, u) =>
    r.cols.forEach((i, k) => {
      itemRows[i].cols.push(u);
      itemRows[i].conf.push(r.conf[k]);
    }),
  );
  const d = o.dim;
  const rng = createRng(o.seed);
  const init = o.solver === 'cg' ? (): number => rng.next() * 0.01 : (): number => rng.normal() * 0.01;
  const X = Float32Array.from({ length: userRows.length * d }, init);
  const Y = Float32Array.from({ length: nI * d }, init);
  const halfStep = o.solver === 'cg' ? cgHalfStep : exactHalfStep;
  for (let it = 0; it < o.iterations; it++) {
    const t0 = Date.now();
    halfStep(X, Y, userRows, o);
    halfStep(Y, X, itemRows, o);
    log(`  als iteration ${it + 1}/${o.iterations} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const popularity = new Float32Array(nI);
  for (const cols of sequences) for (const i of cols) popularity[i]++;
  const prior = new Float32Array(d);
  for (let u = 0; u < train.length; u++) for (let j = 0; j < d; j++) prior[j] += X[u * d + j] / train.length;
  return {
    formatVersion: 1,
    modelVersion: version,
    dim: d,
    itemIds: [...itemIndex.keys()],
    itemEmb: Y,
    itemBias: Float32Array.from(popularity, (c) => o.popularityBias * Math.log1p(c)),
    w: new Float32Array(d).fill(1),
    bias: 0,
    priorUser: prior,
    popularity,
    hyperParameters: { trainer: 'implicit-als', ...o },
  };
}

function rowOf(cols: number[], c: number): Row {
  return { cols, conf: cols.map(() => c) };
}

/** The window and attribute pseudo-users of `o` (none by default). */
function pseudoUsers(sequences: number[][], itemIndex: Map<string, number>, o: AlsOptions, labels?: Map<string, string[]>): Row[] {
  const out: Row[] = [];
  const win = o.windows;
  if (win)
    for (const seq of sequences)
      for (let a = 0; a + 1 < seq.length; a += win.stride) out.push(rowOf(seq.slice(a, a + win.size), 1 + o.alpha * win.weight));
  if (o.attributes) {
    if (!labels) throw new Error('ALS attributes need the item labels');
    const byLabel = new Map<string, number[]>();
    for (const [id, i] of itemIndex)
      for (const l of labels.get(id) ?? []) {
        if (!byLabel.has(l)) byLabel.set(l, []);
        byLabel.get(l)!.push(i);
      }
    for (const cols of byLabel.values()) out.push(rowOf(cols, 1 + o.alpha * o.attributes.weight));
  }
  return out;
}

/** Every row of `target` solved exactly against `other` (the engine's own fold-in). */
function exactHalfStep(target: Float32Array, other: Float32Array, rows: Row[], o: AlsOptions): void {
  const d = o.dim;
  const gram = gramian(other, d);
  const ones = new Float32Array(d).fill(1);
  rows.forEach((row, r) => {
    const { delta } = solveFoldIn({ gram, w: ones, rows: row.cols.map((k) => other.subarray(k * d, k * d + d)), conf: row.conf, ridge: o.reg });
    for (let j = 0; j < d; j++) target[r * d + j] = delta[j];
  });
}

/**
 * implicit's `least_squares_cg`: per row, `cgSteps` conjugate-gradient steps on (YᵀY + λI + Σ (c−1) y yᵀ) x = Σ c y,
 * warm-started from the row's previous value — the pipeline's own ALS half-step (src/train/als.ts) with an
 * unobserved weight of 1, no frequency scaling, and each pair's weight c − 1 (alpha 1).
 */
function cgHalfStep(target: Float32Array, other: Float32Array, rows: Row[], o: AlsOptions): void {
  const d = o.dim;
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((row, r) => (offsets[r + 1] = offsets[r] + row.cols.length));
  const weighted = {
    offsets,
    cols: Int32Array.from(rows.flatMap((row) => row.cols)),
    weights: Float32Array.from(rows.flatMap((row) => row.conf.map((c) => c - 1))),
  };
  const cfg = { alpha: 1, unobservedWeight: 1, reg: o.reg, regExponent: 0, cgSteps: o.cgSteps ?? 3 };
  alsHalfStep(target, other, weighted, other.length / d, cfg, d);
  rows.forEach((row, r) => row.cols.length === 0 && target.fill(0, r * d, r * d + d));
}
