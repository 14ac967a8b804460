import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { catalogueRows, createModelContext } from '../../src/engine/model_context.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import type { GlobalModel } from '../../src/model/global_model.ts';
import { blueId, makeModel, redId, share } from './fixture.ts';

/** Version 2: re-trained (the clusters now live on other axes) plus one new item without factors. */
function version2(): GlobalModel {
  const m = makeModel({ version: 'v2', seed: 99, coldItems: ['new-blue'] });
  const d = m.dim;
  const rotated = new Float32Array(m.itemEmb.length);
  for (let i = 0; i < m.itemIds.length; i++) for (let j = 0; j < d; j++) rotated[i * d + ((j + 3) % d)] = m.itemEmb[i * d + j];
  const weights = new Float32Array(3 * d);
  weights[0 * d + 3] = 1; // category=red → the red axis of v2
  weights[1 * d + 4] = 1; // category=blue
  return { ...m, itemEmb: rotated, attributeProjection: { vocab: ['category=red', 'category=blue', 'category=new'], weights, bias: new Float32Array(3) } };
}

describe('transfer across model versions', () => {
  it('setModel re-fits from the stored log; events on unknown items are kept and learned once known', async () => {
    const store = createMemoryStore('t');
    const e = await createEngine({ model: makeModel(), store, namespace: 't' });
    await e.track([0, 1, 2, 3].map((k) => ({ itemId: blueId(k), timestamp: k * 60_000 })));
    await e.track({ itemId: 'new-blue', timestamp: 5 * 60_000 });
    await e.whenIdle();
    expect((await e.stats()).learner).toMatchObject({ learned: 4, unknown: 1 });
    await e.setModel(version2());
    const st = await e.stats();
    expect(st.modelVersion).toBe('v2');
    expect(st.learner).toMatchObject({ learned: 5, unknown: 0, projectedItems: 1 });
    expect(st.eventsStored).toBe(5);
    const recs = (await e.recommend({ k: 10 })).map((r) => r.itemId);
    expect(share(recs, 'blue')).toBeGreaterThanOrEqual(0.9);
    expect(recs).not.toContain('new-blue'); // seen
    expect((await store.loadUserState())?.modelVersion).toBe('v2');
  });

  it('a new engine over a store written by another version transfers on creation, even after compaction', async () => {
    const store = createMemoryStore('t');
    const e1 = await createEngine({ model: makeModel(), store, namespace: 't', learner: { maxEvents: 6, keepEvents: 3 } });
    for (let k = 0; k < 8; k++) await e1.track({ itemId: redId(k), timestamp: k * 60_000 });
    await e1.whenIdle();
    expect(await store.countEvents()).toBeLessThanOrEqual(6);
    const e2 = await createEngine({ model: version2(), store, namespace: 't' });
    expect((await e2.stats()).learner.learned).toBe(8); // compacted events came back from the checkpoint window
    expect(share((await e2.recommend({ k: 10 })).map((r) => r.itemId), 'red')).toBeGreaterThanOrEqual(0.9);
  });

  it('new items without factors get a vector from their attributes', async () => {
    const e = await createEngine({ model: version2(), store: createMemoryStore('t'), namespace: 't' });
    const sim = (await e.similarItems('new-blue', { k: 5 })).map((r) => r.itemId);
    expect(share(sim, 'blue')).toBe(1);
    for (let k = 0; k < 4; k++) await e.track({ itemId: blueId(k), timestamp: k * 60_000 });
    await e.whenIdle();
    const ranked = (await e.recommend({ k: 2, candidates: ['new-blue', redId(0), redId(1)] })).map((r) => r.itemId);
    expect(ranked[0]).toBe('new-blue');
  });

  it('fills the catalogue rows once per model object, shared by every context; a refreshed model gets its own', () => {
    const m = version2();
    const rows = catalogueRows(m);
    expect(rows.projected).toBe(1);
    expect(catalogueRows(m)).toBe(rows);
    for (const sampler of ['popularity', 'uniform'] as const) expect(createModelContext(m, sampler).itemEmb).toBe(rows.itemEmb);
    const cold = m.itemIds.indexOf('new-blue') * m.dim;
    const weights = m.attributeProjection!.weights.map((w) => 2 * w);
    const refreshed = catalogueRows({ ...m, attributeProjection: { ...m.attributeProjection!, weights } });
    expect(refreshed.itemEmb).not.toBe(rows.itemEmb);
    expect(refreshed.itemEmb[cold + 4]).toBeCloseTo(2 * rows.itemEmb[cold + 4]);
    expect(rows.itemEmb[cold + 4]).toBeGreaterThan(0);
    const plain = makeModel();
    expect(catalogueRows(plain).itemEmb).toBe(plain.itemEmb);
  });
});
