/**
 * `npm run bench:honesty`: how the honest-evaluation changes move the headline figures, side by side in one run.
 * - Ties: the shipped recipe (bench:quality's ALS spec, trained on the whole training part) and popularity,
 *   scored with ties counted against the held-out item (now) and with ties to the smaller item index (before).
 * - Refit: `tastebud evaluate --data` with early stopping scored the early-stopped model (trained without each
 *   user's latest training item); it now retrains on the whole training part for the best epoch count first.
 * Writes bench/results/eval_honesty.{json,md}. Env: HONESTY_DATASETS=ml1m,beauty (default ml1m).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../../src/cli/datasets.ts';
import type { CandidateSet } from '../../src/data/ncf_candidates.ts';
import { resultRow, runExperiment, sampledCandidates } from '../../src/eval/experiment.ts';
import { createMetricAccumulator } from '../../src/eval/metrics.ts';
import { markdownTable } from '../../src/eval/report.ts';
import type { ResultRow } from '../../src/eval/report.ts';
import { createParamsScorer, createPopularityScorer } from '../../src/eval/scorers.ts';
import type { Scorer } from '../../src/eval/scorers.ts';
import { createTopKHeap } from '../../src/model/top_k.ts';
import { buildUserItemIndex } from '../../src/train/user_index.ts';
import type { UserItemIndex } from '../../src/train/user_index.ts';
import { SPECS } from '../lib/specs.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The previous rule: ties to the smaller item index (the held-out item wins ties with larger-index items). */
function byIndexFull(s: Scorer, seen: UserItemIndex, test: { users: Int32Array; items: Int32Array }): number {
  const acc = createMetricAccumulator([10]);
  const scores = new Float32Array(s.numItems);
  for (let n = 0; n < test.users.length; n++) {
    const u = test.users[n];
    s.scoreAll(u, scores);
    const heap = createTopKHeap(10);
    const own = seen.itemsOf(u);
    for (let i = 0, o = 0; i < scores.length; i++) {
      while (o < own.length && own[o] < i) o++;
      if (o < own.length && own[o] === i && i !== test.items[n]) continue;
      heap.push(scores[i], i);
    }
    acc.add(heap.result().indices, new Set([test.items[n]]));
  }
  return acc.result()['HR@10'];
}

function byIndexNcf(s: Scorer, sets: CandidateSet[]): number {
  const acc = createMetricAccumulator([10]);
  const scores = new Float32Array(s.numItems);
  for (const { user, items } of sets) {
    s.scoreAll(user, scores);
    const heap = createTopKHeap(10);
    for (const i of items) heap.push(scores[i], i);
    acc.add(heap.result().indices, new Set([items[0]]));
  }
  return acc.result()['HR@10'];
}

async function benchOne(key: string): Promise<{ key: string; rows: ResultRow[]; refit: ResultRow[] } | null> {
  const spec = SPECS[key];
  if (!existsSync(spec.load.data)) {
    console.warn(`SKIPPED ${key}: ${spec.load.data} not found (set TASTEBUD_DATA to the shared data folder)`);
    return null;
  }
  const data = await loadDataset(spec.load);
  const { train, test } = data.split;
  const input = { train, test, candidates: data.candidates };
  const candidates = data.candidates ?? sampledCandidates(input, 0);
  const seen = buildUserItemIndex(train.users, train.items, train.userIds.length);
  console.log(`${spec.name}: shipped recipe on the whole training part`);
  const shipped = await runExperiment(input, { train: spec.train });
  const counts = new Float32Array(train.itemIds.length);
  for (const i of train.items) counts[i]++;
  const rows: ResultRow[] = [];
  for (const s of [createParamsScorer(shipped.params), createPopularityScorer(counts)]) {
    const now = shipped.rows.filter((r) => r.name === s.name);
    const before = { full: byIndexFull(s, seen, test), ncf: byIndexNcf(s, candidates) };
    for (const r of now) {
      const was = r.protocol === 'full ranking' ? before.full : before.ncf;
      rows.push({ name: s.name, protocol: r.protocol, metrics: { 'HR@10 ties against': r.metrics['HR@10'], 'HR@10 ties by index (before)': was, change: r.metrics['HR@10'] - was } });
    }
  }
  console.log(`${spec.name}: evaluate with early stopping (validation NCF HR@10), without and with the refit`);
  const refit: ResultRow[] = [];
  for (const on of [false, true]) {
    const r = await runExperiment(input, { train: { ...spec.train, epochs: 12, patience: 3 }, validation: true, refit: on });
    for (const row of r.results.filter((x) => x.scorer === 'tastebud').map(resultRow)) refit.push({ ...row, name: on ? 'evaluate (refit, now)' : 'evaluate (early-stopped model, before)', extra: { epochs: r.report.epochs.length, trainInteractions: r.report.numInteractions } });
  }
  return { key, rows, refit };
}

async function main(): Promise<void> {
  const which = (process.env.HONESTY_DATASETS ?? 'ml1m').split(',').map((k) => k.trim());
  const results = [];
  for (const key of which) {
    const r = await benchOne(key);
    if (r) results.push(r);
  }
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'eval_honesty.json'), JSON.stringify({ generatedAt: new Date().toISOString(), results }, null, 2));
  const md = ['# Honest evaluation: before and after, one run', ''];
  for (const r of results) md.push(`## ${SPECS[r.key].name}`, '', '### Ties', '', markdownTable(r.rows), '', '### evaluate --data: refit', '', markdownTable(r.refit), '');
  writeFileSync(join(dir, 'eval_honesty.md'), md.join('\n'));
  console.log(md.join('\n'));
}

await main();
