/**
 * Robustness (DESIGN.md protocol 3): the prequential protocol with random clicks injected (20 % of the events
 * a stream learns; only the real events are scored), learned by the plain learner (the same configuration with
 * APR and denoising off), by the configuration under test, and by plain training told which clicks were
 * injected (the ceiling of any denoiser that works by weighting clicks). Several noise seeds, and a 95 % interval from a
 * paired bootstrap over users, so "plain training loses X" is told apart from run-to-run noise.
 */
import type { GlobalModel } from '../../src/model/global_model.ts';
import { DEFAULT_LEARNER, type LearnerConfig } from '../../src/engine/learner_config.ts';
import { createRng, type Rng } from '../../src/model/rng.ts';
import type { Dataset, Stream } from './data.ts';
import { engineMethod, runProtocol, streamEvents, type Scores, type StreamEvent, type StreamTally } from './protocol.ts';
import { pick } from './extra.ts';

/** 'uniform': any catalogue item; 'popular': drawn ∝ training popularity (what a stray click lands on in a shop). */
export type NoiseKind = 'uniform' | 'popular';

export interface Interval {
  mean: number;
  lo: number;
  hi: number;
}

export interface NoiseResult {
  noise: number;
  kind: NoiseKind;
  seeds: number;
  users: number;
  cleanPlain: Scores;
  noisyPlain: Scores;
  noisyRobust: Scores;
  cleanRobust: Scores;
  /** The ceiling of any denoiser that works by down-weighting clicks: plain training told which clicks were
   * injected (tracked as `view` with type weight 0, so they are seen but not learned). */
  noisyLabelled: Scores;
  /** HR@10 (all steps) that plain training loses to the noise: clean plain − noisy plain. */
  loss: Interval;
  /** What APR + denoising change under noise: noisy robust − noisy plain. */
  gain: Interval;
  /** gain / loss when the loss is measurable (its interval excludes 0), else null. */
  recovered: number | null;
  /** What knowing the injected clicks changes under noise: noisy labelled − noisy plain, and its share of the loss. */
  labelledGain: Interval;
  labelledRecovered: number | null;
}

/**
 * Runs the five variants; noisy ones once per seed, pooled.
 *
 * @example
 * const r = await noiseExperiment(model, ds, 300, TUNED.beauty, { kind: 'uniform' }); r.loss; // { mean, lo, hi }
 */
export async function noiseExperiment(
  model: GlobalModel,
  ds: Dataset,
  users: number,
  cfg: Partial<LearnerConfig>,
  { noise = 0.2, kind = 'uniform' as NoiseKind, seeds = 3 } = {},
): Promise<NoiseResult> {
  const plain = { ...cfg, apr: false, denoise: false };
  const streams = pick(ds.heldOut, users);
  const clean = streams.map((s) => streamEvents(s));
  const noisy = noisyStreams(model, streams, kind, seeds, noise);
  const tallies = { cp: [] as StreamTally[], np: [] as StreamTally[], nr: [] as StreamTally[], nl: [] as StreamTally[] };
  const cleanPlain = await runProtocol(engineMethod(model, plain), clean, tallies.cp);
  const noisyPlain = await runProtocol(engineMethod(model, plain), noisy, tallies.np);
  const noisyRobust = await runProtocol(engineMethod(model, cfg), noisy, tallies.nr);
  const cleanRobust = await runProtocol(engineMethod(model, cfg), clean);
  const noisyLabelled = await runProtocol(engineMethod(model, labelledPlain(cfg), 1, 'view'), noisy, tallies.nl);
  // per user: clean hits, and hits averaged over the noise seeds (same real steps in each)
  const n = streams.length;
  const perUser = (t: StreamTally[], reps: number): Float64Array => {
    const out = new Float64Array(n);
    t.forEach((x, k) => (out[k % n] += x.hits / reps));
    return out;
  };
  const steps = Float64Array.from(tallies.cp, (t) => t.steps);
  const [cp, np, nr, nl] = [perUser(tallies.cp, 1), perUser(tallies.np, seeds), perUser(tallies.nr, seeds), perUser(tallies.nl, seeds)];
  const loss = bootstrap(steps, (u) => cp[u] - np[u]);
  const gain = bootstrap(steps, (u) => nr[u] - np[u]);
  const labelledGain = bootstrap(steps, (u) => nl[u] - np[u]);
  const share = (g: Interval): number | null => (loss.lo > 0 ? g.mean / loss.mean : null);
  const scores = { cleanPlain, noisyPlain, noisyRobust, cleanRobust, noisyLabelled };
  return { noise, kind, seeds, users: n, ...scores, loss, gain, recovered: share(gain), labelledGain, labelledRecovered: share(labelledGain) };
}

/** The plain learner (APR and denoising off) with `view` weighed 0: an injected click tracked as a view is seen, not learned. */
export function labelledPlain(cfg: Partial<LearnerConfig>): Partial<LearnerConfig> {
  return { ...cfg, apr: false, denoise: false, typeWeights: { ...DEFAULT_LEARNER.typeWeights, ...cfg.typeWeights, view: 0 } };
}

/** The streams with `noise` random clicks injected, once per noise seed (seed k: rng 2024 + k), concatenated. */
export function noisyStreams(model: GlobalModel, streams: Stream[], kind: NoiseKind, seeds: number, noise = 0.2): StreamEvent[][] {
  return Array.from({ length: seeds }, (_, k) => {
    const rng = createRng(2024 + k);
    const draw = drawer(model, kind, rng);
    return streams.map((s) => streamEvents(s, noise, rng, draw));
  }).flat();
}

/** Draws an injected click's item: uniform over the catalogue, or by training popularity. */
function drawer(model: GlobalModel, kind: NoiseKind, rng: Rng): () => string {
  if (kind === 'uniform') return () => model.itemIds[rng.int(model.itemIds.length)];
  const cum = new Float64Array(model.popularity.length);
  model.popularity.forEach((p, i) => (cum[i] = (i ? cum[i - 1] : 0) + p));
  return () => {
    const x = rng.next() * cum[cum.length - 1];
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return model.itemIds[lo];
  };
}

/** Mean of Σ diff(u) / Σ steps(u) and its 95 % interval over 1,000 resamples of the users. */
function bootstrap(steps: Float64Array, diff: (u: number) => number, resamples = 1000): Interval {
  const n = steps.length;
  const ratio = (pickUser: () => number): number => {
    let d = 0;
    let s = 0;
    for (let k = 0; k < n; k++) {
      const u = pickUser();
      d += diff(u);
      s += steps[u];
    }
    return s ? d / s : 0;
  };
  let k = 0;
  const mean = ratio(() => k++);
  const rng = createRng(77);
  const draws = Array.from({ length: resamples }, () => ratio(() => rng.int(n))).sort((a, b) => a - b);
  return { mean, lo: draws[Math.floor(0.025 * resamples)], hi: draws[Math.floor(0.975 * resamples)] };
}
