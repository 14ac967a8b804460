import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import { createModelContext } from '../../src/engine/model_context.ts';
import { createLocalState } from '../../src/engine/user_state.ts';
import { learnEvent } from '../../src/engine/learner.ts';
import { attributeBoosts } from '../../src/engine/attribute_affinity.ts';
import { resolveLearnerConfig } from '../../src/engine/learner_config.ts';
import type { LearnerConfig } from '../../src/engine/learner_config.ts';
import { createRng } from '../../src/model/rng.ts';
import { blueId, makeModel, redId } from './fixture.ts';

/** The fixture (red / blue clusters, category held by half the items each) plus a rare brand across both. */
function brandedModel(): ReturnType<typeof makeModel> {
  const model = makeModel({ numItems: 40 });
  const acme = new Set([redId(3), blueId(5), blueId(6), blueId(7)]);
  model.itemAttributes = model.itemIds.map((id, i) => ({ ...model.itemAttributes![i], ...(acme.has(id) && { brand: 'acme' }) }));
  return model;
}

async function topAfter(clicks: string[], learner: Partial<LearnerConfig>): Promise<string[]> {
  const e = await createEngine({ model: brandedModel(), store: createMemoryStore('t'), namespace: 't', learner });
  for (const [k, id] of clicks.entries()) await e.track({ itemId: id, type: 'select', timestamp: k * 60_000 });
  await e.whenIdle();
  const top = (await e.recommend({ k: 10 })).map((r) => r.itemId);
  await e.close();
  return top;
}

describe('attribute affinity', () => {
  it('lifts items of a clicked rare brand into the top-10; off by default', async () => {
    const acmeBlue = [blueId(5), blueId(6), blueId(7)];
    const plain = await topAfter([redId(3)], {});
    expect(plain.filter((id) => acmeBlue.includes(id))).toEqual([]); // the factors alone say "more red"
    // the fixture's cluster logits are ~20 apart, so the weight must be large to cross them
    const withAffinity = await topAfter([redId(3)], { attributeWeight: 10, attributeMaxShare: 0.2 });
    expect(withAffinity.filter((id) => acmeBlue.includes(id)).sort()).toEqual(acmeBlue);
  });

  it('ignores attributes held by more than attributeMaxShare of the catalogue, and decays with later clicks', () => {
    const model = brandedModel();
    const ctx = createModelContext(model, 'popularity');
    const cfg = resolveLearnerConfig({ attributeWeight: 1, attributeMaxShare: 0.2, attributeHalfLifeEvents: 1 });
    const s = createLocalState(ctx);
    const rng = createRng(1);
    learnEvent(ctx, s, { seq: 1, itemId: redId(3), type: 'select', timestamp: 0 }, cfg, rng);
    const first = attributeBoosts(ctx, s, cfg);
    // only the brand's rows: the category (half the catalogue each) is ignored
    expect([...first.keys()].map((r) => model.itemIds[r]).sort()).toEqual([redId(3), blueId(5), blueId(6), blueId(7)].sort());
    expect(first.get(ctx.index.get(blueId(5))!)).toBeCloseTo(Math.log(40 / 4), 6);
    learnEvent(ctx, s, { seq: 2, itemId: redId(10), type: 'select', timestamp: 60_000 }, cfg, rng);
    expect(attributeBoosts(ctx, s, cfg).get(ctx.index.get(blueId(5))!)).toBeCloseTo(Math.log(10) / 2, 6);
    expect(attributeBoosts(ctx, s, { ...cfg, attributeWeight: 0 }).size).toBe(0);
  });

  it('explain names the click whose brand raised an item, with the shared attribute; off, no attribute reasons', async () => {
    const run = async (learner: Partial<LearnerConfig>) => {
      const e = await createEngine({ model: brandedModel(), store: createMemoryStore('t'), namespace: 't', learner });
      await e.track({ itemId: redId(3), type: 'select', timestamp: 0 });
      await e.track({ itemId: redId(10), type: 'select', timestamp: 60_000 });
      await e.whenIdle();
      const ex = await e.explain(blueId(5));
      await e.close();
      return ex;
    };
    const on = await run({ attributeWeight: 10, attributeMaxShare: 0.2 });
    const off = await run({});
    expect(on.because[0]).toMatchObject({ itemId: redId(3), shared: ['brand=acme'] });
    expect(on.because.find((b) => b.itemId === redId(10))?.shared).toBeUndefined();
    // same learning either way, so the split differs by exactly redId(3)'s boost: weight · 0.5^(1/3) · idf(brand)
    const boost = 10 * Math.pow(0.5, 1 / 3) * Math.log(40 / 4);
    const foldIn = off.because.find((b) => b.itemId === redId(3))?.contribution;
    if (foldIn !== undefined) expect(on.because[0].contribution).toBeCloseTo(boost + foldIn, 4);
    else expect(on.because[0].contribution).toBeLessThanOrEqual(boost + 1e-9);
    expect(off.because.every((b) => b.shared === undefined)).toBe(true);
  });
});
