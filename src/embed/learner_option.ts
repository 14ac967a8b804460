/**
 * `data-learner`: the shop's learner settings as JSON on the script tag, e.g.
 * `data-learner='{"attributeWeight":0.3}'`. Parsed in the runtime (never in the loader, which must not throw into
 * the page); createRecommender then checks every key and value.
 */
import { InvalidInputError } from '../errors.ts';
import type { LearnerConfig } from '../engine/learner_config.ts';

/**
 * @example
 * parseLearnerOption('{"attributeWeight":0.3}'); // { attributeWeight: 0.3 }
 * parseLearnerOption(undefined); // undefined
 */
export function parseLearnerOption(text: string | undefined): Partial<LearnerConfig> | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError(`data-learner must be a JSON object of learner settings: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new InvalidInputError('data-learner must be a JSON object of learner settings');
  return value as Partial<LearnerConfig>;
}
