/** `tastebud pretrain`: train the global model on the whole log and write the artefact folder. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeArtefact } from '../artefact/encode.ts';
import type { WeightDtype } from '../artefact/format.ts';
import { leaveOneOut } from '../data/split.ts';
import { asPretrainData, runExperiment } from '../eval/experiment.ts';
import { learningCurveSvg } from '../eval/report.ts';
import { pretrain } from '../train/pretrain.ts';
import type { InteractionSet } from '../data/interactions.ts';
import type { Specs } from './args.ts';
import { getters, parseArgs } from './args.ts';
import { writeArtefactDir } from './artefact_dir.ts';
import { loadDataset } from './datasets.ts';
import { createProgressBar } from './progress.ts';
import { DATA_SPECS, loadOptions, trainOptions, TRAIN_SPECS } from './train_args.ts';
import type { Io } from './io.ts';
import { chooseFamily, SEQUENCE_SPECS, sequenceOptions, trainSequenceFamily } from './sequence_family.ts';

export const PRETRAIN_SPECS: Specs = {
  ...DATA_SPECS,
  model: { type: 'string', help: 'model family: als (matrix factorisation, trained by --solver), sasrec (self-attentive sequence model), auto (the better of the two on a validation split)', choices: ['als', 'sasrec', 'auto'], default: 'als' },
  ...TRAIN_SPECS,
  ...SEQUENCE_SPECS,
  out: { type: 'string', help: 'output folder for model.json and shards' },
  dtype: { type: 'string', help: 'weight storage', choices: ['float32', 'float16', 'uint8'], default: 'float32' },
  'model-version': { type: 'string', help: 'model version string (default: content hash)' },
  validate: { type: 'boolean', help: 'pick the epoch count on a leave-one-out validation split, then retrain on everything' },
};

export async function cmdPretrain(argv: string[], io: Io): Promise<void> {
  const g = getters(parseArgs(argv, PRETRAIN_SPECS));
  const out = g.required('out');
  const data = await loadDataset(loadOptions(g));
  const all = data.set;
  io.err(`read ${data.stats.rows} interactions (${all.userIds.length} users, ${all.itemIds.length} items); skipped ${data.stats.skippedEmpty} blank/header/comment lines, ${data.stats.skippedMalformed} malformed, ${data.stats.filtered} filtered`);
  for (const n of data.notes) io.err(`  ${n}`);
  const opts = await trainOptions(g);
  let family = g.str('model');
  if (family === 'auto') {
    io.err('choosing the model family on a validation split (each user\'s latest item held out)');
    const choice = await chooseFamily(all, opts, sequenceOptions(g, argv));
    io.err(`validation NDCG@10: als ${choice.validation.als['NDCG@10'].toFixed(4)}, sasrec ${choice.validation.sasrec['NDCG@10'].toFixed(4)} → ${choice.chosen}`);
    family = choice.chosen;
  }
  if (family === 'sasrec') return pretrainSequence(all, g, argv, io, out);
  const bar = createProgressBar(io.stderr, 'val HR@10');
  const modelVersion = g.str('model-version');
  let epochs = opts.epochs;
  let curve: { epoch: number; loss: number; validation?: number }[] = [];
  if (g.bool('validate')) {
    io.err('choosing the epoch count on the validation split (leave-one-out of the log)');
    const r = await runExperiment({ train: all, test: leaveOneOut(all).test }, { train: { ...opts, onEpoch: bar.onEpoch, onProgress: bar.onProgress }, validation: true, skipTest: true });
    epochs = Math.max(1, r.report.bestEpoch);
    curve = r.curve;
    io.err(`best epoch ${epochs} (validation HR@10 ${r.report.bestValidation?.toFixed(4)}); retraining on everything`);
  }
  const { model, report } = await pretrain(asPretrainData(all), { ...opts, epochs, modelVersion, onEpoch: bar.onEpoch, onProgress: bar.onProgress });
  bar.done();
  if (curve.length) model.trainingReport = { ...model.trainingReport, validationCurve: curve };
  const enc = encodeArtefact(model, { dtype: g.str('dtype') as WeightDtype });
  const written = await writeArtefactDir(out, enc);
  if (curve.length || report.epochs.length > 1) await writeFile(join(out, 'learning_curve.svg'), learningCurveSvg(curve.length ? curve : report.epochs, { metric: 'validation HR@10', title: `tastebud pretrain ${model.modelVersion}` }));
  io.out(`wrote ${out}/ (${written.files.join(', ')}; ${(written.bytes / 1024).toFixed(0)} KiB), model version ${model.modelVersion}, ${report.trainSeconds.toFixed(1)}s, ${Math.round(report.samplesPerSecond).toLocaleString('en')} samples/s`);
}

async function pretrainSequence(all: InteractionSet, g: ReturnType<typeof getters>, argv: string[], io: Io, out: string): Promise<void> {
  const options = sequenceOptions(g, argv);
  io.err(`training a sequence model (sasrec) on ${all.userIds.length} histories`);
  const { model } = await trainSequenceFamily(all, options, g.str('model-version'));
  const enc = encodeArtefact(model, { dtype: g.str('dtype') as WeightDtype });
  const written = await writeArtefactDir(out, enc);
  const r = model.trainingReport ?? {};
  io.out(`wrote ${out}/ (${written.files.join(', ')}; ${(written.bytes / 1024).toFixed(0)} KiB), model version ${model.modelVersion} (sasrec, ${JSON.stringify(model.sequence!.config)}), ${Number(r.trainSeconds ?? 0).toFixed(1)}s`);
}
