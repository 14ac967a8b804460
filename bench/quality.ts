/**
 * `npm run bench:quality`: global-model quality and training throughput on ML-1M (the implicit leave-one-out
 * split with its fixed NCF candidates) and Amazon Beauty (leave-last-out, sampled NCF candidates, seed 0).
 *
 * Per dataset: tastebud vs popularity (full ranking and NCF, HR/NDCG@10), training time and samples/s; the
 * naive TF.js path (`minimize` over `tf.gather`, dense Adam) timed on the same batches; artefact sizes and
 * the HR@10 of the uint8 artefact. Hyper-parameters are fixed here: they were chosen with `tastebud tune` /
 * early stopping on the validation split (leave-one-out of the training part), never on test.
 * Writes bench/results/quality.{json,md}. Data from ../shared/data (or TASTEBUD_DATA); skipped when absent.
 *
 * Env: QUALITY_DATASETS=ml1m,beauty  QUALITY_EPOCHS=<override>  QUALITY_NAIVE=0 (skip the naive TF.js timing)
 *      QUALITY_TORCH=0 (skip the PyTorch side by side on ML-1M; `npm run bench:torch` runs only that part)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../src/cli/datasets.ts';
import type { LoadOptions } from '../src/cli/datasets.ts';
import type { PretrainOptions } from '../src/train/pretrain.ts';
import { runExperiment } from '../src/eval/experiment.ts';
import { learningCurveSvg, markdownTable } from '../src/eval/report.ts';
import type { ResultRow } from '../src/eval/report.ts';
import { measureArtefacts } from './quality_artefact.ts';
import { measureThroughput } from './quality_throughput.ts';
import { findTorchPython, measureTorchSideBySide } from './quality_torch.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = process.env.TASTEBUD_DATA ?? resolve(ROOT, '../shared/data');

interface BenchSpec {
  name: string;
  load: LoadOptions;
  /** The model the artefact ships (ALS since it won on validation). */
  train: PretrainOptions;
  /** The sampled-loss trainer, side by side; also what the throughput and PyTorch comparisons time. */
  sgd: PretrainOptions;
  reference: string;
}

/**
 * Chosen on the validation split (leave-one-out of the training part, sampled NCF candidates), never on test:
 * - ML-1M, dim 64, 8 negatives: val NCF HR@10 at epoch 11 was 0.7126 / 0.7147 / 0.7219 for l2 1e-4 / 1e-3 / 3e-3,
 *   still rising at epoch 12 (8 negatives beat 4); 15 epochs is the time budget of a 2-core run.
 *   Rerun with early stopping (patience 3, up to 40 epochs, l2 3e-3): best val HR@10 0.7267 at epoch 13, then
 *   0.7248 / 0.7237 / 0.7240, so more epochs alone do not close the gap to the 0.72 test target.
 *   Same early stopping, l2 3e-3, 8 negatives: dim 128 best val HR@10 0.7303 at epoch 9 (chosen); dim 64 with
 *   lr 0.1 best 0.7217 at epoch 7.
 * - Beauty, dim 64, 4 negatives, batch 256: best val NCF HR@10 0.3656 (epoch 8) / 0.3675 (epoch 8) / 0.3913
 *   (epoch 24) for l2 1e-4 / 1e-3 / 1e-2: sparse data needs the strong regulariser.
 */
/**
 * ALS, chosen the same way (12 iterations each; val = NCF HR@10 / NDCG@10 / full-ranking HR@10):
 * - ML-1M: plain iALS as in benfred/implicit (alpha 1, λ 0.01, unobserved weight 1, no frequency scaling)
 *   0.7245 / 0.4433 / 0.096; frequency-scaled ridge (ν = 1) with unobserved weight w0 = 0.1 / 0.3 / 0.5 / 1 at
 *   their best λ: 0.7429 / 0.7447 / 0.7422 / 0.7315; ν 0.75 / 0.5: 0.7424 / 0.7427; dim 96 / 128: 0.7465 /
 *   0.7389. Recency weighting (alpha 1, w0 0.3, λ 0.005, dim 64), boost / half-life: none 0.7382 / 0.4497 /
 *   0.092; 4/5 0.7639; 9/10 0.7743; 9/5 0.7768; 9/3 0.7720; 19/8 0.7781; 19/5 0.7798 / 0.5024 / 0.1315 (chosen);
 *   49/5 0.7806 / 0.5035 / 0.1286 (a plateau: the smaller boost is kept); alpha 2 with 9/10: 0.7636; dim 96
 *   with 9/10: 0.7621. The SGD model below scores 0.7303 / 0.4408 / 0.091 on the same validation split.
 * - Beauty: dim 64, w0 0.3, ν 1: λ 0.02 collapses to zero factors; alpha 0 / 1 / 3 / 10 / 30 at λ 0.002 /
 *   0.002 / 0.003 / 0.003 / 0.003: 0.4730 / 0.4695 / 0.4854 / 0.4939 / 0.4889; alpha 10 with recency 1/5,
 *   4/5, 9/3: 0.4962 / 0.3447 / 0.072 (chosen), 0.4882, 0.4845. The SGD model: 0.3913.
 */
