/**
 * Every knob of the on-device learner, with the defaults the adaptation bench was tuned with (tuned on
 * training users only, see `bench/adapt/run.ts`). A data table on purpose: the engine, the tests and the bench read it.
 */
import type { EventType } from './api.ts';
import { InvalidInputError } from '../errors.ts';
import { DEFAULT_SEQUENCE, resolveSequenceSettings, type SequenceSettings } from './sequence_settings.ts';

export interface LearnerConfig {
  // --- closed-form anchor (confidence-weighted ridge fold-in, recomputed per event) ---
  /** Ridge strength of the fold-in (proximal pull toward the prior user vector p_0). */
  ridge: number;
  /** Confidence of a positive: 1 + alpha · typeWeight · decay. */
  alpha: number;
  /** Scale from the fold-in solution to the model's logit space: p = p_0 + scale · δ. */
  foldInScale: number;
  /** Learned events before the shopper's own fold-in and steps kick in: until then the popularity-like
   * prior ranks (on MovieLens any personal signal from the first 4 clicks lowered HR@10; on Beauty it helps). */
  warmupEvents: number;
  // --- stochastic steps on top of the anchor ---
  /** Sparse steps per learned event. */
  steps: number;
  /** Sampled negatives per positive. */
  negatives: number;
  /** Share of the negatives drawn among the currently top-scored unseen items ("hard" negatives). */
  hardNegativeShare: number;
  /** Negative sampler: uniform or popularity^0.75. */
  sampler: 'uniform' | 'popularity';
  /** Earlier positives replayed with each new one (no forgetting). */
  replay: number;
  loss: 'bce' | 'bpr';
  /** Learning rate of the user vector. */
  lrUser: number;
  /** Learning rate of the per-user delta on the top layer w (0 freezes it; off by default: with the fold-in's
   * large p_u every rate tried lowered HR@10 in bench:adapt). */
  lrDense: number;
  /** Learning rate of the per-user deltas on touched item vectors (0 freezes them). */
  lrItem: number;
  /** Proximal strength λ pulling p_u back toward its anchor after each step. */
  proximal: number;
  // --- APR (adversarial personalised ranking) ---
  apr: boolean;
  /** Perturbation radius ε of Δ = ε·g/‖g‖. */
  aprEpsilon: number;
  /** Weight λ_adv of the adversarial loss L(θ + Δ). */
  aprWeight: number;
  // --- attribute affinity (attribute_affinity.ts) ---
  /** Logit added per idf unit to items sharing a rare attribute with a recent click. 0 (off) by default: it
   * needs the model's itemAttributes and a weight on the scale of the model's logits (bench:adapt: 0.3 with
   * the Beauty ALS model, chosen on validation users). */
  attributeWeight: number;
  /** Half-life of a click's attribute affinity, counted in later events. */
  attributeHalfLifeEvents: number;
  /** Attributes held by more than this share of the catalogue are ignored. */
  attributeMaxShare: number;
  // --- time decay ---
  /** Half-life of an event's weight, counted in later events. */
  halfLifeEvents: number;
  /** Half-life in milliseconds of wall time (Infinity: none). */
  halfLifeMs: number;
  // --- denoising ---
  denoise: boolean;
  /** The same item and type again within this many ms is a repeat, not new evidence. */
  repeatWindowMs: number;
  /** Events closer than this to the previous one count toward a burst. */
  burstGapMs: number;
  /** This many consecutive fast events make a burst: the rest of it is ignored. */
  burstLength: number;
  /** Share of the highest-loss (lowest-scored) earlier positives left out of each fit (truncated loss). */
  truncateRate: number;
  /** The newest positives are never truncated (so a change of taste is not mistaken for noise). */
  truncateKeepRecent: number;
  /** A positive none of whose ±3 neighbours is in its top (1 − this) most similar items is isolated. */
  isolationPercentile: number;
  /** Confidence multiplier of an isolated positive (1: off). */
  isolatedWeight: number;
  /** When the newest positive is isolated (a new interest or a stray click: nothing after it can tell yet), the
   * share of the top-k ranked as if it were learned in full; the rest is ranked as if it never happened, and
   * the two lists are interleaved. 1: off (the newest click is down-weighted like any isolated one). */
  isolatedShare: number;
  /** Weight of each event type in its confidence; 0: stored and seen, but not learned (it does not age the
   * clicks learned either, e.g. views in a shop that only trusts selects). */
  typeWeights: Record<EventType, number>;
  /** Under a sequence model: the per-user delta, the fold-in hybrid γ and the prior shrinkage κ (sequence_settings.ts);
   * merged key by key like `typeWeights`. */
  sequence: SequenceSettings;
  // --- storage ---
  /** Positives kept in the checkpoint (the fit's window; older ones are folded into p_u and dropped). */
  historySize: number;
  /** Compact the event log above this many events, keeping `keepEvents`. */
  maxEvents: number;
  keepEvents: number;
  /** Item ids remembered as seen (for excludeSeen) in the checkpoint. */
  maxSeen: number;
}

