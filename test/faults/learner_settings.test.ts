/**
 * Fault suite, learner numbers (issue 15): every accepted learner setting keeps every score finite (a seeded
 * fuzz over LEARNER_BOUNDS, extremes included), out-of-range settings are named errors, a non-finite state is
 * never checkpointed and one already stored is healed from the events, and a far-future timestamp cannot switch
 * the burst filter off.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { DEFAULT_LEARNER, LEARNER_BOUNDS, resolveLearnerConfig, type LearnerConfig } from '../../src/engine/learner_config.ts';
import { cleanEvent } from '../../src/engine/denoise.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import { createRng } from '../../src/model/rng.ts';
import { InvalidInputError } from '../../src/errors.ts';
import { blueId, makeModel, redId } from '../engine/fixture.ts';

type Bound = (typeof LEARNER_BOUNDS)[keyof typeof LEARNER_BOUNDS];

/** A value inside the bound: an end point, or log-uniform across it. */
function draw(b: Bound, r: () => number): number {
  const pick = r();
  const lo = b.open ? (b.int ? b.min + 1 : b.min + 1e-6) : b.min;
  let v = pick < 0.2 ? lo : pick < 0.4 ? b.max : pick < 0.45 && b.inf ? Infinity : Math.exp(Math.log(Math.max(lo, 1e-6)) + r() * (Math.log(b.max) - Math.log(Math.max(lo, 1e-6))));
  if (b.int && Number.isFinite(v)) v = Math.round(v);
  return Math.min(b.max, Math.max(lo, v)) || (v === Infinity ? Infinity : lo);
}

describe('learner settings: bounded, and every accepted one keeps scores finite', () => {
  it('names each out-of-range setting', () => {
    const bad: Partial<LearnerConfig>[] = [
      { halfLifeMs: 0 }, { alpha: 1e300 }, { lrUser: Infinity }, { lrItem: NaN }, { attributeWeight: Infinity },
      { negatives: 1e5 }, { steps: 1.5 }, { halfLifeEvents: 0 }, { ridge: 0 }, { isolatedShare: 2 }, { burstLength: 0 },
      { typeWeights: { view: Infinity, select: 1, add_to_cart: 2, purchase: 3 } },
    ];
    for (const b of bad) expect(() => resolveLearnerConfig(b), JSON.stringify(b)).toThrow(InvalidInputError);
    expect(() => resolveLearnerConfig({ ['__proto__' as string]: 1 } as Partial<LearnerConfig>)).toThrow(/unknown setting "__proto__"/);
    expect(() => resolveLearnerConfig({ halfLifeMs: 0 })).toThrow(/halfLifeMs.*\[1, 10000000000000] or Infinity/);
  });

  it('fuzz: 0 NaN or infinite scores from any accepted setting (seeded)', async () => {
    const rng = createRng(15);
    const model = makeModel({ numItems: 40, dim: 8 });
    const keys = Object.keys(LEARNER_BOUNDS) as (keyof typeof LEARNER_BOUNDS)[];
    let runs = 0;
    let scores = 0;
    for (let run = 0; run < 60; run++) {
      const settings: Record<string, number | boolean> = {};
      for (const k of keys) if (rng.next() < 0.5) settings[k] = draw(LEARNER_BOUNDS[k], () => rng.next());
      const keep = (settings.keepEvents as number | undefined) ?? DEFAULT_LEARNER.keepEvents;
      const max = (settings.maxEvents as number | undefined) ?? DEFAULT_LEARNER.maxEvents;
      [settings.keepEvents, settings.maxEvents] = [Math.min(keep, max), Math.max(keep, max)];
      settings.apr = rng.next() < 0.5;
      const cfg = resolveLearnerConfig(settings as Partial<LearnerConfig>);
      const engine = await createEngine({ model, store: createMemoryStore(`fuzz${run}`), namespace: 'fuzz', learner: cfg, seed: run + 1 });
      for (let t = 0; t < 12; t++) await engine.track({ itemId: t % 3 ? redId(t % 20) : blueId(t % 20), type: t % 4 ? 'select' : 'purchase', timestamp: 1e12 + t * (rng.next() < 0.3 ? 50 : 90_000) });
      await engine.whenIdle();
      const recs = await engine.recommend({ k: 10 });
      expect(recs.length, JSON.stringify(settings)).toBeGreaterThan(0);
      for (const r of recs) expect(Number.isFinite(r.score), `${JSON.stringify(settings)} → ${r.score}`).toBe(true);
      scores += recs.length;
      runs++;
      await engine.close();
    }
    console.log(`learner fuzz: ${runs} settings, ${scores} scores, 0 non-finite`);
  });
});

describe('non-finite user state', () => {
  it('is never checkpointed, and a stored one is re-fitted from the events', async () => {
    const model = makeModel();
    // one store across two engines (close() would close it)
    const store = { ...createMemoryStore('heal'), close: async () => {} };
    const a = await createEngine({ model, store, namespace: 'heal', seed: 1 });
    for (let t = 0; t < 6; t++) await a.track({ itemId: redId(t), timestamp: 1e12 + t * 60_000 });
    await a.whenIdle();
    const good = await a.recommend({ k: 5 });
    await a.close();
    // poison the stored checkpoint as an old, unbounded setting did
    const rec = (await store.loadUserState())!;
    rec.userVector.fill(NaN);
    await store.saveUserState(rec);
    const b = await createEngine({ model, store, namespace: 'heal', seed: 1 });
    const healed = await b.recommend({ k: 5 });
    expect(healed.length).toBe(5);
    expect(healed.every((r) => Number.isFinite(r.score))).toBe(true);
    expect(healed.map((r) => r.itemId)).toEqual(good.map((r) => r.itemId));
    await b.close();
    expect([...(await store.loadUserState())!.userVector].every(Number.isFinite)).toBe(true);
  });
});

describe('timestamps', () => {
  it('a far-future timestamp is clamped and cannot switch the burst filter off', async () => {
    const store = createMemoryStore('ts');
    const now = 1e12;
    const e = await createEngine({ model: makeModel(), store, namespace: 'ts', now: () => now });
    await e.track({ itemId: redId(0), timestamp: 9e15 });
    const [stored] = await store.readEvents(0);
    expect(stored.timestamp).toBe(now);
    await e.close();
    // a far-future stamp already stored (before the clamp) restarts the burst clock instead of disabling it
    const mem = { lastTimestamp: -Infinity, run: 0, recent: [] as [string, 'select', number][] };
    cleanEvent(mem, { itemId: 'x', type: 'select', timestamp: 9e15 }, DEFAULT_LEARNER);
    const verdicts = Array.from({ length: 8 }, (_, k) => cleanEvent(mem, { itemId: `i${k}`, type: 'select', timestamp: now + k * 10 }, DEFAULT_LEARNER));
    expect(verdicts.filter((v) => !v.learn).length).toBeGreaterThan(0);
  });
});
