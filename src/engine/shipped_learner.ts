/**
 * Learner settings shipped in the artefact (`GlobalModel.learner`, chosen by `pretrain --auto` on the shop's own
 * log) and how they meet the shop's own `learner` option: defaults ← shipped ← shop, key by key. Shipped settings
 * are checked with the same bounds as the shop's (learner_config.ts); refused ones cost a warning, never the model:
 * the engine then learns with its built-in defaults.
 */
import type { LearnerConfig } from './learner_config.ts';
import { DEFAULT_LEARNER, resolveLearnerConfig } from './learner_config.ts';
import { InvalidInputError } from '../errors.ts';

/** The name in the warning when a model's shipped settings are refused (search the console for it). */
export const SHIPPED_SETTINGS_WARNING = 'ShippedLearnerSettingsInvalid';

/** The event log's and checkpoint's sizes are the shop's storage budget (the `maxEvents` option), never a model's. */
export const STORAGE_SETTINGS = ['historySize', 'maxEvents', 'keepEvents', 'maxSeen'] as const;

/**
 * Checks settings a model ships: a plain JSON object of known learning settings inside LEARNER_BOUNDS, no storage
 * sizes. Throws InvalidInputError naming the first problem.
 *
 * @example
 * checkShippedSettings({ ridge: 8, steps: 0 }); // { ridge: 8, steps: 0 }
 * checkShippedSettings({ maxEvents: 5 }); // throws InvalidInputError
 */
export function checkShippedSettings(raw: unknown): Partial<LearnerConfig> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidInputError(`learner settings must be an object, got ${JSON.stringify(raw)}`);
  for (const k of STORAGE_SETTINGS) if (Object.hasOwn(raw, k)) throw new InvalidInputError(`learner.${k} is the shop's storage budget, not a model setting`);
  const settings = raw as Partial<LearnerConfig>;
  resolveLearnerConfig(settings);
  // what JSON cannot carry (Infinity, NaN, undefined) would arrive as null and be refused by every browser
  if (JSON.stringify(settings) !== JSON.stringify(JSON.parse(JSON.stringify(settings))) || hasNonJson(settings))
    throw new InvalidInputError('learner settings must survive JSON (no Infinity, NaN or undefined)');
  return settings;
}

function hasNonJson(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (v === undefined) return true;
  if (typeof v === 'object' && v !== null) return Object.values(v).some(hasNonJson);
  return false;
}

/**
 * The model's shipped settings, or `{}` (the built-in defaults) with a `ShippedLearnerSettingsInvalid` warning
 * when they are refused.
 *
 * @example
 * shippedSettings({ modelVersion: 'v1', learner: { ridge: 2 } }); // { ridge: 2 }
 */
export function shippedSettings(model: { modelVersion: string; learner?: unknown }): Partial<LearnerConfig> {
  if (model.learner === undefined) return {};
  try {
    return { ...checkShippedSettings(model.learner) };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    console.warn(`tastebud: ${SHIPPED_SETTINGS_WARNING}: model ${model.modelVersion} ships learner settings this tastebud refuses (${why}); learning with the built-in defaults`);
    return {};
  }
}

/**
 * The engine's settings: built-in defaults, then the model's shipped ones, then the shop's own (which are checked
 * and throw as before). `typeWeights` merge per event type, `sequence` per setting.
 *
 * @example
 * engineLearnerConfig({ modelVersion: 'v1', learner: { ridge: 2 } }, { ridge: 4 }).ridge; // 4 (the shop's)
 */
export function engineLearnerConfig(model: { modelVersion: string; learner?: unknown }, shop: Partial<LearnerConfig> = {}): LearnerConfig {
  const shipped = shippedSettings(model);
  if (typeof shop !== 'object' || shop === null || Array.isArray(shop)) return resolveLearnerConfig(shop);
  resolveLearnerConfig(shop); // the shop's own, checked as given (a `typeWeights` or `sequence` that is not an object would vanish in the merge)
  const typeWeights = { ...DEFAULT_LEARNER.typeWeights, ...shipped.typeWeights, ...shop.typeWeights };
  const sequence = { ...DEFAULT_LEARNER.sequence, ...shipped.sequence, ...shop.sequence };
  return resolveLearnerConfig({ ...shipped, ...shop, typeWeights, sequence });
}
