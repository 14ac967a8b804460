/**
 * `npm run bench:adapt`: on-device adaptation, the prequential protocol of DESIGN.md, through the same Engine
 * code the browser runs (inline, memory store). Per dataset: tastebud beside popularity, the global model with
 * no learning and a closed-form fold-in, HR@10 / NDCG@10 by step bucket; then 20 % injected random clicks with
 * and without APR + denoising, a taste-switch stream, and the track → updated recommendations latency.
 *
 * Flags: --dataset ml-1m|beauty|all (default all present), --users N (subsample held-out users, dev runs),
 * --global als|pretrain|both (default both), --tune (grid over learner settings on a validation split of the
 * TRAINING users; held-out users are never used for tuning), --no-extra (protocol tables only),
 * --noise-users N (default 200 ML-1M, 1,500 Beauty: its streams are short, and its loss is small), --noise-seeds N
 * (default 3), --noise-kinds uniform,popular, --no-latency, --only-noise (the robustness runs alone),
 * --only-latency (the track → recommend latency alone).
 * Sequence model: --global sasrec (or e.g. pretrain,sasrec: side by side in one run), --seq-artefact DIR (use that
 * artefact instead of training), --seq-budget-min N (training time budget; default in bench/adapt/sequence.ts), --seq-attributes on|off (train the
 * items' labels into the item table, overriding the recipe), --seq-windows newest|all|crop|prefix (the trainer's windows, overriding the
 * recipe's; each setting trains and caches its own model).
 * The models carry the dataset's item labels as attributes (ML-1M genres, Beauty brand/category ids).
 * Writes bench/results/adapt.{json,md} (gitignored). Data from ../shared/data is never written anywhere.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { GlobalModel } from '../../src/model/global_model.ts';
import type { LearnerConfig } from '../../src/engine/learner_config.ts';
import { createPlainScanner } from '../../src/engine/plain_scanner.ts';
import { hasDataset, loadDataset, validationSplit, type Dataset } from './data.ts';
import { alsModelFor, globalModelFor, PRETRAIN, RESULTS_DIR, withAttributes } from './model.ts';
import { ALS } from './als.ts';
import { BUCKETS, engineMethod, foldInMethod, globalMethod, popularityMethod, runProtocol, streamEvents, type Scores } from './protocol.ts';
import { driftExperiment, latencyExperiment, pick } from './extra.ts';
import { noiseExperiment, type NoiseKind, type NoiseResult } from './noise.ts';
import { TUNED, tuneGrid } from './tuned.ts';
import { loadSequenceArtefact, prefixEncoder, SEQ_TRAIN, sequenceModelFor, sequenceVariants, type SequenceRecipe } from './sequence.ts';
import { SEQ_ADAPT, seqTuneGrid } from './sequence_tuned.ts';

type Name = 'ml-1m' | 'beauty';
const args = process.argv.slice(2);
const flag = (f: string): string | undefined => {
  const k = args.indexOf(f);
  return k >= 0 ? args[k + 1] : undefined;
};
const datasets: Name[] = (flag('--dataset') && flag('--dataset') !== 'all' ? [flag('--dataset') as Name] : (['ml-1m', 'beauty'] as Name[])).filter((d) => {
  if (hasDataset(d)) return true;
  console.warn(`SKIPPING ${d}: ../shared/data for it is absent (the datasets are not redistributable, see DESIGN.md)`);
  return false;
});
const users = Number(flag('--users') ?? Infinity);
const globals = (flag('--global') ?? 'both') === 'both' ? ['als', 'pretrain'] : flag('--global')!.split(',');
const extra = !args.includes('--no-extra');
const onlyNoise = args.includes('--only-noise');
const onlyLatency = args.includes('--only-latency');
const NOISE_USERS: Record<Name, number> = { 'ml-1m': 200, beauty: 1500 };

const REFERENCE: Record<Name, Record<string, number[]>> = {
  'ml-1m': { popularity: [0.129, 0.102, 0.05, 0.066], 'ALS fold-in': [0.071, 0.237, 0.133, 0.15], 'SGD fold-in': [0.071, 0.168, 0.182, 0.172] },
  beauty: { popularity: [0.021, 0.016, 0.005, 0.018], 'ALS fold-in': [0.078, 0.093, 0.088, 0.084], 'SGD fold-in': [0.071, 0.1, 0.159, 0.089] },
};

async function modelFor(kind: string, ds: Dataset): Promise<GlobalModel> {
  if (kind !== 'sasrec') return withAttributes(kind === 'als' ? alsModelFor(ds.name, ds.train, ALS) : await globalModelFor(ds.name, ds.train, PRETRAIN), ds.labels);
  // the item attributes ride along as `pretrain --model sasrec --attributes` ships them (the learner's attribute affinity)
  if (flag('--seq-artefact')) return withAttributes(loadSequenceArtefact(flag('--seq-artefact')!), ds.labels);
  const attributes = flag('--seq-attributes'); // on | off: overrides the recipe's
  const windows = flag('--seq-windows') as SequenceRecipe['windows'] | undefined;
  const recipe = { ...SEQ_TRAIN[ds.name.replace(/-val$/, '')], ...(attributes ? { attributes: attributes === 'on' } : {}), ...(windows ? { windows } : {}) };
  const budget = flag('--seq-budget-min');
  return withAttributes(await sequenceModelFor(ds.name, ds.train, budget ? { ...recipe, timeBudgetMs: Number(budget) * 60_000 } : recipe, console.log, ds.labels), ds.labels);
}

async function protocolTable(model: GlobalModel, ds: Dataset, cfg: Partial<LearnerConfig>): Promise<Record<string, Scores>> {
  const streams = pick(ds.heldOut, users).map((s) => streamEvents(s));
  const out: Record<string, Scores> = {};
  const methods = model.sequence ? await sequenceMethods(model, ds.name as Name, cfg, streams) : {
    popularity: popularityMethod(model),
    'global, no learning': globalMethod(model),
    'closed-form fold-in': foldInMethod(model),
    tastebud: engineMethod(model, cfg),
  };
  for (const [name, m] of Object.entries(methods)) {
    const t0 = Date.now();
    out[name] = await runProtocol(m, streams);
    console.log(`  ${name.padEnd(22)} ${fmt(out[name])}  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  return out;
}

/** The sequence model through the Engine: without adaptation, with the per-user delta, with the fold-in hybrid. */
async function sequenceMethods(model: GlobalModel, name: Name, cfg: Partial<LearnerConfig>, streams: ReturnType<typeof streamEvents>[]) {
  const sequenceEncoder = await prefixEncoder(model, streams, console.log);
  // hedging re-ranks as if the newest click had not happened: the encoder already weighs an isolated click itself
  const learner = { ...cfg, isolatedShare: 1 };
  const variants = Object.entries(sequenceVariants({ ...SEQ_ADAPT[name] }));
  return { popularity: popularityMethod(model), ...Object.fromEntries(variants.map(([k, v]) => [k, engineMethod(model, learner, 1, undefined, { sequence: v, sequenceEncoder })])) };
}

