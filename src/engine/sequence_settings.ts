/**
 * The on-device learner's settings under a sequence model (sequence_user.ts): `learner.sequence` in the shop's
 * options and in the settings a model ships (chosen by `pretrain --model sasrec` on the shop's own log).
 */
import { InvalidInputError } from '../errors.ts';

export interface SequenceSettings {
  /** Learning rate of the per-user delta δ (0: no delta). */
  lrDelta: number;
  /** Proximal pull of δ toward 0 after each step. */
  proximalDelta: number;
  /** Sampled negatives (popularity^0.75) of each delta step. */
  negatives: number;
  /** Weight γ of the matrix-factorisation fold-in p_u − p_0 in the ranking vector (0: pure sequence). */
  hybrid: number;
  /** κ: the encoding of n clicks counts n / (n + κ) against the prior p_0 (0: not shrunk). */
  priorClicks: number;
}

/** Chosen on validation users of bench:adapt (see docs/sequence-runtime.md); a model may ship its own. */
export const DEFAULT_SEQUENCE: SequenceSettings = { lrDelta: 0.05, proximalDelta: 1, negatives: 16, hybrid: 0, priorClicks: 0 };

/** Accepted ranges: a click stays cheap (negatives) and every score finite. */
const SEQUENCE_BOUNDS: Record<keyof SequenceSettings, { max: number; int?: boolean }> = {
  lrDelta: { max: 10 },
  proximalDelta: { max: 1e4 },
  negatives: { max: 10_000, int: true },
  hybrid: { max: 100 },
  priorClicks: { max: 1e6 },
};

/**
 * Defaults overridden by `partial`; an unknown key or a value outside its range is an InvalidInputError naming it.
 *
 * @example
 * resolveSequenceSettings({ hybrid: 0.3 }).priorClicks; // 0
 */
export function resolveSequenceSettings(partial: Partial<SequenceSettings> = {}): SequenceSettings {
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) throw new InvalidInputError(`sequence settings must be an object, got ${JSON.stringify(partial)}`);
  for (const [k, v] of Object.entries(partial)) {
    if (!Object.hasOwn(DEFAULT_SEQUENCE, k)) throw new InvalidInputError(`sequence: unknown setting "${k}"`);
    const b = SEQUENCE_BOUNDS[k as keyof SequenceSettings];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > b.max || (b.int && !Number.isInteger(v)))
      throw new InvalidInputError(`sequence.${k} must be ${b.int ? 'an integer' : 'a finite number'} in [0, ${b.max}], got ${JSON.stringify(v)}`);
  }
  return { ...DEFAULT_SEQUENCE, ...partial };
}