export const DEFAULT_LEARNER: LearnerConfig = {
  ridge: 8,
  alpha: 40,
  foldInScale: 30,
  warmupEvents: 0,
  steps: 1,
  negatives: 8,
  hardNegativeShare: 0,
  sampler: 'popularity',
  replay: 4,
  loss: 'bpr',
  lrUser: 0.02,
  lrDense: 0,
  lrItem: 0,
  proximal: 10,
  apr: true,
  aprEpsilon: 0.5,
  aprWeight: 0.5,
  attributeWeight: 0,
  attributeHalfLifeEvents: 3,
  attributeMaxShare: 0.05,
  halfLifeEvents: 3,
  halfLifeMs: Infinity,
  denoise: true,
  repeatWindowMs: 30_000,
  burstGapMs: 150,
  burstLength: 4,
  truncateRate: 0.1,
  truncateKeepRecent: 2,
  isolationPercentile: 0.9,
  isolatedWeight: 0.25,
  isolatedShare: 1,
  typeWeights: { view: 0.5, select: 1, add_to_cart: 2, purchase: 3 },
  sequence: DEFAULT_SEQUENCE,
  historySize: 200,
  maxEvents: 4000,
  keepEvents: 2000,
  maxSeen: 5000,
};

/**
 * The accepted range of every numeric setting: [min, max], `int` for counts, `open` when min itself is refused
 * (a half-life of 0 divides by zero), `inf` where Infinity is meaningful (a half-life of Infinity: no decay).
 * Upper bounds keep one click cheap (negatives 1e5 cost 2.5 s) and every score finite (alpha 1e300, an infinite
 * attributeWeight); the fuzz test in test/faults/learner_settings.test.ts draws settings from these ranges and
 * checks that no score comes out NaN or infinite.
 */
export const LEARNER_BOUNDS: Record<Exclude<keyof LearnerConfig, 'sampler' | 'loss' | 'apr' | 'denoise' | 'typeWeights' | 'sequence'>, { min: number; max: number; int?: boolean; open?: boolean; inf?: boolean }> = {
  ridge: { min: 0, max: 1e4, open: true },
  alpha: { min: 0, max: 1e4 },
  foldInScale: { min: 0, max: 1e3 },
  warmupEvents: { min: 0, max: 1e4, int: true },
  steps: { min: 0, max: 64, int: true },
  negatives: { min: 0, max: 256, int: true },
  hardNegativeShare: { min: 0, max: 1 },
  replay: { min: 0, max: 256, int: true },
  lrUser: { min: 0, max: 1 },
  lrDense: { min: 0, max: 1 },
  lrItem: { min: 0, max: 1 },
  proximal: { min: 0, max: 1e4 },
  aprEpsilon: { min: 0, max: 100 },
  aprWeight: { min: 0, max: 100 },
  attributeWeight: { min: 0, max: 100 },
  attributeHalfLifeEvents: { min: 0, max: 1e6, open: true, inf: true },
  attributeMaxShare: { min: 0, max: 1 },
  halfLifeEvents: { min: 0, max: 1e6, open: true, inf: true },
  halfLifeMs: { min: 1, max: 1e13, inf: true },
  repeatWindowMs: { min: 0, max: 1e10 },
  burstGapMs: { min: 0, max: 1e7 },
  burstLength: { min: 1, max: 1e4, int: true },
  truncateRate: { min: 0, max: 0.9 },
  truncateKeepRecent: { min: 0, max: 1e4, int: true },
  isolationPercentile: { min: 0, max: 1 },
  isolatedWeight: { min: 0, max: 100 },
  isolatedShare: { min: 0, max: 1 },
  historySize: { min: 1, max: 10_000, int: true },
  maxEvents: { min: 1, max: 1e6, int: true },
  keepEvents: { min: 0, max: 1e6, int: true },
  maxSeen: { min: 0, max: 1e6, int: true },
};