function fmt(s: Scores): string {
  return BUCKETS.map((b) => `${b.name} ${s[b.name].hr.toFixed(3)}/${s[b.name].ndcg.toFixed(3)}`).join('  ');
}

async function tune(name: Name): Promise<void> {
  if (globals.includes('sasrec')) return tuneSequence(name);
  const val = validationSplit(loadDataset(name));
  const model = await modelFor('als', val);
  const streams = pick(val.heldOut, Number.isFinite(users) ? users : 400).map((s) => streamEvents(s));
  const rows: { cfg: Partial<LearnerConfig>; scores: Scores }[] = [];
  for (const cfg of tuneGrid(name).map((c) => ({ ...TUNED[name], ...c }))) {
    const scores = await runProtocol(engineMethod(model, cfg), streams);
    rows.push({ cfg, scores });
    console.log(`${JSON.stringify(cfg)}  ${fmt(scores)}`);
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}tune-${name}.json`, JSON.stringify(rows, null, 1));
}

/** `--tune --global sasrec`: the on-device settings of the sequence model, on validation users of a model trained without them. */
async function tuneSequence(name: Name): Promise<void> {
  const val = validationSplit(loadDataset(name));
  const model = await modelFor('sasrec', val);
  const streams = pick(val.heldOut, Number.isFinite(users) ? users : 400).map((s) => streamEvents(s));
  const sequenceEncoder = await prefixEncoder(model, streams, console.log);
  const rows: { settings: object; scores: Scores }[] = [];
  for (const { learner, ...settings } of seqTuneGrid(name)) {
    const scores = await runProtocol(engineMethod(model, { ...TUNED[name], isolatedShare: 1, ...learner }, 1, undefined, { sequence: settings, sequenceEncoder }), streams);
    rows.push({ settings: { ...settings, ...(learner ? { learner } : {}) }, scores });
    console.log(`${JSON.stringify(settings)}${learner ? ` learner ${JSON.stringify(learner)}` : ''}  ${fmt(scores)}`);
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}tune-sasrec-${name}.json`, JSON.stringify(rows, null, 1));
}

