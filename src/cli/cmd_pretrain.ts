/** `tastebud pretrain`: train the global model on the whole log and write the artefact folder. */
import { leaveOneOut } from '../data/split.ts';
import { asPretrainData, runExperiment } from '../eval/experiment.ts';
import { autoTune } from '../eval/auto.ts';
import { learningCurveSvg } from '../eval/report.ts';
import { pretrain } from '../train/pretrain.ts';
import { buildPlacements } from '../train/placements.ts';
import type { InteractionSet } from '../data/interactions.ts';
import type { Specs } from './args.ts';
import { flagGiven, getters, parseArgs } from './args.ts';
import { checkOutDir } from './artefact_write.ts';
import { loadDataset } from './datasets.ts';
import { createProgressBar } from './progress.ts';
import { createReadProgress } from './read_progress.ts';
import { checkIntegerFlags, DATA_SPECS, loadOptions, trainOptions, TRAIN_SPECS } from './train_args.ts';
import type { Io } from './io.ts';
import { assertCatalogueSize } from './model_limits.ts';
import type { Extra } from './model_write.ts';
import { writeModel } from './model_write.ts';
import { readShelfDisplay, type ItemDisplay } from './shelf_display.ts';
import { pretrainStreamed, STREAM_SPECS, streamDecision } from './pretrain_stream.ts';
import { chooseFamily, SEQUENCE_SPECS, sequenceOptions, trainSequenceFamily, type SequenceFamilyOptions } from './sequence_family.ts';
import type { PretrainOptions } from '../train/pretrain.ts';
import { autoDecision } from './auto_default.ts';
import { autoSequenceLearner, type SequenceLearnerResult, type SequenceLearnerTrial } from './sequence_learner.ts';
import { AUTO_SEQUENCE_DROPOUT, autoSequenceRecipe, sequenceRecipePlan, type SequenceRecipeChoice } from './sequence_recipe.ts';
import { autoLearner, type LearnerAutoResult } from './learner_auto.ts';
import type { LearnerTrial } from './learner_tune.ts';
import { BUCKETS } from './prequential.ts';

export const PRETRAIN_SPECS: Specs = {
  ...DATA_SPECS,
  model: { type: 'string', help: 'model family: als (matrix factorisation, trained by --solver), sasrec (self-attentive sequence model), auto (the better of the two on a validation split)', choices: ['als', 'sasrec', 'auto'], default: 'als' },
  ...TRAIN_SPECS,
  ...SEQUENCE_SPECS,
  out: { type: 'string', help: 'output folder for model.json and shards' },
  dtype: { type: 'string', help: 'weight storage', choices: ['float32', 'float16', 'uint8'], default: 'float32' },
  'model-version': { type: 'string', help: 'model version string (default: content hash)' },
  catalogue: { type: 'string', help: 'the shop\'s catalogue (the JSON the embed\'s data-catalogue loads, or CSV, TSV or JSON lines with an id column): the title, url, image, price and currency of the trending items go into trending.json, so the trending shelf renders when the catalogue request fails' },
  ...STREAM_SPECS,
  validate: { type: 'boolean', help: 'pick the epoch count on a leave-one-out validation split, then retrain on everything' },
  auto: { type: 'boolean', help: 'choose the ALS recipe (dim, l2, unobserved weight, alpha, recency) and epochs on a validation split of this log by full-ranking NDCG@10 within --auto-budget, then the on-device learner\'s settings by replaying held-out users within --learner-budget; trials are printed and kept in the artefact. Default on from 100,000 interactions and 500 users unless recipe flags are given; --no-auto turns it off. With --model sasrec: the dropout (0.2 or 0.4; each trial as long as --time-budget unless --auto-budget caps both at half of it; --dropout fixes it), then the on-device settings (fold-in hybrid and prior shrinkage, on a second model trained without the held-out users), default on from the same sizes' },
  'auto-budget': { type: 'number', help: '--auto: seconds of recipe trials (the current recipe always runs first); with --model sasrec, only when given: the dropout trials\' total (else each as long as --time-budget, or 300 s without one)', default: 600 },
  'learner-budget': { type: 'number', help: '--auto: seconds for choosing the on-device learner\'s settings (one model trained without the held-out users, then replays; the closed-form fold-in and the defaults always run); 0: ship no settings', default: 300 },
};

