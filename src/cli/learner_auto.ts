/**
 * `pretrain --auto`, second half: the on-device learner's settings chosen on the shop's own log (DESIGN.md
 * protocol 2). A seeded sample of users is held out; a model with the chosen recipe is trained on everyone else;
 * each held-out user's clicks are replayed in time order through the Engine (recommend, then learn) under each
 * candidate (src/cli/learner_tune.ts). The winner ships in the artefact (`GlobalModel.learner`).
 */
import type { InteractionSet } from '../data/interactions.ts';
import { heldOutUsers, orderByUser } from '../data/split.ts';
import { asPretrainData } from '../eval/experiment.ts';
import { createRng } from '../model/rng.ts';
import type { GlobalModel } from '../model/global_model.ts';
import { pretrain, type PretrainOptions } from '../train/pretrain.ts';
import { engineMethod, MAX_STEPS, runProtocol, type StreamEvent } from './prequential.ts';
import { tuneLearner, type LearnerTrial, type LearnerTuneResult } from './learner_tune.ts';

/**
 * Clicks replayed per trial at most (users are added until their first 100 clicks reach it): a replay step costs
 * 2-12 ms here (64-128 dimensions, 2 loaded cores; the fold-in's solve grows with the history), so a trial takes
 * 15-75 s, and the 1-5 bucket still has a few thousand steps on short-history logs.
 */
export const LEARNER_VALIDATION_CLICKS = 6_000;

export interface LearnerAutoOptions {
  budgetSeconds: number;
  /** Clicks replayed per trial at most (default LEARNER_VALIDATION_CLICKS); never more than a fifth of the users. */
  maxClicks?: number;
  seed?: number;
  onTrial?: (t: LearnerTrial) => void;
  log?: (line: string) => void;
}

export interface LearnerAutoResult extends LearnerTuneResult {
  validationUsers: number;
  validationSteps: number;
  modelSeconds: number;
}

/**
 * Holds out users of `all`, trains `recipe` for `epochs` on the rest and tunes the learner on the held-out users.
 * Returns undefined when the log has too few users with two clicks or more to hold any out.
 *
 * @example
 * const r = await autoLearner(log, { ...opts, epochs: 12 }, { budgetSeconds: 300 });
 * if (r) model.learner = r.best;
 */
export async function autoLearner(all: InteractionSet, recipe: PretrainOptions, o: LearnerAutoOptions): Promise<LearnerAutoResult | undefined> {
  const { held, streams } = validationStreams(all, o.maxClicks ?? LEARNER_VALIDATION_CLICKS, o.seed ?? 1);
  if (streams.length === 0) return undefined;
  const t0 = Date.now();
  const { validate: _v, onEpoch: _e, onProgress: _p, ...quiet } = recipe;
  const { train } = heldOutUsers(all, (_, u) => held.has(u));
  const others = new Set(train.users).size;
  o.log?.(`  training the replay model on the other ${others} users (${streams.length} held out)`);
  const { model } = await pretrain(asPretrainData(train), { ...quiet, modelVersion: 'learner-validation' });
  const modelSeconds = (Date.now() - t0) / 1000;
  const budgetSeconds = Math.max(0, o.budgetSeconds - modelSeconds);
  const tuned = await tuneLearner((s) => runProtocol(engineMethod(model, s), streams), { budgetSeconds, attributes: hasAttributes(model), onTrial: o.onTrial });
  return { ...tuned, budgetSeconds: o.budgetSeconds, validationUsers: streams.length, validationSteps: streams.reduce((a, s) => a + s.length, 0), modelSeconds };
}

/**
 * A seeded sample of the users with at least two events (until their first 100 events reach `maxClicks`, at most a
 * fifth of the users), and those events in time order (by file order in a log without times).
 */
export function validationStreams(all: InteractionSet, maxClicks: number, seed: number): { held: Set<number>; streams: StreamEvent[][] } {
  const byUser = orderByUser(all);
  const candidates = byUser.map((ev, u) => (ev.length >= 2 ? u : -1)).filter((u) => u >= 0);
  const rng = createRng(seed);
  for (let k = candidates.length - 1; k > 0; k--) {
    const j = rng.int(k + 1);
    [candidates[k], candidates[j]] = [candidates[j], candidates[k]];
  }
  const chosen: number[] = [];
  let clicks = 0;
  for (const u of candidates) {
    if (clicks >= maxClicks || chosen.length >= Math.floor(byUser.length / 5)) break;
    chosen.push(u);
    clicks += Math.min(MAX_STEPS, byUser[u].length);
  }
  chosen.sort((a, b) => a - b);
  const streams = chosen.map((u) =>
    Array.from(byUser[u].subarray(0, MAX_STEPS), (n) => ({ itemId: all.itemIds[all.items[n]], timestamp: all.timestamps[n], scored: true })),
  );
  return { held: new Set(chosen), streams };
}

function hasAttributes(model: GlobalModel): boolean {
  return (model.itemAttributes ?? []).some((a) => Object.keys(a).length > 0);
}
