/**
 * Diagnostic for the noise criterion (not part of `npm run bench:adapt`): which injected clicks does the damage?
 * First, where the loss falls: each real step grouped by how many events ago the last injected click came (1: it
 * is the newest click), with what plain training loses there and what APR + denoising (the tuned learner) and
 * telling every injected click win back there; and what APR adds to denoising (the tuned learner with `apr` off).
 * Then the plain learner is told some of the injected clicks (tracked as a type weighed 0): all of them, only those
 * the isolation test (src/engine/isolation.ts, the newest click against the three before it) flags, or only
 * those it passes. The share of plain's loss each wins back bounds what a denoiser built on that test can do.
 * Then detectors that err at random: they tell the learner as many of the injected clicks as the isolation test
 * flags, and also a share of the real clicks (tracked the same way) — the isolation test's own false-alarm rate,
 * a half, a quarter and none of it — which says how few false alarms a detector must raise to win back half.
 * Validation split of the training users by default (`--test` for the held-out users).
 *
 *   npx tsx bench/adapt_noise_oracle.ts ml-1m 200 popular [--test]
 */
import { hasDataset, loadDataset, validationSplit } from './data.ts';
import { alsModelFor, withAttributes } from './model.ts';
import { ALS } from './als.ts';
import { pick } from './extra.ts';
import { engineMethod, K, runProtocol, streamEvents, type Method, type StreamEvent } from './protocol.ts';
import { TUNED } from './tuned.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { createModelContext } from '../../src/engine/model_context.ts';
import { newestIsolated } from '../../src/engine/isolation.ts';
import { resolveLearnerConfig } from '../../src/engine/learner_config.ts';
import type { HistoryEntry } from '../../src/engine/user_state.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import { labelledPlain, noisyStreams, type NoiseKind } from './noise.ts';
import { createRng } from '../../src/model/rng.ts';