async function main(): Promise<void> {
  if (args.includes('--tune')) {
    for (const d of datasets) await tune(d);
    return;
  }
  const report: Record<string, unknown> = { protocol: 'DESIGN.md prequential', k: 10, users: Number.isFinite(users) ? users : 'all', datasets: {} };
  const md: string[] = ['# tastebud adaptation bench (prequential, HR@10 / NDCG@10)', ''];
  for (const name of onlyLatency ? [] : datasets) {
    const ds = loadDataset(name);
    const entry: Record<string, unknown> = { heldOutUsers: pick(ds.heldOut, users).length, reference: REFERENCE[name], tuned: TUNED[name] };
    (report.datasets as Record<string, unknown>)[name] = entry;
    for (const g of onlyNoise ? [] : globals) {
      const model = await modelFor(g, ds);
      console.log(`${name} / global model ${g} (${model.itemIds.length} items)`);
      const table = await protocolTable(model, ds, TUNED[name]);
      entry[`protocol-${g}`] = table;
      md.push(...markdownTable(`${name}, global model: ${GLOBAL_TITLES[g] ?? g}${model.sequence ? ` ${JSON.stringify(model.sequence.config)}` : ''}`, table, REFERENCE[name]));
    }
    if (!extra) continue;
    const model = await modelFor('als', ds);
    const noiseUsers = Math.min(users, Number(flag('--noise-users') ?? NOISE_USERS[name]));
    const noise: NoiseResult[] = [];
    for (const kind of (flag('--noise-kinds') ?? 'uniform,popular').split(',') as NoiseKind[]) {
      const r = await noiseExperiment(model, ds, noiseUsers, TUNED[name], { kind, seeds: Number(flag('--noise-seeds') ?? 3) });
      console.log(`  noise 20% ${kind}: plain loses ${fmtInterval(r.loss)}, APR+denoise change ${fmtInterval(r.gain)}, told the injected clicks ${fmtInterval(r.labelledGain)}`);
      noise.push(r);
    }
    if (onlyNoise) {
      entry.noise = noise;
      md.push(...noise.flatMap((r) => noiseMarkdown(name, r)));
      continue;
    }
    const drift = await driftExperiment(model, ds, engineMethod(model, TUNED[name]));
    const driftFold = await driftExperiment(model, ds, foldInMethod(model));
    console.log(`  drift: median ${drift.medianClicks} clicks (fold-in ${driftFold.medianClicks}), within 5: ${(100 * drift.withinFive).toFixed(0)} %`);
    Object.assign(entry, { noise, drift, driftFoldIn: driftFold });
    md.push(...noise.flatMap((r) => noiseMarkdown(name, r)), ...driftMarkdown(name, drift, driftFold));
  }
  if (extra && !onlyNoise && !args.includes('--no-latency')) {
    const plainTs = async (m: GlobalModel) => createPlainScanner(m.itemEmb, m.itemBias, m.dim);
    const lat = await latencyExperiment({ 'plain-ts': plainTs, ...(await tfjsScanners()) }, TUNED['ml-1m']);
    // the synthetic clicks are random, so every newest click is isolated: hedging's worst case, beside none
    const unhedged = await latencyExperiment({ 'plain-ts, no hedging': plainTs }, { ...TUNED['ml-1m'], isolatedShare: 1 });
    Object.assign(lat.medianMs, unhedged.medianMs);
    Object.assign(lat.p90Ms, unhedged.p90Ms);
    report.latency = lat;
    console.log(`latency (10,000 items): ${JSON.stringify(lat.medianMs)}`);
    md.push('## track → updated recommendations (10,000 items, d = 64, Node, median / p90 ms)', '', '| scanner | median | p90 | ratio to plain-ts |', '|---|---|---|---|');
    for (const k of Object.keys(lat.medianMs))
      md.push(`| ${k} | ${lat.medianMs[k].toFixed(2)} | ${lat.p90Ms[k].toFixed(2)} | ${(lat.medianMs[k] / lat.medianMs['plain-ts']).toFixed(2)} |`);
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  // each run writes its own part (so datasets can run as separate processes); adapt.{json,md} merge them all
  const part = onlyLatency ? 'latency' : datasets.join('+') + (extra ? (onlyNoise ? '-noise' : '') : '-protocol');
  writeFileSync(`${RESULTS_DIR}adapt-${part}.json`, JSON.stringify(report, null, 1));
  writeFileSync(`${RESULTS_DIR}adapt-${part}.md`, md.slice(2).join('\n') + '\n');
  mergeParts();
  console.log(`wrote ${RESULTS_DIR}adapt.{json,md}`);
}

const GLOBAL_TITLES: Record<string, string> = {
  als: 'implicit ALS, 64 factors (bench/adapt/als.ts)',
  pretrain: 'project pretrain (src/train/pretrain.ts: the CLI default, ALS + recency weighting, 64 dims)',
  sasrec: 'sequence model (src/train/sequence, bench/adapt/sequence.ts)',
};

function mergeParts(): void {
  const parts = readdirSync(RESULTS_DIR).filter((f) => /^adapt-.+\.json$/.test(f)).sort();
  const merged = Object.fromEntries(parts.map((f) => [f.slice(6, -5), JSON.parse(readFileSync(RESULTS_DIR + f, 'utf8')) as unknown]));
  writeFileSync(`${RESULTS_DIR}adapt.json`, JSON.stringify(merged, null, 1));
  const mds = parts.map((f) => readFileSync(RESULTS_DIR + f.replace(/\.json$/, '.md'), 'utf8'));
  writeFileSync(`${RESULTS_DIR}adapt.md`, ['# tastebud adaptation bench (prequential, HR@10 / NDCG@10)', '', ...mds].join('\n'));
}

/** The kernels' TF.js scanners that run in Node (cpu backend); failures are reported, not fatal. */
async function tfjsScanners(): Promise<Record<string, (m: GlobalModel) => Promise<import('../../src/kernels/types.ts').CatalogueScanner>>> {
  try {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    const { createCatalogueScanner } = await import('../../src/kernels/scanner.ts');
    return { 'tfjs-cpu': async (m) => createCatalogueScanner(m.itemEmb, m.itemBias, m.dim) };
  } catch (err) {
    console.warn(`tfjs scanners unavailable in Node: ${String(err)}`);
    return {};
  }
}

function markdownTable(title: string, t: Record<string, Scores>, ref: Record<string, number[]>): string[] {
  const head = ['', `## ${title}`, '', `| method | ${BUCKETS.map((b) => `HR ${b.name}`).join(' | ')} | ${BUCKETS.map((b) => `NDCG ${b.name}`).join(' | ')} |`, `|---|${BUCKETS.map(() => '---|---|').join('')}`];
  const rows = Object.entries(t).map(([m, s]) => `| ${m} | ${BUCKETS.map((b) => s[b.name].hr.toFixed(3)).join(' | ')} | ${BUCKETS.map((b) => s[b.name].ndcg.toFixed(3)).join(' | ')} |`);
  const refs = Object.entries(ref).map(([m, v]) => `| reference: ${m} | ${v.map((x) => x.toFixed(3)).join(' | ')} | ${BUCKETS.map(() => '–').join(' | ')} |`);
  return [...head, ...rows, ...refs, '', `steps per bucket: ${BUCKETS.map((b) => `${b.name} ${Object.values(t)[0][b.name].steps}`).join(', ')}`];
}

function fmtInterval(x: { mean: number; lo: number; hi: number }): string {
  return `${x.mean >= 0 ? '+' : ''}${x.mean.toFixed(4)} (95 % CI ${x.lo.toFixed(4)} … ${x.hi.toFixed(4)})`;
}

function noiseMarkdown(name: string, n: NoiseResult): string[] {
  const row = (label: string, s: Scores): string => `| ${label} | ${BUCKETS.map((b) => s[b.name].hr.toFixed(3)).join(' | ')} |`;
  const drawn = n.kind === 'uniform' ? 'uniformly from the catalogue' : 'in proportion to training popularity';
  const verdict =
    n.recovered === null
      ? `Plain training loses ${fmtInterval(n.loss)} HR@10: the interval includes 0, so the loss is within run-to-run noise and there is nothing measurable to win back; APR + denoising change HR@10 by ${fmtInterval(n.gain)} under noise.`
      : `Plain training loses ${fmtInterval(n.loss)} HR@10; APR + denoising change it by ${fmtInterval(n.gain)}${n.gain.lo > 0 ? '' : n.gain.hi < 0 ? ' (worse than plain)' : ' (not distinguishable from 0)'}, i.e. ${(100 * n.recovered).toFixed(0)} % of the loss won back (target ≥ 50 %). Plain training told which clicks were injected (and so not learning them) wins back ${(100 * (n.labelledRecovered ?? 0)).toFixed(0)} % (${fmtInterval(n.labelledGain)}): the most a denoiser that re-weights clicks could reach here.`;
  return ['', `## ${name}: ${n.noise * 100} % random clicks drawn ${drawn} (HR@10, real events only; ${n.users} users × ${n.seeds} noise seeds)`, '',
    `| run | ${BUCKETS.map((b) => b.name).join(' | ')} |`, `|---|${BUCKETS.map(() => '---|').join('')}`,
    row('clean, plain (no APR, no denoising)', n.cleanPlain), row('noisy, plain', n.noisyPlain), row('noisy, APR + denoising', n.noisyRobust), row('clean, APR + denoising', n.cleanRobust),
    row('noisy, plain, injected clicks known (tracked as view, weight 0)', n.noisyLabelled), '', verdict];
}

function driftMarkdown(name: string, d: Awaited<ReturnType<typeof driftExperiment>>, f: Awaited<ReturnType<typeof driftExperiment>>): string[] {
  return ['', `## ${name}: taste switch after 20 clicks (clicks until the new taste holds 5 of the top-10)`, '', '| from → to | tastebud | closed-form fold-in |', '|---|---|---|',
    ...d.pairs.map((p, k) => `| ${p.from} → ${p.to} | ${p.clicks.join(', ')} | ${f.pairs[k].clicks.join(', ')} |`), '',
    `tastebud: median ${d.medianClicks}, mean ${d.meanClicks.toFixed(1)}, within 5 clicks ${(100 * d.withinFive).toFixed(0)} %; fold-in: median ${f.medianClicks}, mean ${f.meanClicks.toFixed(1)} (${'>'}30 counts as 31).`];
}

await main();