const ML1M_ALS: PretrainOptions = { solver: 'als', dim: 64, epochs: 12, l2: 0.005, alsUnobserved: 0.3, alsAlpha: 1, alsRegExponent: 1, recencyBoost: 19, recencyHalfLife: 5, seed: 1 };
const BEAUTY_ALS: PretrainOptions = { solver: 'als', dim: 64, epochs: 12, l2: 0.003, alsUnobserved: 0.3, alsAlpha: 10, alsRegExponent: 1, recencyBoost: 1, recencyHalfLife: 5, seed: 1 };

const SPECS: Record<string, BenchSpec> = {
  ml1m: {
    name: 'ML-1M implicit (NCF leave-one-out, fixed candidates)',
    load: { data: join(DATA, 'ml-1m-implicit-afcfm'), format: 'ml1m-implicit' },
    train: ML1M_ALS,
    sgd: { dim: 128, epochs: 9, negatives: 8, lr: 0.05, l2: 3e-3, batchSize: 1024, seed: 1 },
    reference: 'popularity 0.453 / 0.252; PyTorch (article model) 0.689 / 0.417; implicit ALS 0.714 / 0.437, full HR@10 ≈ 0.10; NeuMF 0.726 / 0.445; tuned MF 0.729 / 0.452 (NCF HR@10 / NDCG@10)',
  },
  beauty: {
    name: 'Amazon Beauty (leave-last-out, sampled NCF candidates)',
    load: { data: join(DATA, 'amazon-s3rec', 'Beauty.txt'), format: 'amazon' },
    train: BEAUTY_ALS,
    sgd: { dim: 64, epochs: 24, negatives: 4, lr: 0.05, l2: 1e-2, batchSize: 256, seed: 1 },
    reference: 'no reference figures on this exact split',
  },
};

/** QUALITY_EPOCHS overrides the epochs (ALS iterations) of both trainers; progress goes to the console. */
function withLog(o: PretrainOptions, tag: string): PretrainOptions {
  const epochs = Number(process.env.QUALITY_EPOCHS ?? o.epochs);
  return { ...o, epochs, onEpoch: (e) => console.log(`  ${tag} epoch ${e.epoch}: loss ${e.loss.toFixed(4)} ${e.seconds.toFixed(1)}s ${Math.round(e.samples / e.seconds / 1000)}k samples/s`) };
}

async function benchOne(key: string, spec: BenchSpec): Promise<Record<string, unknown> | null> {
  if (!existsSync(spec.load.data)) {
    console.warn(`SKIPPED ${key}: ${spec.load.data} not found (set TASTEBUD_DATA to the shared data folder)`);
    return null;
  }
  const data = await loadDataset(spec.load);
  const { train, test } = data.split;
  console.log(`\n## ${spec.name}\n${train.userIds.length} users, ${train.itemIds.length} items, ${train.users.length} train / ${test.users.length} test`);
  const input = { train, test, candidates: data.candidates };
  const t0 = Date.now();
  const r = await runExperiment(input, { train: withLog(spec.train, 'als') });
  const wall = (Date.now() - t0) / 1000;
  const sgd = await runExperiment(input, { train: withLog(spec.sgd, 'sgd') });
  const artefacts = measureArtefacts(r, { train, test, candidates: data.candidates });
  const throughput = await measureThroughput(sgd.params, train, spec.sgd, process.env.QUALITY_NAIVE !== '0');
  const pytorch = key === 'ml1m' && process.env.QUALITY_TORCH !== '0' ? await measureTorchSideBySide(train, spec.load.data, spec.sgd) : null;
  const label = (name: string, solver: string): string => (name === 'tastebud' ? `tastebud (${solver})` : name);
  const rows: ResultRow[] = [
    ...r.rows.map((row) => ({ ...row, name: label(row.name, 'als'), extra: { ...row.extra } })),
    ...sgd.rows.filter((row) => row.name === 'tastebud').map((row) => ({ ...row, name: label(row.name, 'sgd'), extra: { ...row.extra } })),
  ];
  return {
    dataset: spec.name,
    users: train.userIds.length,
    items: train.itemIds.length,
    trainInteractions: train.users.length,
    testInteractions: test.users.length,
    ncfCandidates: data.candidates ? 'fixed file (ncf-negatives.tsv)' : 'sampled, seed 0',
    hyperParameters: r.model.hyperParameters,
    sgdHyperParameters: sgd.model.hyperParameters,
    training: { seconds: r.report.trainSeconds, samples: r.report.samples, samplesPerSecond: r.report.samplesPerSecond, wallSeconds: wall, epochs: r.report.epochs },
    sgdTraining: { seconds: sgd.report.trainSeconds, samples: sgd.report.samples, samplesPerSecond: sgd.report.samplesPerSecond, epochs: sgd.report.epochs },
    rows,
    artefacts,
    throughput,
    pytorch,
    reference: spec.reference,
    curve: learningCurveSvg(r.curve, { title: spec.name }),
  };
}