const [name = 'ml-1m', usersArg = '200', kindArg = 'popular'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const kind = kindArg as NoiseKind;
if (kind !== 'uniform' && kind !== 'popular') throw new Error(`noise kind must be uniform or popular, got ${kindArg}`);
if (name !== 'ml-1m' && name !== 'beauty') throw new Error(`dataset must be ml-1m or beauty, got ${name}`);
if (!hasDataset(name)) {
  console.log(`skipped: ../shared/data has no ${name} (the datasets are not redistributed with the project)`);
  process.exit(0);
}
const test = process.argv.includes('--test');
const full = loadDataset(name);
const ds = test ? full : validationSplit(full);
const model = withAttributes(alsModelFor(test ? name : ds.name, ds.train, ALS, () => {}), ds.labels);
const ctx = createModelContext(model, 'popularity');
const isolationTest = resolveLearnerConfig({ isolatedShare: 0.5 }); // newestIsolated only answers when hedging is on
const streams = pick(ds.heldOut, Number(usersArg));
const noisy = noisyStreams(model, streams, kind, 3);
const plain = labelledPlain(TUNED[name]);

/** Plain learning; a click is tracked as a `view` (weight 0) when `told(injected, flagged)` says so. */
function method(told: (injected: boolean, flagged: boolean) => boolean): Method {
  return async () => {
    const engine = await createEngine({ model, store: createMemoryStore('oracle'), namespace: 'oracle', learner: plain, seed: 1 });
    const learned: HistoryEntry[] = [];
    return {
      recommend: async () => (await engine.recommend({ k: 10 })).map((r) => r.itemId),
      learn: async (itemId, timestamp, injected = false) => {
        const entry: HistoryEntry = { seq: 0, itemId, type: 'select', timestamp, weight: 1, order: 0 };
        const known = ctx.index.has(itemId);
        const flagged = known && newestIsolated(ctx, [...learned.slice(-3), entry], isolationTest);
        flags[injected ? 'injected' : 'real'][flagged ? 1 : 0]++;
        const type = told(injected, flagged) ? 'view' : 'select';
        if (type === 'select' && known) learned.push(entry);
        await engine.track({ itemId, type, timestamp });
        await engine.whenIdle();
      },
    };
  };
}

/** HR@10 over all steps; `steps`, if given, receives each session's hits per real step (1 or 0), in order. */
async function hr(m: Method, events: StreamEvent[][], steps?: number[][]): Promise<number> {
  return (await runProtocol(steps ? recordSteps(m, steps) : m, events)).all.hr;
}

/** Wraps a method so each session's hits per real step land in `out` (the protocol learns a step's item right
 * after ranking for it). */
function recordSteps(m: Method, out: number[][]): Method {
  return async () => {
    const session = await m();
    const hits: number[] = [];
    out.push(hits);
    let last: string[] = [];
    return {
      recommend: async () => (last = await session.recommend()),
      learn: async (itemId, timestamp, injected) => {
        if (!injected) hits.push(last.slice(0, K).includes(itemId) ? 1 : 0);
        await session.learn(itemId, timestamp, injected);
      },
    };
  };
}

const byDistance = { clean: [] as number[][], plain: [] as number[][], robust: [] as number[][], told: [] as number[][] };

/** Plain's loss, and what the tuned learner and telling every injected click win back, by events since the last
 * injected click (shares of the whole loss). */
function printByDistance(): void {
  const groups = ['1', '2', '3', '4-10', '11+', 'none yet'];
  const groupOf = (since: number): string =>
    since === 0 ? 'none yet' : since <= 3 ? String(since) : since <= 10 ? '4-10' : '11+';
  const sum = Object.fromEntries(groups.map((g) => [g, { steps: 0, loss: 0, robust: 0, told: 0 }]));
  let steps = 0;
  noisy.forEach((events, u) => {
    let lastInjected = -1;
    let t = 0;
    for (const [k, e] of events.entries()) {
      if (!e.scored) {
        lastInjected = k;
        continue;
      }
      const g = sum[groupOf(lastInjected < 0 ? 0 : k - lastInjected)];
      const plain = byDistance.plain[u][t];
      g.steps++;
      g.loss += byDistance.clean[u % streams.length][t] - plain;
      g.robust += byDistance.robust[u][t] - plain;
      g.told += byDistance.told[u][t] - plain;
      steps++;
      t++;
    }
  });
  const total = groups.reduce((a, g) => a + sum[g].loss, 0);
  console.log('  by events since the last injected click: steps | plain loses | APR + denoising win back | told every injected click wins back');
  for (const g of groups) {
    const x = sum[g];
    const cells = [x.steps / steps, x.loss / total, x.robust / total, x.told / total].map((v) => pct(v).padStart(5));
    console.log(`    ${g.padEnd(8)} ${cells.join(' | ')}`);
  }
}

/** How often the isolation test flags injected and real clicks ([passed, flagged] counts). */
const flags = { injected: [0, 0], real: [0, 0] };
const rate = (c: number[]): number => c[1] / (c[0] + c[1]);
const clean = await hr(method(() => false), streams.map((s) => streamEvents(s)), byDistance.clean);
flags.injected = [0, 0];
flags.real = [0, 0];
const noisyPlain = await hr(method(() => false), noisy, byDistance.plain);
const loss = clean - noisyPlain;
const hits = rate(flags.injected);
const falseAlarms = rate(flags.real);
console.log(`${name} ${kind} (${test ? 'held-out' : 'validation'} users: ${streams.length} x 3 noise seeds): clean ${clean.toFixed(4)}, noisy ${noisyPlain.toFixed(4)}, loss ${loss.toFixed(4)}`);
console.log(`  the isolation test flags ${pct(hits)} of the injected clicks and ${pct(falseAlarms)} of the real ones`);
const told = await hr(method((injected) => injected), noisy, byDistance.told);
const robust = await hr(engineMethod(model, TUNED[name]), noisy, byDistance.robust);
const noApr = await hr(engineMethod(model, { ...TUNED[name], apr: false }), noisy);
printByDistance();
const rng = createRng(99);
const atRandom = (fa: number) => (injected: boolean): boolean => rng.next() < (injected ? hits : fa);
const runs: [string, (injected: boolean, flagged: boolean) => boolean][] = [
  ['told the ones the isolation test flags', (injected, flagged) => injected && flagged],
  ['told the ones it passes', (injected, flagged) => injected && !flagged],
  ...[1, 0.5, 0.25, 0].map((f): [string, (injected: boolean) => boolean] => [`told ${pct(hits)} of injected, ${pct(f * falseAlarms)} of real`, atRandom(f * falseAlarms)]),
];
const show = (label: string, h: number): void => console.log(`  ${label.padEnd(40)} ${h.toFixed(4)}  wins back ${pct((h - noisyPlain) / loss)}`);
show('APR + denoising (the tuned learner)', robust);
show('the same with APR off', noApr);
show('told every injected click', told);
for (const [label, tell] of runs) show(label, await hr(method(tell), noisy));

function pct(x: number): string {
  return `${(100 * x).toFixed(0)} %`;
}
