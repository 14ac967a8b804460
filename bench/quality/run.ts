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
import { loadDataset } from '../../src/cli/datasets.ts';
import type { PretrainOptions } from '../../src/train/pretrain.ts';
import { runExperiment } from '../../src/eval/experiment.ts';
import { learningCurveSvg, markdownTable } from '../../src/eval/report.ts';
import type { ResultRow } from '../../src/eval/report.ts';
import { measureArtefacts } from './artefact.ts';
import { measureThroughput } from './throughput.ts';
import { findTorchPython, measureTorchSideBySide } from '../lib/torch.ts';
import { SPECS, type BenchSpec } from '../lib/specs.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

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
