/**
 * `tastebud pretrain --stream`: the artefact from a log read as a stream, with memory bounded by the distinct
 * (user, item) pairs, users and items instead of the events. Read 1 aggregates the pairs ALS trains on
 * (src/cli/pair_log.ts, with a re-read of users whose rows are out of time order when recency is on) and
 * notes what the placements need; read 2 counts trending and "bought together" (src/train/placements_stream.ts).
 * What needs every event in memory — a validation split (`--validate`, `--auto`, `--model auto`), the sequence
 * model, the SGD solver, cleaning that compares events (dedupe, min counts) — is refused by name.
 */
import { statSync } from 'node:fs';
import { InvalidInputError } from '../errors.ts';
import { pretrainPairs } from '../train/pretrain.ts';
import { recencyOf } from '../train/recency.ts';
import type { PretrainOptions } from '../train/pretrain.ts';
import { createPlacementStream, PLACEMENT_MEMORY_BYTES } from '../train/placements_stream.ts';
import { learningCurveSvg } from '../eval/report.ts';
import type { OptionSpec, getters } from './args.ts';
import { readAttributes } from './datasets.ts';
import type { Io } from './io.ts';
import { assertCatalogueSize } from './model_limits.ts';
import { writeModel } from './model_write.ts';
import type { ItemDisplay } from './shelf_display.ts';
import { loadPairs } from './pair_log.ts';
import { createProgressBar } from './progress.ts';
import { createReadProgress } from './read_progress.ts';
import { loadOptions } from './train_args.ts';

type Get = ReturnType<typeof getters>;

/** From this size on disk a plain-text log is streamed unless `--no-stream` (1 GiB: about 40M events of `user,item,time`). */
export const STREAM_MIN_BYTES = 1024 ** 3;
/** A `.gz` log is streamed from this compressed size (text logs compress about 4:1). */
export const STREAM_MIN_GZ_BYTES = 256 * 1024 ** 2;

export const STREAM_SPECS: Record<string, OptionSpec> = {
  stream: {
    type: 'boolean',
    help: `read the log as a stream: memory grows with the distinct (user, item) pairs, users and items, not the events (ALS, placements from a second read); no validation split, so not with --auto, --validate, --model sasrec/auto, --solver sgd, --test, --dedupe/--repeats, --min-user/--min-item. Default on for logs from ${STREAM_MIN_BYTES / 1024 ** 3} GiB (.gz from ${STREAM_MIN_GZ_BYTES / 1024 ** 2} MiB) unless one of those is given; --no-stream holds every event in memory`,
  },
  'together-memory': { type: 'number', help: `--stream: MiB for counting the "bought together" co-occurrences (items with up to the cap this allows counted exactly, the cap printed)`, default: PLACEMENT_MEMORY_BYTES / 2 ** 20 },
};

/** What reading as a stream cannot do, each as the flag that asks for it (empty: nothing in the way). */
function streamConflicts(values: Record<string, unknown>, g: Get): string[] {
  const out: string[] = [];
  if (values.auto === true) out.push('--auto (a validation split of the events)');
  if (g.bool('validate')) out.push('--validate (a validation split of the events)');
  if (g.str('model') !== undefined && g.str('model') !== 'als') out.push(`--model ${g.str('model')} (sequence models read every history)`);
  if (g.str('solver') === 'sgd') out.push('--solver sgd (samples events)');
  if (g.str('test')) out.push('--test (a fixed split)');
  if (g.str('candidates')) out.push('--candidates (evaluation)');
  if (g.bool('dedupe') || (g.str('repeats') ?? 'keep') !== 'keep') out.push('--dedupe / --repeats (compares each pair\'s events)');
  if (g.num('min-user') || g.num('min-item') || g.bool('k-core')) out.push('--min-user / --min-item / --k-core (counts before keeping)');
  if ((g.str('holdout') ?? 'auto') !== 'auto') out.push('--holdout (picks validation events)');
  if (g.str('format') === 'ml1m-implicit') out.push('--format ml1m-implicit (a fixed split)');
  if (/\.parquet$/i.test(g.str('data') ?? '')) out.push('a Parquet log (read by row groups into memory)');
  return out;
}

/**
 * Whether `pretrain` streams, and the line that says why (empty when the user's choice needs no comment).
 *
 * @example
 * await streamDecision({ stream: true }, g); // { stream: true, why: '' }, or an InvalidInputError naming what is in the way
 */