export async function cmdPretrain(argv: string[], io: Io): Promise<void> {
  const parsed = parseArgs(argv, PRETRAIN_SPECS);
  const g = getters(parsed);
  const out = g.required('out');
  checkIntegerFlags(g);
  await checkOutDir(out);
  const opts = await trainOptions(g); // every option checked before the (long) read
  const display = await shelfDisplay(g.str('catalogue'), io); // before the (long) read: a wrong path fails now
  const streaming = await streamDecision(parsed.values, g);
  if (streaming.why) io.err(streaming.why);
  if (streaming.stream) return pretrainStreamed(g, opts, io, out, display);
  const data = await loadDataset(loadOptions(g), { onRead: createReadProgress(io.stderr) });
  const all = data.set;
  io.err(`read ${data.stats.rows} interactions (${all.userIds.length} users, ${all.itemIds.length} items); skipped ${data.stats.skippedEmpty} blank/header/comment lines, ${data.stats.skippedMalformed} malformed, ${data.stats.filtered} filtered`);
  for (const n of data.notes) io.err(`  ${n}`);
  assertCatalogueSize(all.itemIds.length);
  let family = g.str('model');
  if (family === 'auto') {
    io.err('choosing the model family on a validation split (each user\'s latest item held out)');
    const choice = await chooseFamily(all, opts, sequenceOptions(g, argv));
    io.err(`validation NDCG@10: als ${choice.validation.als['NDCG@10'].toFixed(4)}, sasrec ${choice.validation.sasrec['NDCG@10'].toFixed(4)} → ${choice.chosen}`);
    family = choice.chosen;
  }
  if (family === 'sasrec') return pretrainSequence(all, g, argv, io, out, display, parsed.values.auto as boolean | undefined);
  const bar = createProgressBar(io.stderr, 'val HR@10');
  const modelVersion = g.str('model-version');
  let epochs = opts.epochs;
  let curve: { epoch: number; loss: number; validation?: number }[] = [];
  let autoReport: Record<string, unknown> | undefined;
  const decision = autoDecision(argv, parsed.values.auto as boolean | undefined, all.users.length, all.userIds.length);
  if (parsed.values.auto === undefined) io.err(`${decision.auto ? '' : 'no --auto: '}${decision.why}`);
  let learner: LearnerAutoResult | undefined;
  if (decision.auto) {
    const budget = g.num('auto-budget') ?? 600;
    io.err(`--auto: trying ALS recipes on a validation split of this log (each user's latest event) for up to ${budget}s, by full-ranking NDCG@10`);
    const auto = await autoTune(all, opts, { budgetSeconds: budget, seed: opts.seed, onTrial: (t) => io.err(`  trial ${t.trial}: ${JSON.stringify(t.params)} → val NDCG@10 ${t.validation.toFixed(4)} at epoch ${t.bestEpoch} (${t.seconds.toFixed(0)}s)`) });
    Object.assign(opts, auto.best);
    epochs = auto.epochs;
    autoReport = { metric: auto.metric, budgetSeconds: budget, trials: auto.trials };
    io.err(`--auto chose ${JSON.stringify(auto.best)} with ${epochs} epochs (val NDCG@10 ${auto.trials[0].validation.toFixed(4)}, ${auto.trials.length} trials)`);
    learner = await chooseLearner(all, { ...opts, epochs }, g.num('learner-budget') ?? 300, io);
    io.err('retraining on everything');
  } else if (g.bool('validate')) {
    io.err('choosing the epoch count on the validation split (leave-one-out of the log)');
    const r = await runExperiment({ train: all, test: leaveOneOut(all).test }, { train: { ...opts, onEpoch: bar.onEpoch, onProgress: bar.onProgress }, validation: true, skipTest: true });
    epochs = Math.max(1, r.report.bestEpoch);
    curve = r.curve;
    io.err(`best epoch ${epochs} (validation HR@10 ${r.report.bestValidation?.toFixed(4)}); retraining on everything`);
  }
  const { model, report } = await pretrain(asPretrainData(all), { ...opts, epochs, modelVersion, onEpoch: bar.onEpoch, onProgress: bar.onProgress });
  bar.done();
  if (curve.length) model.trainingReport = { ...model.trainingReport, validationCurve: curve };
  if (autoReport) model.trainingReport = { ...model.trainingReport, autoTune: autoReport };
  if (learner) {
    model.learner = learner.best;
    model.trainingReport = { ...model.trainingReport, learnerTune: learnerReport(learner) };
  }
  const svg = (v: string): Extra[] => (curve.length || report.epochs.length > 1 ? [{ name: 'learning_curve.svg', data: learningCurveSvg(curve.length ? curve : report.epochs, { metric: 'validation HR@10', title: `tastebud pretrain ${v}` }) }] : []);
  const { written, version } = await writeModel(model, buildPlacements(all), all.itemIds, g, out, svg, display);
  io.out(`wrote ${out}/ (${written.files.join(', ')}; ${(written.bytes / 1024).toFixed(0)} KiB), model version ${version}, ${report.trainSeconds.toFixed(1)}s, ${Math.round(report.samplesPerSecond).toLocaleString('en')} samples/s`);
}

