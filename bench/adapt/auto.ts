/**
 * `npm run bench:auto`: what `pretrain --auto` gives a shop on logs it was not developed on, side by side in one
 * run per dataset, on every dataset of ../shared/data with users and an order (absent ones are skipped loudly).
 *
 * 1. Full ranking (DESIGN.md protocol 1, the loader's leave-one-out; ML-1M implicit: its fixed test file): the
 *    recipe `--auto` chooses on a validation split of the training part, retrained on it, against the implicit-ALS
 *    reference of bench/adapt/als.ts with its default settings (user vectors: one more exact half-step).
 * 2. Prequential (DESIGN.md protocol 2, held-out users as there; not for a log without times): `--auto` on the
 *    other users' events (recipe, then the learner's settings replayed on validation users drawn from those
 *    users only), the shipped settings through the Engine against the closed-form fold-in of the same model.
 *
 * Flags: --datasets a,b (default all: ml-100k, beauty, ml-1m-prefix, toys, ml-1m-implicit, sports),
 * --recipe-budget S (default 90), --learner-budget S (default 240), --max-steps N (test steps replayed per method,
 * default 15000: every k-th held-out user), --protocols full,prequential (default both). Writes bench/results/auto.{json,md} (auto-<datasets>.{json,md} with
 * --datasets) after every dataset.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadDataset, type LoadOptions } from '../../src/cli/datasets.ts';
import { getters, parseArgs } from '../../src/cli/args.ts';
import { PRETRAIN_SPECS } from '../../src/cli/cmd_pretrain.ts';
import { trainOptions } from '../../src/cli/train_args.ts';
import { autoLearner } from '../../src/cli/learner_auto.ts';
import { BUCKETS, MAX_STEPS, runProtocol, engineMethod, type Scores, type StreamEvent } from '../../src/cli/prequential.ts';
import { autoTune } from '../../src/eval/auto.ts';
import { asPretrainData } from '../../src/eval/experiment.ts';
import { evaluateFullRanking } from '../../src/eval/protocols.ts';
import { createParamsScorer } from '../../src/eval/scorers.ts';
import { heldOutUsers, orderByUser } from '../../src/data/split.ts';
import type { InteractionSet } from '../../src/data/interactions.ts';
import { pretrain, type PretrainOptions } from '../../src/train/pretrain.ts';
import { buildUserItemIndex } from '../../src/train/user_index.ts';
import { DATA_DIR } from './data.ts';
import { RESULTS_DIR } from './model.ts';
import { ALS } from './als.ts';
import { alsScorer } from './auto_als.ts';
import { foldInMethod, popularityMethod } from './protocol.ts';

interface Spec {
  name: string;
  load: LoadOptions;
  /** DESIGN.md's held-out users of protocol 2; absent: the log has no order, protocol 2 is skipped. */
  heldOut?: (userId: string, user: number) => boolean;
}

const byId = (id: string): boolean => Number(id) % 5 === 0;
const byLine = (_: string, u: number): boolean => (u + 1) % 5 === 0; // users interned in line order
const SPECS: Spec[] = [
  { name: 'ml-100k', load: { data: `${DATA_DIR}ml-100k/u.data`, format: 'tsv', columns: 'user,item,weight,timestamp' }, heldOut: byId },
  { name: 'beauty', load: { data: `${DATA_DIR}amazon-s3rec/Beauty.txt`, format: 'amazon' }, heldOut: byLine },
  { name: 'ml-1m-prefix', load: { data: `${DATA_DIR}ml-1m-ratings-prefix/ratings.dat`, format: 'movielens' }, heldOut: byId },
  { name: 'toys', load: { data: `${DATA_DIR}amazon-s3rec/Toys_and_Games.txt`, format: 'amazon' }, heldOut: byLine },
  { name: 'ml-1m-implicit', load: { data: `${DATA_DIR}ml-1m-implicit-afcfm`, format: 'ml1m-implicit' } },
  { name: 'sports', load: { data: `${DATA_DIR}amazon-s3rec/Sports_and_Outdoors.txt`, format: 'amazon' }, heldOut: byLine },
];

