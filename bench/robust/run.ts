/**
 * `npm run bench:robust`: robustness of the global model to perturbed embeddings (DESIGN.md protocol 3, the
 * half APR is for), with and without APR, side by side in one run on the same split:
 * - the ALS model the artefact ships, BPR-MF, and BPR-MF continued with APR (He et al., SIGIR 2018) from the
 *   middle epoch on, for two ε (the epochs are the same, so APR is compared with training on plainly);
 * - HR@10 (full ranking and NCF 1 + 99) clean, under the APR paper's attack (every user and item row moved by ε
 *   along its gradient of the BPR loss over the whole training log) and under random moves of the same size;
 * - the BPR loss under the per-triple attack APR trains against (`attackedPairLoss`).
 * Writes bench/results/robustness.{json,md} and a chart per dataset, robustness-<dataset>.svg. Data from ../shared/data (or TASTEBUD_DATA); skipped when absent.
 *
 * Env: ROBUST_DATASETS=ml1m,beauty (the default)  ROBUST_EPOCHS=<override of the BPR-MF epochs>
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadDataset } from '../../src/cli/datasets.ts';
import { attackedPairLoss, evaluatePerturbed, meanRowNorm } from '../../src/eval/adversarial.ts';
import { runExperiment, sampledCandidates } from '../../src/eval/experiment.ts';
import { seriesSvg } from '../../src/eval/report.ts';
import type { PretrainOptions } from '../../src/train/pretrain.ts';
import { buildUserItemIndex } from '../../src/train/user_index.ts';
import { SPECS, type BenchSpec } from '../lib/specs.ts';

const ATTACK_EPS = [0.25, 0.5, 1];
const RANDOM_EPS = [0.5, 1];
const PAIR_EPS = 0.5;
const EPOCHS = Number(process.env.ROBUST_EPOCHS ?? 10);

/** BPR-MF as in the APR paper's base model, with the L2 chosen on validation for the dataset's sampled-loss model
 * (`bench/lib/specs.ts`; APR also regularises, so an under-regularised base would flatter it). */
const bprFor = (spec: BenchSpec): PretrainOptions => ({ dim: 64, epochs: EPOCHS, negatives: 4, loss: 'bpr', lr: 0.05, l2: spec.sgd.l2, batchSize: 1024, seed: 1 });
/** APR starts from the model half-way through. */
const withApr = (bpr: PretrainOptions, advEps: number): PretrainOptions => ({ ...bpr, advEps, advReg: 1, advStartEpoch: Math.floor(EPOCHS / 2) + 1 });

interface ModelRow {
  model: string;
  trainSeconds: number;
  userNorm: number;
  itemNorm: number;
  /** [ε, full HR@10, NCF HR@10]; ε 0 is clean. */
  adversarial: [number, number, number][];
  random: [number, number, number][];
  pairLoss: { clean: number; attacked: number };
}

async function benchOne(key: string): Promise<{ name: string; rows: ModelRow[] } | null> {
  const spec = SPECS[key];
  if (!spec || !existsSync(spec.load.data)) {
    console.warn(`SKIPPED ${key}: ${spec?.load.data ?? 'unknown dataset'} not found (set TASTEBUD_DATA to the shared data folder)`);
    return null;
  }
  const data = await loadDataset(spec.load);
  const { train, test } = data.split;
  const seen = buildUserItemIndex(train.users, train.items, train.userIds.length);
  const candidates = data.candidates ?? sampledCandidates({ train, test }, 0);
  const bpr = bprFor(spec);
  console.log(`\n## ${spec.name}: ${train.userIds.length} users, ${train.itemIds.length} items`);
  const models: [string, PretrainOptions][] = [
    ['ALS (the shipped model)', spec.train],
    [`BPR-MF, ${EPOCHS} epochs, L2 ${bpr.l2}`, bpr],
    ['BPR-MF + APR ε 0.1', withApr(bpr, 0.1)],
    ['BPR-MF + APR ε 0.5', withApr(bpr, 0.5)],
  ];
  const rows: ModelRow[] = [];
  for (const [model, options] of models) {
    const t0 = Date.now();
    const r = await runExperiment({ train, test, candidates }, { train: options });
    const trainSeconds = (Date.now() - t0) / 1000;
    const clean = r.results.filter((x) => x.scorer === 'tastebud');
    const hr = (x: { metrics: Record<string, number> } | null | undefined): number => x?.metrics['HR@10'] ?? Number.NaN;
    const base: [number, number, number] = [0, hr(clean.find((x) => x.protocol === 'full')), hr(clean.find((x) => x.protocol === 'ncf'))];
    const perturbed = evaluatePerturbed(r.params, train, seen, test, candidates, ATTACK_EPS, { kinds: ['adversarial'] });
    const random = evaluatePerturbed(r.params, train, seen, test, candidates, RANDOM_EPS, { kinds: ['random'] });
    const row: ModelRow = {
      model,
      trainSeconds,
      userNorm: meanRowNorm(r.params.userEmb, r.params.dim),
      itemNorm: meanRowNorm(r.params.itemEmb, r.params.dim),
      adversarial: [base, ...perturbed.map((p): [number, number, number] => [p.eps, hr(p.full), hr(p.ncf)])],
      random: [base, ...random.map((p): [number, number, number] => [p.eps, hr(p.full), hr(p.ncf)])],
      pairLoss: { clean: attackedPairLoss(r.params, train, 0, { negatives: 4 }), attacked: attackedPairLoss(r.params, train, PAIR_EPS, { negatives: 4 }) },
    };
    console.log(`  ${model}: ${trainSeconds.toFixed(0)} s; full HR@10 clean ${base[1].toFixed(4)}, ${row.adversarial.slice(1).map(([e, f]) => `ε ${e} ${f.toFixed(4)}`).join(', ')}`);
    rows.push(row);
  }
  return { name: spec.name, rows };
}

