/**
 * Choosing the on-device learner's settings by replay (DESIGN.md protocol 2): each candidate is scored by
 * `evaluate` (in the CLI: held-out users of the shop's log replayed through the Engine, src/cli/learner_auto.ts),
 * by prequential HR@10 per step bucket. The plain closed-form fold-in is always a candidate and the bar: a
 * candidate is eligible only if it is at least as good as the fold-in in every bucket, and the best eligible one
 * by overall HR@10 (then NDCG@10) wins, so the choice is never worse than the fold-in on the validation users.
 * After the fold-in and the built-in defaults, a coordinate search walks one knob at a time from the most promising
 * candidate so far — by overall HR@10 less a steep penalty for every bucket below the fold-in, so it can start from a
 * candidate that wins overall but loses a bucket by a hair and look for the change that clears the bar — until the
 * time budget would be overrun. Only an eligible candidate is ever chosen.
 */
import type { LearnerConfig } from '../engine/learner_config.ts';
import { DEFAULT_LEARNER, resolveLearnerConfig } from '../engine/learner_config.ts';
import { checkShippedSettings } from '../engine/shipped_learner.ts';
import type { BucketName, Scores } from './prequential.ts';
import { BUCKETS } from './prequential.ts';

/**
 * The plain closed-form fold-in as learner settings: the least-squares user vector of every event so far
 * (confidence 1 + 10, ridge 8, no decay, no denoising, no stochastic steps), scaled so far past the prior that the
 * prior only breaks ties. The same as bench/adapt's `foldInMethod` but for that tie-break and a half-life of 10⁶
 * events (JSON has no Infinity).
 */
export const FOLD_IN_SETTINGS: Partial<LearnerConfig> = {
  ridge: 8,
  alpha: 10,
  foldInScale: 1000,
  warmupEvents: 0,
  steps: 0,
  halfLifeEvents: 1e6,
  denoise: false,
  isolatedShare: 1,
  attributeWeight: 0,
};

type Knob = keyof LearnerConfig;
/** The knobs the search walks, in order, with the values tried (each inside LEARNER_BOUNDS). */
export const LEARNER_SPACE: [Knob, (number | boolean)[]][] = [
  // first the blend of the prior and the fold-in (what separates the defaults from the plain fold-in in the first
  // clicks), then what moved HR@10 most in bench:adapt's tuning: the warm-up, the decay, the attributes, the steps
  ['foldInScale', [10, 30, 100, 1000]],
  ['warmupEvents', [0, 3, 5]],
  ['halfLifeEvents', [1, 3, 10, 1e6]],
  ['attributeWeight', [0, 0.3]],
  ['steps', [0, 1, 2]],
  ['alpha', [10, 40]],
  ['ridge', [2, 8, 32]],
  ['lrUser', [0.005, 0.02, 0.05]],
  ['proximal', [1, 10, 100]],
  ['apr', [true, false]],
  ['denoise', [true, false]],
  ['isolatedShare', [0.5, 1]],
];
/** Knobs that only matter with stochastic steps, or with item attributes. */
const NEEDS_STEPS = new Set<Knob>(['lrUser', 'proximal', 'apr']);
const NEEDS_ATTRIBUTES = new Set<Knob>(['attributeWeight']);

export interface LearnerTrial {
  trial: number;
  /** What the trial changed ('closed-form fold-in', 'defaults', or `knob=value`). */
  label: string;
  settings: Partial<LearnerConfig>;
  hr: Record<BucketName, number>;
  ndcg: Record<BucketName, number>;
  /** At least the fold-in's HR@10 in every bucket. */
  eligible: boolean;
  seconds: number;
}

export interface LearnerTuneResult {
  /** The winner, every searched knob written out (so a later change of the defaults does not change it). */
  best: Partial<LearnerConfig>;
  bestLabel: string;
  trials: LearnerTrial[];
  metric: string;
  budgetSeconds: number;
}

export interface LearnerTuneOptions {
  budgetSeconds: number;
  /** The model has item attributes (otherwise the attribute affinity is not tried). */
  attributes?: boolean;
  space?: [Knob, (number | boolean)[]][];
  onTrial?: (t: LearnerTrial) => void;
  /** Clock in ms (tests). */
  now?: () => number;
}

/**
 * @example
 * const r = await tuneLearner((s) => runProtocol(engineMethod(model, s), streams), { budgetSeconds: 300 });
 * model.learner = r.best;
 */