/** Upper bound of an event type's weight in the confidence. */
export const MAX_TYPE_WEIGHT = 100;

/**
 * Defaults overridden by `partial`; rejects unknown settings, wrong types and values outside LEARNER_BOUNDS
 * with an InvalidInputError that names the setting and its range.
 *
 * @example
 * resolveLearnerConfig({ negatives: 16 }).negatives; // 16
 * resolveLearnerConfig({ halfLifeMs: 0 }); // throws InvalidInputError: learner.halfLifeMs must be ... in [1, 1e13] or Infinity
 */
export function resolveLearnerConfig(partial: Partial<LearnerConfig> = {}): LearnerConfig {
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) throw new InvalidInputError(`learner settings must be an object, got ${String(partial)}`);
  for (const [k, v] of Object.entries(partial)) {
    if (!Object.hasOwn(DEFAULT_LEARNER, k)) throw new InvalidInputError(`learner: unknown setting "${k}"`);
    const want = typeof DEFAULT_LEARNER[k as keyof LearnerConfig];
    if (typeof v !== want || (want === 'object' && (v === null || Array.isArray(v)))) throw new InvalidInputError(`learner.${k} must be a ${want}, got ${JSON.stringify(v)}`);
  }
  const cfg = { ...DEFAULT_LEARNER, ...partial, typeWeights: { ...DEFAULT_LEARNER.typeWeights, ...partial.typeWeights }, sequence: resolveSequenceSettings(partial.sequence) };
  for (const [k, b] of Object.entries(LEARNER_BOUNDS)) checkBound(k, cfg[k as keyof typeof LEARNER_BOUNDS], b);
  if (cfg.keepEvents > cfg.maxEvents) throw new InvalidInputError('learner.keepEvents must not exceed learner.maxEvents');
  for (const [type, w] of Object.entries(cfg.typeWeights)) {
    if (!Object.hasOwn(DEFAULT_LEARNER.typeWeights, type)) throw new InvalidInputError(`learner.typeWeights: unknown event type "${type}"`);
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > MAX_TYPE_WEIGHT)
      throw new InvalidInputError(`learner.typeWeights.${type} must be a finite number in [0, ${MAX_TYPE_WEIGHT}], got ${String(w)}`);
  }
  if (cfg.loss !== 'bce' && cfg.loss !== 'bpr') throw new InvalidInputError(`learner.loss must be 'bce' or 'bpr', got ${String(cfg.loss)}`);
  if (cfg.sampler !== 'uniform' && cfg.sampler !== 'popularity') throw new InvalidInputError(`learner.sampler must be 'uniform' or 'popularity', got ${String(cfg.sampler)}`);
  return cfg;
}

function checkBound(key: string, v: number, b: (typeof LEARNER_BOUNDS)[keyof typeof LEARNER_BOUNDS]): void {
  if (b.inf && v === Infinity) return;
  const ok = Number.isFinite(v) && (b.open ? v > b.min : v >= b.min) && v <= b.max && (!b.int || Number.isInteger(v));
  if (ok) return;
  const range = `${b.open ? '(' : '['}${b.min}, ${b.max}]${b.inf ? ' or Infinity' : ''}`;
  throw new InvalidInputError(`learner.${key} must be ${b.int ? 'an integer' : 'a finite number'} in ${range}, got ${String(v)}`);
}