function markdown(name: string, rows: ModelRow[]): string {
  const kept = (v: number, clean: number): string => `${v.toFixed(4)} (${Math.round((100 * v) / clean)} %)`;
  const eps = rows[0].adversarial.slice(1).map(([e]) => e);
  const reps = rows[0].random.slice(1).map(([e]) => e);
  const head = ['model', 'row norm (users / items)', 'clean', ...eps.map((e) => `attack ε ${e}`), ...reps.map((e) => `random ε ${e}`)];
  const out = [`## ${name}`, ''];
  for (const [col, label] of [[1, 'full-ranking HR@10'], [2, 'NCF HR@10 (1 + 99)']] as const) {
    out.push(`${label}, and the share of the clean figure kept:`, '', `| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
    for (const r of rows) {
      const clean = r.adversarial[0][col];
      const cells = [r.model, `${r.userNorm.toFixed(2)} / ${r.itemNorm.toFixed(2)}`, clean.toFixed(4), ...r.adversarial.slice(1).map((x) => kept(x[col], clean)), ...r.random.slice(1).map((x) => kept(x[col], clean))];
      out.push(`| ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  out.push(`BPR loss (4 sampled negatives per pair) clean, and under the per-triple attack of ε ${PAIR_EPS} that APR trains against:`, '', '| model | clean | attacked | training s |', '|---|---|---|---|');
  for (const r of rows) out.push(`| ${r.model} | ${r.pairLoss.clean.toFixed(4)} | ${r.pairLoss.attacked.toFixed(4)} | ${r.trainSeconds.toFixed(0)} |`);
  return out.join('\n');
}

async function main(): Promise<void> {
  const keys = (process.env.ROBUST_DATASETS ?? 'ml1m,beauty').split(',').map((s) => s.trim());
  const results = [];
  for (const key of keys) {
    const r = await benchOne(key);
    if (r) results.push({ key, ...r });
  }
  if (!results.length) return;
  const meta = { date: new Date().toISOString(), node: process.version, epochs: EPOCHS, attackEps: ATTACK_EPS, randomEps: RANDOM_EPS, pairEps: PAIR_EPS };
  const md = [`# tastebud robustness bench (perturbed embeddings, with and without APR)`, '', results.map((r) => markdown(r.name, r.rows)).join('\n\n')].join('\n');
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/robustness.json', JSON.stringify({ meta, results }, null, 1));
  writeFileSync('bench/results/robustness.md', md + '\n');
  for (const r of results) {
    const svg = seriesSvg(
      r.rows.map((m) => ({ label: m.model, points: m.adversarial.map(([e, full]) => ({ x: e, y: full / m.adversarial[0][1] })) })),
      { x: 'ε (each row moved by ε along its loss gradient)', y: 'full-ranking HR@10 kept', title: `${r.name}: HR@10 kept under the APR paper's attack` },
    );
    writeFileSync(`bench/results/robustness-${r.key}.svg`, svg);
  }
  console.log(`\n${md}\n\nwrote bench/results/robustness.{json,md} and robustness-<dataset>.svg`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
