/**
 * Isolated-click detection, the denoiser for accidental clicks that are neither repeats nor bursts: a real
 * interest shows up in neighbouring clicks (a taste switch is a run of similar items), a stray click is
 * unlike everything clicked around it. A positive is "confirmed" when one of its neighbours in the history
 * (±3 positions) is among its most similar items (cosine, percentile against a fixed probe of the
 * catalogue); unconfirmed ones keep only `isolatedWeight` of their confidence. Once a positive has all its
 * later neighbours its verdict is final and cached on the entry.
 */
import type { LearnerConfig } from './learner_config.ts';
import type { ModelContext } from './model_context.ts';
import type { HistoryEntry } from './user_state.ts';

const REACH = 3;
const PROBE = 256;

interface Probe {
  rows: Int32Array;
  norms: Float32Array;
}
const probes = new WeakMap<ModelContext, Probe>();

function probeOf(ctx: ModelContext): Probe {
  let p = probes.get(ctx);
  if (!p) {
    const n = Math.min(PROBE, ctx.numItems);
    const rows = Int32Array.from({ length: n }, (_, k) => Math.floor((k * ctx.numItems) / n));
    const norms = new Float32Array(ctx.numItems);
    for (let i = 0; i < ctx.numItems; i++) norms[i] = Math.sqrt(dotRows(ctx, i, i)) || 1;
    probes.set(ctx, (p = { rows, norms }));
  }
  return p;
}

/**
 * Trust multipliers (1 or `cfg.isolatedWeight`) for the given known history entries, oldest first.
 *
 * @example
 * const trust = isolationTrust(ctx, entries, cfg); // e.g. [1, 1, 0.25, 1]
 */
export function isolationTrust(ctx: ModelContext, entries: HistoryEntry[], cfg: LearnerConfig): number[] {
  if (!cfg.denoise || cfg.isolatedWeight >= 1 || entries.length < 3) return entries.map(() => 1);
  return entries.map((e, t) => {
    if (e.trust !== undefined) return e.trust;
    // hedged: the newest click is learned in full and the ranking hedges on it instead (ranker.ts); once a
    // later click is in, its neighbours judge it like any other
    if (t === entries.length - 1 && hedges(cfg)) return 1;
    const trust = confirmation(ctx, entries, t) >= cfg.isolationPercentile ? 1 : cfg.isolatedWeight;
    if (t + REACH < entries.length) e.trust = trust; // every neighbour is in: the verdict is final
    return trust;
  });
}

/** Whether the ranking hedges on an isolated newest click (`isolatedShare` < 1, denoising on). */
export function hedges(cfg: LearnerConfig): boolean {
  return cfg.denoise && cfg.isolatedShare < 1;
}

/**
 * Whether the newest of the known history entries is isolated: none of the clicks just before it is among its
 * most similar items. Nothing after it is known yet, so this is the provisional verdict the ranking hedges on.
 *
 * @example
 * if (newestIsolated(ctx, entries, cfg)) { ... } // rank with and without the newest click, then merge
 */
export function newestIsolated(ctx: ModelContext, entries: HistoryEntry[], cfg: LearnerConfig): boolean {
  if (!hedges(cfg) || entries.length < 3) return false;
  return confirmation(ctx, entries, entries.length - 1) < cfg.isolationPercentile;
}

/** The highest similarity percentile of entry t to its ±REACH neighbours (those known so far). */
function confirmation(ctx: ModelContext, entries: HistoryEntry[], t: number): number {
  const probe = probeOf(ctx);
  const i = ctx.index.get(entries[t].itemId)!;
  const cosToProbe = Array.from(probe.rows, (r) => dotRows(ctx, i, r) / (probe.norms[i] * probe.norms[r]));
  let best = 0;
  for (let u = Math.max(0, t - REACH); u <= Math.min(entries.length - 1, t + REACH); u++) {
    if (u === t) continue;
    const f = ctx.index.get(entries[u].itemId)!;
    const c = dotRows(ctx, i, f) / (probe.norms[i] * probe.norms[f]);
    best = Math.max(best, cosToProbe.filter((x) => x < c).length / cosToProbe.length);
  }
  return best;
}

function dotRows(ctx: ModelContext, a: number, b: number): number {
  const d = ctx.dim;
  const V = ctx.itemEmb;
  let acc = 0;
  for (let j = 0; j < d; j++) acc += V[a * d + j] * V[b * d + j];
  return acc;
}
