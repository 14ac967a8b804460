/**
 * Diagnostic for the noise criterion (not part of `npm run bench:adapt`): which injected clicks does the damage?
 * The plain learner is told some of the injected clicks (tracked as a type weighed 0): all of them, only those
 * the isolation test (src/engine/isolation.ts, the newest click against the three before it) flags, or only
 * those it passes. The share of plain's loss each wins back bounds what a denoiser built on that test can do.
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
import { noisyStreams, type NoiseKind } from './adapt_noise.ts';

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
const plain = { ...TUNED[name], apr: false, denoise: false, typeWeights: { view: 0, select: 1, add_to_cart: 2, purchase: 3 } };

/** Plain learning; an injected click is tracked as a `view` (weight 0) when `told(flagged)` says so. */
function method(told: (flagged: boolean) => boolean): Method {
  return async () => {
    const engine = await createEngine({ model, store: createMemoryStore('oracle'), namespace: 'oracle', learner: plain, seed: 1 });
    const learned: HistoryEntry[] = [];
    return {
      recommend: async () => (await engine.recommend({ k: 10 })).map((r) => r.itemId),
      learn: async (itemId, timestamp, injected) => {
        const entry: HistoryEntry = { seq: 0, itemId, type: 'select', timestamp, weight: 1, order: 0 };
        const known = ctx.index.has(itemId);
        const flagged = known && newestIsolated(ctx, [...learned.slice(-3), entry], isolationTest);
        const type = injected && told(flagged) ? 'view' : 'select';
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

const clean = await hr(method(() => false), streams.map((s) => streamEvents(s)));
const noisyPlain = await hr(method(() => false), noisy);
const loss = clean - noisyPlain;
console.log(`${name} ${kind} (${test ? 'held-out' : 'validation'} users: ${streams.length} x 3 noise seeds): clean ${clean.toFixed(4)}, noisy ${noisyPlain.toFixed(4)}, loss ${loss.toFixed(4)}`);
for (const [label, told] of [['told every injected click', () => true], ['told the ones the isolation test flags', (f: boolean) => f], ['told the ones it passes', (f: boolean) => !f]] as const) {
  const h = await hr(method(told), noisy);
  console.log(`  ${label.padEnd(40)} ${h.toFixed(4)}  wins back ${((100 * (h - noisyPlain)) / loss).toFixed(0)} %`);
}
