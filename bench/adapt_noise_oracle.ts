/**
 * Diagnostic for the noise criterion (not part of `npm run bench:adapt`): which injected clicks does the damage?
 * The plain learner is told some of the injected clicks (tracked as a type weighed 0): all of them, only those
 * the isolation test (src/engine/isolation.ts, the newest click against the three before it) flags, or only
 * those it passes. The share of plain's loss each wins back bounds what a denoiser built on that test can do.
 * Then detectors that err at random: they tell the learner as many of the injected clicks as the isolation test
 * flags, and also a share of the real clicks (tracked the same way) — the isolation test's own false-alarm rate,
 * a half, a quarter and none of it — which says how few false alarms a detector must raise to win back half.
 * Validation split of the training users by default (`--test` for the held-out users).
 *
 *   npx tsx bench/adapt_noise_oracle.ts ml-1m 200 popular [--test]
 */
import { hasDataset, loadDataset, validationSplit } from './adapt_data.ts';
import { alsModelFor, withAttributes } from './adapt_model.ts';
import { ALS } from './adapt_als.ts';
import { pick } from './adapt_extra.ts';
import { runProtocol, streamEvents, type Method, type StreamEvent } from './adapt_protocol.ts';
import { TUNED } from './adapt_tuned.ts';
import { createEngine } from '../src/engine/engine.ts';
import { createModelContext } from '../src/engine/model_context.ts';
import { newestIsolated } from '../src/engine/isolation.ts';
import { resolveLearnerConfig } from '../src/engine/learner_config.ts';
import type { HistoryEntry } from '../src/engine/user_state.ts';
import { createMemoryStore } from '../src/store/memory_store.ts';
import { labelledPlain, noisyStreams, type NoiseKind } from './adapt_noise.ts';
import { createRng } from '../src/model/rng.ts';

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

async function hr(m: Method, events: StreamEvent[][]): Promise<number> {
  return (await runProtocol(m, events)).all.hr;
}

/** How often the isolation test flags injected and real clicks ([passed, flagged] counts). */
const flags = { injected: [0, 0], real: [0, 0] };
const rate = (c: number[]): number => c[1] / (c[0] + c[1]);
const clean = await hr(method(() => false), streams.map((s) => streamEvents(s)));
flags.injected = [0, 0];
flags.real = [0, 0];
const noisyPlain = await hr(method(() => false), noisy);
const loss = clean - noisyPlain;
const hits = rate(flags.injected);
const falseAlarms = rate(flags.real);
console.log(`${name} ${kind} (${test ? 'held-out' : 'validation'} users: ${streams.length} x 3 noise seeds): clean ${clean.toFixed(4)}, noisy ${noisyPlain.toFixed(4)}, loss ${loss.toFixed(4)}`);
console.log(`  the isolation test flags ${pct(hits)} of the injected clicks and ${pct(falseAlarms)} of the real ones`);
const rng = createRng(99);
const atRandom = (fa: number) => (injected: boolean): boolean => rng.next() < (injected ? hits : fa);
const runs: [string, (injected: boolean, flagged: boolean) => boolean][] = [
  ['told every injected click', (injected) => injected],
  ['told the ones the isolation test flags', (injected, flagged) => injected && flagged],
  ['told the ones it passes', (injected, flagged) => injected && !flagged],
  ...[1, 0.5, 0.25, 0].map((f): [string, (injected: boolean) => boolean] => [`told ${pct(hits)} of injected, ${pct(f * falseAlarms)} of real`, atRandom(f * falseAlarms)]),
];
for (const [label, told] of runs) {
  const h = await hr(method(told), noisy);
  console.log(`  ${label.padEnd(40)} ${h.toFixed(4)}  wins back ${pct((h - noisyPlain) / loss)}`);
}

function pct(x: number): string {
  return `${(100 * x).toFixed(0)} %`;
}
