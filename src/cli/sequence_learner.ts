/**
 * `pretrain --model sasrec --auto`, second half: the on-device settings of the sequence model (`learner.sequence`:
 * the fold-in hybrid γ and the prior shrinkage κ, sequence_settings.ts) chosen on the shop's own log, as
 * learner_auto.ts does for matrix factorisation (DESIGN.md protocol 2). A seeded sample of users is held out, a
 * model with the same recipe is trained on everyone else, and each held-out user's clicks are replayed in time
 * order through the Engine (recommend, then learn) under each candidate. The winner ships in the artefact
 * (`GlobalModel.learner.sequence`); the shipped model itself is trained on every user.
 *
 * The candidates are walked coordinate by coordinate: κ at γ = 0, then γ at the best κ, then κ's neighbours at the
 * best γ — about fourteen replays. On ML-1M's and Beauty's validation users both settings moved HR@10 by 0.01-0.1
 * (docs/sequence-runtime.md), and their best values differ between the two logs: a constant would fit one shop.
 */
import type { InteractionSet } from '../data/interactions.ts';
import { heldOutUsers } from '../data/split.ts';
import { DEFAULT_SEQUENCE, type SequenceSettings } from '../engine/sequence_settings.ts';
import type { CreateSequenceEncoder } from '../engine/sequence_user.ts';
import type { GlobalModel } from '../model/global_model.ts';
import { encodeSequence } from '../model/sequence/encode.ts';
import { encodeHistoriesTf } from '../train/sequence/index.ts';
import { validationStreams } from './learner_auto.ts';
import { engineMethod, runProtocol, type Scores, type StreamEvent } from './prequential.ts';
import { startTrainingBackend, trainSequenceFamily, type SequenceFamilyOptions } from './sequence_family.ts';

/** Clicks replayed per trial at most: a replay step costs about 2 ms on ML-1M here (the encodes are batched up front). */
export const SEQUENCE_VALIDATION_CLICKS = 12_000;

export interface SequenceLearnerTrial {
  trial: number;
  settings: Pick<SequenceSettings, 'hybrid' | 'priorClicks'>;
  scores: Scores;
  seconds: number;
}

export interface SequenceLearnerResult {
  /** The chosen settings (what ships as `learner.sequence`). */
  best: Pick<SequenceSettings, 'hybrid' | 'priorClicks'>;
  trials: SequenceLearnerTrial[];
  budgetSeconds: number;
  validationUsers: number;
  validationSteps: number;
  modelSeconds: number;
  /** Stopped by the budget before the walk ended. */
  cut: boolean;
}

export interface SequenceLearnerOptions {
  budgetSeconds: number;
  maxClicks?: number;
  seed?: number;
  onTrial?: (t: SequenceLearnerTrial) => void;
  log?: (line: string) => void;
}

const KAPPAS = [0, 2, 5, 10, 20, 40];
const GAMMAS = [0, 0.15, 0.3, 0.6, 1, 2];

/**
 * Holds out users of `all`, trains the sequence recipe `options` on the rest and walks the settings on the held-out
 * users within `budgetSeconds` of replays (the defaults always run). Undefined when no user can be held out.
 *
 * @example
 * const r = await autoSequenceLearner(log, { timeBudgetMs: 600_000 }, { budgetSeconds: 300 });
 * if (r) model.learner = { ...model.learner, sequence: r.best };
 */
export async function autoSequenceLearner(all: InteractionSet, options: SequenceFamilyOptions, o: SequenceLearnerOptions): Promise<SequenceLearnerResult | undefined> {
  const { held, streams } = validationStreams(all, o.maxClicks ?? SEQUENCE_VALIDATION_CLICKS, o.seed ?? 1);
  if (streams.length === 0) return undefined;
  const t0 = Date.now();
  const { train } = heldOutUsers(all, (_, u) => held.has(u));
  o.log?.(`  training the replay model on the other ${all.userIds.length - held.size} users (${streams.length} held out)`);
  const { model } = await trainSequenceFamily(train, options, 'learner-validation');
  const modelSeconds = (Date.now() - t0) / 1000;
  const sequenceEncoder = await prefixEncoder(model, streams, o.log);
  const start = Date.now();
  const trials: SequenceLearnerTrial[] = [];
  let cut = false;
  const hr = (t: SequenceLearnerTrial): number => t.scores.all.hr;
  const run = async (hybrid: number, priorClicks: number): Promise<void> => {
    if (trials.some((t) => t.settings.hybrid === hybrid && t.settings.priorClicks === priorClicks)) return;
    if (trials.length > 0 && (Date.now() - start) / 1000 >= o.budgetSeconds) {
      cut = true;
      return;
    }
    const t1 = Date.now();
    const settings = { hybrid, priorClicks };
    const scores = await runProtocol(engineMethod(model, {}, 1, undefined, { sequence: settings, sequenceEncoder }), streams);
    const trial = { trial: trials.length + 1, settings, scores, seconds: (Date.now() - t1) / 1000 };
    trials.push(trial);
    o.onTrial?.(trial);
  };
  const best = (): SequenceLearnerTrial => trials.reduce((a, b) => (hr(b) > hr(a) ? b : a));
  await run(DEFAULT_SEQUENCE.hybrid, DEFAULT_SEQUENCE.priorClicks);
  for (const k of KAPPAS) await run(DEFAULT_SEQUENCE.hybrid, k);
  const kappa = best().settings.priorClicks;
  for (const g of GAMMAS) await run(g, kappa);
  const gamma = best().settings.hybrid;
  // κ's neighbours in the grid at the chosen γ (γ and κ both act on a short history's vector)
  const at = KAPPAS.indexOf(kappa);
  for (const k of [KAPPAS[at - 1], KAPPAS[at + 1]]) if (k !== undefined) await run(gamma, k);
  return {
    best: { ...best().settings },
    trials,
    budgetSeconds: o.budgetSeconds,
    validationUsers: streams.length,
    validationSteps: streams.reduce((a, s) => a + s.length, 0),
    modelSeconds,
    cut,
  };
}

/**
 * An encoder factory whose `encode` answers from a table of every prefix window of the streams' known items,
 * encoded up front in batches on the training backend (TF.js wasm); anything else goes to the reference forward.
 * A replay encodes each prefix once per trial otherwise: batched, a trial costs the ranking and the learner only.
 *
 * @example
 * const sequenceEncoder = await prefixEncoder(model, streams);
 * engineMethod(model, {}, 1, undefined, { sequenceEncoder });
 */
export async function prefixEncoder(model: GlobalModel, streams: StreamEvent[][], log?: (line: string) => void): Promise<CreateSequenceEncoder> {
  await startTrainingBackend();
  const params = model.sequence!;
  const index = new Map(model.itemIds.map((id, i) => [id, i]));
  const histories: Int32Array[] = [];
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const events of streams) {
    const rows: number[] = [];
    for (const e of events) {
      const r = index.get(e.itemId);
      if (r === undefined) continue;
      rows.push(r);
      const win = rows.slice(-params.config.maxLen);
      const key = win.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      keys.push(key);
      histories.push(Int32Array.from(win));
    }
  }
  const t0 = Date.now();
  const flat = encodeHistoriesTf(params, histories);
  const d = params.config.dim;
  const table = new Map(keys.map((k, n) => [k, flat.slice(n * d, (n + 1) * d)]));
  log?.(`  encoded ${histories.length} stream prefixes in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return () => ({ encode: (items) => table.get(items.join(',')) ?? encodeSequence(params, items) });
}