/** --auto's second half (learner_auto.ts), printed like the recipe trials; undefined when skipped. */
async function chooseLearner(all: InteractionSet, recipe: PretrainOptions, budget: number, io: Io): Promise<LearnerAutoResult | undefined> {
  if (budget <= 0) return undefined;
  io.err(`--auto: choosing the on-device learner's settings by replaying held-out users of this log through the engine (DESIGN.md protocol 2) for up to ${budget}s`);
  const hr = (t: LearnerTrial): string => BUCKETS.map((b) => `${b.name} ${t.hr[b.name].toFixed(3)}`).join(' ');
  const r = await autoLearner(all, recipe, { budgetSeconds: budget, seed: recipe.seed, log: (l) => io.err(l), onTrial: (t) => io.err(`  learner trial ${t.trial} (${t.label}): HR@10 ${hr(t)}${t.eligible ? '' : ' (below the fold-in in a bucket)'} (${t.seconds.toFixed(0)}s)`) });
  if (!r) io.err('  too few users with two clicks or more to hold any out: the artefact ships no learner settings (browsers use the defaults)');
  else io.err(`--auto chose the learner settings of trial "${r.bestLabel}" (${r.trials.length} trials on ${r.validationUsers} users, ${r.validationSteps} clicks): ${JSON.stringify(r.best)}`);
  return r;
}

function learnerReport(r: LearnerAutoResult): Record<string, unknown> {
  const { best: _b, ...rest } = r; // the winner itself is model.learner
  return rest;
}

async function pretrainSequence(all: InteractionSet, g: ReturnType<typeof getters>, argv: string[], io: Io, out: string, display: Map<string, ItemDisplay> | undefined, asked: boolean | undefined): Promise<void> {
  const options = sequenceOptions(g, argv);
  // the size rule of the MF path; its recipe flags (--dim, --epochs …) fix the ALS recipe, not these settings
  const decision = autoDecision([], asked, all.items.length, all.userIds.length);
  if (asked === undefined) io.err(`${decision.auto ? '' : 'no --auto: '}${decision.why}${decision.auto ? '; here: the dropout, then the on-device settings' : ''}`);
  const autoBudget = flagGiven(argv, 'auto-budget') ? g.num('auto-budget') : undefined;
  const recipe = decision.auto ? await chooseSequenceRecipe(all, options, autoBudget, io) : undefined;
  if (recipe) Object.assign(options, recipe.chosen);
  const learner = decision.auto ? await chooseSequenceLearner(all, options, g.num('learner-budget') ?? 300, io) : undefined;
  io.err(`training a sequence model (sasrec) on ${all.userIds.length} histories`);
  const { model } = await trainSequenceFamily(all, options, g.str('model-version'));
  if (recipe) model.trainingReport = { ...model.trainingReport, autoTune: recipe.report };
  if (learner) {
    model.learner = { sequence: learner.best };
    const { best: _b, ...rest } = learner; // the winner itself is model.learner
    model.trainingReport = { ...model.trainingReport, learnerTune: rest };
  }
  const { written, version } = await writeModel(model, buildPlacements(all), all.itemIds, g, out, () => [], display);
  const r = model.trainingReport ?? {};
  io.out(`wrote ${out}/ (${written.files.join(', ')}; ${(written.bytes / 1024).toFixed(0)} KiB), model version ${version} (sasrec, ${JSON.stringify(model.sequence!.config)}), ${Number(r.trainSeconds ?? 0).toFixed(1)}s`);
}