const args = process.argv.slice(2);
const flag = (f: string): string | undefined => (args.includes(f) ? args[args.indexOf(f) + 1] : undefined);
const wanted = flag('--datasets')?.split(',');
const recipeBudget = Number(flag('--recipe-budget') ?? 90);
const learnerBudget = Number(flag('--learner-budget') ?? 240);
const maxSteps = Number(flag('--max-steps') ?? 15_000);
const protocols = (flag('--protocols') ?? 'full,prequential').split(',');
const log = (s: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

async function fullRanking(train: InteractionSet, test: InteractionSet, base: PretrainOptions): Promise<Record<string, unknown>> {
  const t0 = Date.now();
  const auto = await autoTune(train, base, { budgetSeconds: recipeBudget, seed: 1, onTrial: (t) => log(`  recipe trial ${t.trial}: ${JSON.stringify(t.params)} → val NDCG@10 ${t.validation.toFixed(4)}`) });
  const { params } = await pretrain(asPretrainData(train), { ...base, ...auto.best, epochs: auto.epochs });
  const seen = buildUserItemIndex(train.users, train.items, train.userIds.length);
  const hr = (s: Parameters<typeof evaluateFullRanking>[0]): number => evaluateFullRanking(s, seen, test).metrics['HR@10'];
  const autoHr = hr(createParamsScorer(params, 'auto'));
  const autoSeconds = (Date.now() - t0) / 1000;
  const t1 = Date.now();
  const als = alsScorer(train, ALS);
  const alsHr = hr(als.scorer);
  const alsBiasHr = hr(als.withBias);
  log(`  full HR@10: --auto ${autoHr.toFixed(4)} (${autoSeconds.toFixed(0)} s), implicit ALS ${alsHr.toFixed(4)} (with its popularity bias ${alsBiasHr.toFixed(4)}; ${((Date.now() - t1) / 1000).toFixed(0)} s)`);
  return { autoHr, alsHr, alsBiasHr, recipe: auto.best, epochs: auto.epochs, recipeTrials: auto.trials.length, autoSeconds };
}

async function prequential(all: InteractionSet, spec: Spec, base: PretrainOptions): Promise<Record<string, unknown>> {
  const { train, test } = heldOutUsers(all, spec.heldOut!);
  const auto = await autoTune(train, base, { budgetSeconds: recipeBudget, seed: 1 });
  const recipe = { ...base, ...auto.best, epochs: auto.epochs };
  log(`  protocol 2: recipe ${JSON.stringify(auto.best)}, ${auto.epochs} epochs (${auto.trials.length} trials); choosing the learner`);
  const { model } = await pretrain(asPretrainData(train), recipe);
  const tuned = await autoLearner(train, recipe, { budgetSeconds: learnerBudget, seed: 1, log, onTrial: (t) => log(`  learner trial ${t.trial} (${t.label}): ${BUCKETS.map((b) => t.hr[b.name].toFixed(3)).join(' / ')}${t.eligible ? '' : ' (below the fold-in)'} ${t.seconds.toFixed(0)} s`) });
  if (tuned) model.learner = tuned.best;
  const streams = testStreams(test, spec);
  const methods = {
    'tastebud, shipped settings': engineMethod(model),
    'closed-form fold-in': foldInMethod(model),
    'tastebud, built-in defaults': engineMethod({ ...model, learner: undefined }),
    popularity: popularityMethod(model),
  };
  const out: Record<string, Scores> = {};
  for (const [name, m] of Object.entries(methods)) {
    out[name] = await runProtocol(m, streams);
    log(`  ${name.padEnd(28)} ${BUCKETS.map((b) => `${b.name} ${out[name][b.name].hr.toFixed(3)}`).join('  ')}`);
  }
  return { users: streams.length, steps: streams.reduce((a, s) => a + s.length, 0), shipped: model.learner ?? null, chosen: tuned?.bestLabel, learnerTrials: tuned?.trials.length, validationUsers: tuned?.validationUsers, scores: out };
}

/** The held-out users' first 100 events in order; every k-th user so that about `maxSteps` steps remain. */
function testStreams(test: InteractionSet, spec: Spec): StreamEvent[][] {
  const all = orderByUser(test)
    .map((ev, u) => ({ ev, held: ev.length > 0 && spec.heldOut!(test.userIds[u], u) }))
    .filter((x) => x.held)
    .map((x) => Array.from(x.ev.subarray(0, MAX_STEPS), (n) => ({ itemId: test.itemIds[test.items[n]], timestamp: test.timestamps[n], scored: true })));
  const steps = all.reduce((a, s) => a + s.length, 0);
  const every = Math.max(1, Math.ceil(steps / maxSteps));
  return all.filter((_, k) => k % every === 0);
}

async function main(): Promise<void> {
  const report: Record<string, unknown> = { recipeBudget, learnerBudget, maxSteps, datasets: {} };
  const base = await trainOptions(getters(parseArgs([], PRETRAIN_SPECS)));
  for (const spec of SPECS.filter((s) => !wanted || wanted.includes(s.name))) {
    if (!existsSync(spec.load.data)) {
      console.warn(`SKIPPING ${spec.name}: ${spec.load.data} is absent (the datasets are not redistributable, see DESIGN.md)`);
      continue;
    }
    log(`${spec.name}: reading`);
    const data = await loadDataset(spec.load);
    log(`${spec.name}: ${data.set.users.length} interactions, ${data.set.userIds.length} users, ${data.set.itemIds.length} items; ${data.holdout}`);
    const entry: Record<string, unknown> = protocols.includes('full') ? { full: await fullRanking(data.split.train, data.split.test, base) } : {};
    (report.datasets as Record<string, unknown>)[spec.name] = entry;
    write(report);
    if (!protocols.includes('prequential')) continue;
    if (spec.heldOut) entry.prequential = await prequential(data.set, spec, base);
    else console.warn(`SKIPPING protocol 2 on ${spec.name}: the log has no times (ml-1m-prefix is the same users with times)`);
    write(report);
  }
}

function write(report: Record<string, unknown>): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  // one file per dataset list, so lists can run as separate processes side by side
  const part = (wanted ? `auto-${wanted.join('+')}` : 'auto') + (protocols.length < 2 ? `-${protocols.join('')}` : '');
  writeFileSync(`${RESULTS_DIR}${part}.json`, JSON.stringify(report, null, 1));
  writeFileSync(`${RESULTS_DIR}${part}.md`, markdown(report));
}