export async function streamDecision(values: Record<string, unknown>, g: Get, bytes = fileBytes(g.str('data'))): Promise<{ stream: boolean; why: string }> {
  const conflicts = streamConflicts(values, g);
  if (values.stream === true) {
    if (conflicts.length) throw new InvalidInputError(`--stream reads the log without holding its events, which ${conflicts.join(', ')} needs; drop ${conflicts.length > 1 ? 'those' : 'it'} or --stream`);
    return { stream: true, why: '' };
  }
  if (values.stream === false) return { stream: false, why: '' };
  const gz = /\.gz$/i.test(g.str('data') ?? '');
  const from = gz ? STREAM_MIN_GZ_BYTES : STREAM_MIN_BYTES;
  if (bytes < from) return { stream: false, why: '' };
  const size = `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (conflicts.length) return { stream: false, why: `the log is ${size}, but ${conflicts.join(', ')} needs every event: holding them in memory (drop it to stream)` };
  return { stream: true, why: `the log is ${size}${gz ? ' compressed' : ''}: reading it as a stream (--stream is the default from ${(from / 1024 ** 2).toFixed(0)} MiB; --no-stream holds every event in memory)` };
}

function fileBytes(path: string | undefined): number {
  try {
    const s = path ? statSync(path) : null;
    return s?.isFile() ? s.size : 0;
  } catch {
    return 0; // a missing file is reported by the reader, with its name
  }
}

/** Reads, trains and writes (the streamed twin of cmdPretrain's ALS path). */
export async function pretrainStreamed(g: Get, opts: PretrainOptions, io: Io, out: string, display?: Map<string, ItemDisplay>): Promise<void> {
  const load = loadOptions(g);
  io.err('no --auto: the log is read as a stream, without the validation split --auto needs (--no-stream to tune on it)');
  const notes: string[] = [];
  const attrs = await readAttributes(load, load.data, notes); // before the (long) read: a wrong path fails now
  for (const n of notes) io.err(`  ${n}`);
  const mib = g.num('together-memory') ?? PLACEMENT_MEMORY_BYTES / 2 ** 20;
  if (!(mib >= 1 && mib <= 1e6)) throw new InvalidInputError(`--together-memory must be in [1, 1000000] MiB, got ${mib}`);
  const placements = createPlacementStream({ memoryBytes: mib * 2 ** 20 });
  const recency = recencyOf(opts);
  const t0 = Date.now();
  const log = await loadPairs(load, recency, { shared: (opts.threads ?? 1) > 1, onRead: createReadProgress(io.stderr), onRow: placements.observe });
  const readSeconds = (Date.now() - t0) / 1000;
  const events = log.rows.events;
  io.err(`read ${log.stats.rows} interactions as a stream (${log.userIds.length} users, ${log.itemIds.length} items, ${log.pairs} distinct pairs) in ${readSeconds.toFixed(1)}s, ${Math.round(events / Math.max(readSeconds, 1e-3)).toLocaleString('en')} events/s; skipped ${log.stats.skippedEmpty} blank/header/comment lines, ${log.stats.skippedMalformed} malformed, ${log.stats.filtered} filtered`);
  for (const n of log.notes) io.err(`  ${n}`);
  assertCatalogueSize(log.itemIds.length);
  const t1 = Date.now();
  placements.start(log.userIds.length, log.itemIds.length);
  const meter = createReadProgress(io.stderr);
  await log.replay(placements.add, (p) => meter({ ...p, source: `${p.source} (second read: placements)` }));
  const lists = placements.finish();
  const placementSeconds = (Date.now() - t1) / 1000;
  io.err(`placements from a second read in ${placementSeconds.toFixed(1)}s${lists.lateUsers ? ` (${lists.lateUsers} users out of time order: their rows held and sorted)` : ''}; "together" counted exactly for items with up to ${lists.neighbourCap.toLocaleString('en')} possible neighbours (${(lists.cooccurrenceBytes / 2 ** 20).toFixed(0)} MiB)${lists.inexactItems ? `, ${lists.inexactItems} items overflowed: their lists keep the strongest neighbours found` : ''}`);
  const bar = createProgressBar(io.stderr, 'val HR@10');
  const meta = { itemIds: log.itemIds, numUsers: log.userIds.length, itemAttributes: attrs ? log.itemIds.map((id) => attrs.get(id)) : undefined };
  const { model, report } = await pretrainPairs(log.rows, meta, { ...opts, modelVersion: g.str('model-version'), onEpoch: bar.onEpoch, onProgress: bar.onProgress });
  bar.done();
  const peakMB = process.resourceUsage().maxRSS / 1024;
  const stream = { reads: log.reads, readSeconds, eventsPerSecond: events / Math.max(readSeconds, 1e-3), placementSeconds, distinctPairs: log.pairs, lateUsers: lists.lateUsers, inexactTogetherItems: lists.inexactItems, togetherNeighbourCap: lists.neighbourCap, peakRssMB: Math.round(peakMB) };
  model.trainingReport = { ...model.trainingReport, stream };
  const svg = (v: string) => (report.epochs.length > 1 ? [{ name: 'learning_curve.svg', data: learningCurveSvg(report.epochs, { metric: 'validation HR@10', title: `tastebud pretrain ${v}` }) }] : []);
  const { written, version } = await writeModel(model, lists, log.itemIds, g, out, svg, display);
  io.out(`wrote ${out}/ (${written.files.join(', ')}; ${(written.bytes / 1024).toFixed(0)} KiB), model version ${version}, streamed: read ${readSeconds.toFixed(1)}s (${Math.round(stream.eventsPerSecond).toLocaleString('en')} events/s), placements ${placementSeconds.toFixed(1)}s, trained ${report.trainSeconds.toFixed(1)}s, peak memory ${Math.round(peakMB)} MB`);
}