/**
 * `--auto`'s recipe half for the sequence model: the dropout (AUTO_SEQUENCE_DROPOUT) by validation NDCG@10
 * (sequence_recipe.ts); undefined when `--dropout` fixes it or the budget is 0.
 */
async function chooseSequenceRecipe(all: InteractionSet, options: SequenceFamilyOptions, budget: number | undefined, io: Io): Promise<SequenceRecipeChoice | undefined> {
  if (options.dropout !== undefined) {
    io.err(`--auto: --dropout ${options.dropout} is given, so the sequence recipe is kept`);
    return undefined;
  }
  if (budget !== undefined && budget <= 0) return undefined;
  const plan = sequenceRecipePlan(options, budget);
  io.err(`--auto: choosing the sequence model's dropout (${AUTO_SEQUENCE_DROPOUT.join(' or ')}) on a validation split of this log (each user's latest event) by full-ranking NDCG@10, ${plan.trialSeconds.toFixed(0)}s per trial${plan.shorter ? ` (shorter than the final run, and short trials can favour less dropout; --auto-budget ${plan.fullBudget}, or none, compares them at its length)` : options.timeBudgetMs === undefined ? ' (or the run\'s epochs; --time-budget sets the length the trials compare at)' : ', as long as the final run'}`);
  const r = await autoSequenceRecipe(all, options, plan, (t) => io.err(`  trial ${t.trial}: dropout ${t.params.dropout} → val NDCG@10 ${t.metrics['NDCG@10'].toFixed(4)}, HR@10 ${t.metrics['HR@10'].toFixed(4)} (${t.seconds.toFixed(0)}s)`));
  io.err(`--auto chose dropout ${r.chosen.dropout}`);
  return r;
}

/** The sequence model's on-device settings chosen on held-out users (sequence_learner.ts); undefined when skipped. */
async function chooseSequenceLearner(all: InteractionSet, options: SequenceFamilyOptions, budget: number, io: Io): Promise<SequenceLearnerResult | undefined> {
  if (budget <= 0) return undefined;
  io.err(`--auto: choosing the sequence model's on-device settings (fold-in hybrid γ, prior shrinkage κ) by replaying held-out users of this log through the engine, ${budget}s of replays after a model trained without them`);
  const hr = (t: SequenceLearnerTrial): string => BUCKETS.map((b) => `${b.name} ${t.scores[b.name].hr.toFixed(3)}`).join(' ');
  const r = await autoSequenceLearner(all, options, {
    budgetSeconds: budget,
    seed: options.seed,
    log: (l) => io.err(l),
    onTrial: (t) => io.err(`  trial ${t.trial} (γ ${t.settings.hybrid}, κ ${t.settings.priorClicks}): HR@10 ${hr(t)} (${t.seconds.toFixed(0)}s)`),
  });
  if (!r) io.err('  too few users with two clicks or more to hold any out: the artefact ships no settings (browsers use the defaults)');
  else io.err(`--auto chose γ ${r.best.hybrid}, κ ${r.best.priorClicks} (${r.trials.length} trials on ${r.validationUsers} users, ${r.validationSteps} clicks${r.cut ? '; the budget ended the walk' : ''})`);
  return r;
}

/** `--catalogue`: the display fields for trending.json, read up front; says how many items it describes. */
async function shelfDisplay(path: string | undefined, io: Io): Promise<Map<string, ItemDisplay> | undefined> {
  if (path === undefined) return undefined;
  const display = await readShelfDisplay(path);
  io.err(`catalogue: display fields of ${display.size} items from ${path} (the trending ones go into trending.json)`);
  return display;
}