export async function tuneLearner(evaluate: (settings: Partial<LearnerConfig>) => Promise<Scores>, o: LearnerTuneOptions): Promise<LearnerTuneResult> {
  const now = o.now ?? Date.now;
  const t0 = now();
  const space = (o.space ?? LEARNER_SPACE).filter(([k]) => o.attributes || !NEEDS_ATTRIBUTES.has(k));
  const trials: LearnerTrial[] = [];
  const tried = new Set<string>();
  let bar: Scores | undefined;
  const run = async (label: string, settings: Partial<LearnerConfig>): Promise<LearnerTrial | undefined> => {
    const full = pinned(settings, space);
    if (!full) return undefined; // outside the bounds every browser checks: never tried, never shipped
    const key = JSON.stringify(resolveLearnerConfig(full)); // the same effective settings run once
    if (tried.has(key)) return undefined;
    tried.add(key);
    const start = now();
    const s = await evaluate(full);
    bar ??= s; // the first trial is the fold-in: the bar every other one must clear
    const pick = (f: 'hr' | 'ndcg') => Object.fromEntries(BUCKETS.map((b) => [b.name, s[b.name][f]])) as Record<BucketName, number>;
    const t: LearnerTrial = { trial: trials.length + 1, label, settings: full, hr: pick('hr'), ndcg: pick('ndcg'), eligible: clears(s, bar), seconds: (now() - start) / 1000 };
    trials.push(t);
    o.onTrial?.(t);
    return t;
  };
  const overBudget = (): boolean => {
    const spent = (now() - t0) / 1000;
    const mean = spent / Math.max(1, trials.length);
    return spent + mean > o.budgetSeconds;
  };
  const foldIn = (await run('closed-form fold-in', FOLD_IN_SETTINGS))!;
  let best = better(await run('defaults', {}), foldIn);
  let from = promising(trials, foldIn);
  for (const [knob, values] of space) {
    if (NEEDS_STEPS.has(knob) && from.settings.steps === 0) continue;
    const base = from.settings;
    for (const v of values) {
      if (overBudget()) return result(best, trials, o.budgetSeconds);
      best = better(await run(`${knob}=${String(v)}`, { ...base, [knob]: v }), best);
    }
    from = promising(trials, foldIn);
  }
  return result(best, trials, o.budgetSeconds);
}

/** HR@10 lost per unit below the fold-in in a bucket, when choosing where the search goes next. */
const SHORTFALL_PENALTY = 10;

/** The trial the search continues from: best overall HR@10 less the penalty for buckets below the fold-in. */
function promising(trials: LearnerTrial[], foldIn: LearnerTrial): LearnerTrial {
  const value = (t: LearnerTrial): number => t.hr.all - SHORTFALL_PENALTY * BUCKETS.reduce((a, b) => a + Math.max(0, foldIn.hr[b.name] - t.hr[b.name]), 0);
  return trials.reduce((a, t) => (value(t) > value(a) ? t : a), foldIn);
}

/**
 * Every searched knob written out, from the defaults where `settings` leaves it; undefined when the artefact's
 * check (the browsers' bounds) would refuse them.
 */
function pinned(settings: Partial<LearnerConfig>, space: [Knob, unknown[]][]): Partial<LearnerConfig> | undefined {
  const out: Record<string, unknown> = {};
  const keys = new Set<Knob>([...(Object.keys(FOLD_IN_SETTINGS) as Knob[]), ...space.map(([k]) => k)]);
  for (const k of keys) out[k] = settings[k] ?? DEFAULT_LEARNER[k];
  try {
    return checkShippedSettings(out);
  } catch {
    return undefined;
  }
}

function clears(s: Scores, bar: Scores): boolean {
  return BUCKETS.every((b) => s[b.name].hr >= bar[b.name].hr);
}

function better(t: LearnerTrial | undefined, best: LearnerTrial): LearnerTrial {
  if (!t || !t.eligible) return best;
  if (t.hr.all !== best.hr.all) return t.hr.all > best.hr.all ? t : best;
  return t.ndcg.all > best.ndcg.all ? t : best;
}

function result(best: LearnerTrial, trials: LearnerTrial[], budgetSeconds: number): LearnerTuneResult {
  return { best: best.settings, bestLabel: best.label, trials, metric: 'validation users, prequential HR@10 (all steps), at least the closed-form fold-in in every bucket', budgetSeconds };
}