function markdown(report: Record<string, unknown>): string {
  const rows = ['| dataset | --auto full HR@10 | implicit ALS | ≥ ALS? | prequential HR@10 1-5 / 6-20 / 21-100 / all: shipped settings | closed-form fold-in | built-in defaults | ≥ fold-in in every bucket? |', '|---|---|---|---|---|---|---|---|'];
  for (const [name, e] of Object.entries(report.datasets as Record<string, { full?: Record<string, number>; prequential?: { scores: Record<string, Scores> } }>)) {
    const f = e.full ?? { autoHr: NaN, alsHr: NaN, alsBiasHr: NaN };
    const ref = Math.max(f.alsHr, f.alsBiasHr);
    const s = e.prequential?.scores;
    const fmt = (x?: Scores): string => (x ? BUCKETS.map((b) => x[b.name].hr.toFixed(3)).join(' / ') : '–');
    const meets = s ? (BUCKETS.every((b) => s['tastebud, shipped settings'][b.name].hr >= s['closed-form fold-in'][b.name].hr) ? 'yes' : 'no') : '–';
    const x4 = (v: number): string => (Number.isNaN(v) ? '–' : v.toFixed(4));
    rows.push(`| ${name} | ${x4(f.autoHr)} | ${x4(f.alsHr)} (bias ${x4(f.alsBiasHr)}) | ${e.full ? (f.autoHr >= ref ? 'yes' : 'no') : '–'} | ${fmt(s?.['tastebud, shipped settings'])} | ${fmt(s?.['closed-form fold-in'])} | ${fmt(s?.['tastebud, built-in defaults'])} | ${meets} |`);
  }
  return [`# pretrain --auto on every dataset (recipe budget ${recipeBudget} s, learner budget ${learnerBudget} s)`, '', ...rows, ''].join('\n');
}

await main();