function torchAvailable(): string {
  const t = findTorchPython();
  return t.python === null ? t.reason : `torch ${t.version} (${t.python})`;
}

function toMarkdown(results: Record<string, unknown>[], torch: string): string {
  const out = ['# tastebud quality bench', '', `Machine: ${process.platform}, Node ${process.version}; PyTorch: ${torch}.`, ''];
  for (const r of results) {
    const a = r.artefacts as { table: ResultRow[]; summary: string };
    const t = r.throughput as { table: ResultRow[]; summary: string };
    const tr = r.training as { seconds: number; samplesPerSecond: number };
    const st = r.sgdTraining as { seconds: number; samplesPerSecond: number } | undefined;
    out.push(`## ${r.dataset}`, '', `${r.users} users, ${r.items} items, ${r.trainInteractions} train / ${r.testInteractions} test; NCF candidates: ${r.ncfCandidates}.`);
    out.push(`ALS (the shipped model): \`${JSON.stringify(r.hyperParameters)}\`; training ${tr.seconds.toFixed(1)} s (${Math.round(tr.samplesPerSecond).toLocaleString('en')} positives/s).`, '');
    if (st) out.push(`SGD (sampled BCE) side by side: \`${JSON.stringify(r.sgdHyperParameters)}\`; training ${st.seconds.toFixed(1)} s, ${Math.round(st.samplesPerSecond).toLocaleString('en')} samples/s.`, '');
    out.push(markdownTable(r.rows as ResultRow[]), '', `Reference: ${r.reference}.`, '', '### Artefact', '', markdownTable(a.table), '', a.summary, '');
    out.push('### Throughput (same batches, side by side)', '', markdownTable(t.table), '', t.summary, '');
    const pt = r.pytorch as { table: ResultRow[]; summary: string } | null | undefined;
    if (pt) out.push('### PyTorch side by side (one epoch each, same training file)', '', ...(pt.table.length ? [markdownTable(pt.table), ''] : []), pt.summary, '');
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const which = (process.env.QUALITY_DATASETS ?? 'ml1m,beauty').split(',');
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  // datasets run separately (QUALITY_DATASETS=beauty) merge into the same report
  const file = join(dir, 'quality.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')).results as Record<string, unknown>[]) : [];
  const byKey = new Map(previous.map((r) => [String(r.key), r]));
  for (const key of which.map((k) => k.trim())) {
    const spec = SPECS[key];
    if (!spec) throw new Error(`unknown dataset ${key}; use ${Object.keys(SPECS).join(', ')}`);
    const r = await benchOne(key, spec);
    if (!r) continue;
    writeFileSync(join(dir, `quality_curve_${key}.svg`), String(r.curve));
    delete r.curve;
    byKey.set(key, { key, ...r });
  }
  const results = Object.keys(SPECS).filter((k) => byKey.has(k)).map((k) => byKey.get(k)!);
  const torch = torchAvailable();
  writeFileSync(file, JSON.stringify({ generatedAt: new Date().toISOString(), pytorch: torch, results }, null, 2));
  const md = toMarkdown(results, torch);
  writeFileSync(join(dir, 'quality.md'), md);
  console.log('\n' + md);
}

await main();
