import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import { InvalidInputError } from '../../src/errors.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import { blueId, makeModel, redId } from './fixture.ts';

let clock = 5_000_000;
const now = (): number => (clock += 60_000);

async function engineWithReds(): Promise<{ e: Engine; store: ReturnType<typeof createMemoryStore> }> {
  const store = createMemoryStore('stray');
  const e = await createEngine({ model: makeModel(), store, namespace: 'stray', now });
  for (const k of [0, 1, 2]) await e.track({ itemId: redId(k), type: 'select' });
  await e.whenIdle();
  return { e, store };
}

const userVector = async (e: Engine): Promise<number[]> => (await e.exportData()).userVector;
const NUM_ITEMS = makeModel().itemIds.length;
/** Every item, ranked: a change below the top 10 shows too. */
const fullRanking = (e: Engine) => e.recommend({ k: NUM_ITEMS, excludeSeen: false });

/** The same items in the same order with the same scores (to 6 decimals): the whole ranking, not its head. */
function expectSameRanking(got: { itemId: string; score: number }[], want: { itemId: string; score: number }[]): void {
  expect(got.length).toBe(NUM_ITEMS);
  expect(got.map((r) => r.itemId)).toEqual(want.map((r) => r.itemId));
  got.forEach((r, n) => expect(r.score, r.itemId).toBeCloseTo(want[n].score, 6));
}

describe('a view weighed 0 (a stray click)', () => {
  it('is stored with its weight but moves neither the user state nor the shelf, and stays recommendable', async () => {
    const { e, store } = await engineWithReds();
    const before = await userVector(e);
    const ranking = await fullRanking(e);
    expect(await e.track({ itemId: blueId(0), type: 'view', weight: 0 })).toEqual({ stored: 1, ignored: 0 });
    await e.whenIdle();
    expect(await userVector(e)).toEqual(before);
    expectSameRanking(await fullRanking(e), ranking);
    expect((await store.readEvents()).at(-1)).toMatchObject({ itemId: blueId(0), type: 'view', weight: 0 });
    expect((await e.recommend({ k: 5, placement: 'recently-viewed' })).map((r) => r.itemId)).not.toContain(blueId(0));
    expect((await e.similarItems(blueId(1), { k: 3 })).length).toBe(3);
    const candidates = await e.recommend({ k: 1, candidates: [blueId(0)] });
    expect(candidates.map((r) => r.itemId)).toEqual([blueId(0)]); // not excluded as seen
  });

  it('the same view with its full weight does move the state and the scores (the test can fail)', async () => {
    const { e } = await engineWithReds();
    const before = await userVector(e);
    const ranking = await fullRanking(e);
    await e.track({ itemId: blueId(0), type: 'view' });
    await e.whenIdle();
    expect(await userVector(e)).not.toEqual(before);
    const after = new Map((await fullRanking(e)).map((r) => [r.itemId, r.score]));
    expect(Math.max(...ranking.map((r) => Math.abs(after.get(r.itemId)! - r.score)))).toBeGreaterThan(1e-4);
  });

  it('survives a re-fit from the stored log (a new model version) as weight 0', async () => {
    const { e, store } = await engineWithReds();
    await e.track({ itemId: blueId(0), type: 'view', weight: 0 });
    await e.whenIdle();
    const fresh = await createEngine({ model: makeModel(), store, namespace: 'stray', now });
    const without = await createEngine({ model: makeModel(), store: createMemoryStore('x'), namespace: 'x', now });
    for (const k of [0, 1, 2]) await without.track({ itemId: redId(k), type: 'select' });
    await without.whenIdle();
    expectSameRanking(await fullRanking(fresh), await fullRanking(without));
    const [a, b] = [await userVector(fresh), await userVector(without)];
    a.forEach((x, k) => expect(x).toBeCloseTo(b[k], 6));
  });

  it('rejects a weight outside 0-1 by name, storing nothing', async () => {
    const { e, store } = await engineWithReds();
    const n = await store.countEvents();
    for (const weight of [-1, 2, Number.NaN, '0']) await expect(e.track({ itemId: blueId(0), type: 'view', weight: weight as number })).rejects.toThrow(InvalidInputError);
    expect(await store.countEvents()).toBe(n);
  });
});
