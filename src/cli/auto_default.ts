import { flagGiven } from './args.ts';

/**
 * When `pretrain` tunes itself without being asked (`--auto` by default): on a log large enough that a validation
 * split can tell recipes apart and that training dominates the trials' cost anyway, unless the command already
 * fixes the recipe. `--auto` / `--no-auto` always win.
 */

/** Interactions from which `--auto` is the default: below this a leave-one-out validation split has few hundred
 * users, whose full-ranking HR@10 differs by ±0.02 from one split to the next (more than recipes differ). */
export const AUTO_MIN_EVENTS = 100_000;
/** Users from which `--auto` is the default (the learner's replay holds out up to a fifth of them). */
export const AUTO_MIN_USERS = 500;

/** Flags that fix the recipe (or how it is chosen): given any of them, the command means it and `--auto` stays off. */
export const RECIPE_FLAGS = ['dim', 'l2', 'als-alpha', 'als-unobserved', 'recency-boost', 'recency-half-life', 'epochs', 'solver', 'validate'];

/**
 * Whether `pretrain` runs `--auto`, and why (printed).
 *
 * @example
 * autoDecision(['--data', 'log.csv'], undefined, 2_000_000, 40_000); // { auto: true, why: '...' }
 */
export function autoDecision(argv: string[], asked: boolean | undefined, events: number, users: number): { auto: boolean; why: string } {
  if (asked !== undefined) return { auto: asked, why: asked ? '--auto' : '--no-auto' };
  const fixed = RECIPE_FLAGS.filter((f) => flagGiven(argv, f) || argv.includes(`--no-${f}`));
  if (fixed.length) return { auto: false, why: `the recipe is given (--${fixed.join(', --')})` };
  if (events < AUTO_MIN_EVENTS || users < AUTO_MIN_USERS)
    return { auto: false, why: `the log is small (${events.toLocaleString('en')} interactions, ${users.toLocaleString('en')} users; --auto is the default from ${AUTO_MIN_EVENTS.toLocaleString('en')} and ${AUTO_MIN_USERS} users)` };
  return { auto: true, why: `--auto by default: ${events.toLocaleString('en')} interactions, ${users.toLocaleString('en')} users (--no-auto to train the recipe as given)` };
}
