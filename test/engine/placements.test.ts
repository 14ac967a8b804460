import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import { InvalidInputError } from '../../src/errors.ts';
import type { GlobalModel } from '../../src/model/global_model.ts';
import { blueId, makeModel, redId, share } from './fixture.ts';

let clock = 1_000_000;
const now = (): number => (clock += 60_000);

/** The fixture with shipped lists: trending = blue items newest-first, red-0 bought with blue-5 then blue-6. */
function modelWithLists(): GlobalModel {
  const m = makeModel();
  const row = (id: string): number => m.itemIds.indexOf(id);
  const together: number[][] = m.itemIds.map(() => []);
  together[row(redId(0))] = [row(blueId(5)), row(blueId(6))];
  together[row(redId(1))] = [row(blueId(6)), row(blueId(7))];
  m.placements = { trending: [19, 18, 17, 16].map((k) => row(blueId(k))), together };
  m.itemAttributes = m.itemAttributes!.map((a, i) => ({ ...a, brand: i % 3 === 0 ? 'acme' : 'other', price: i, ...(i === 30 ? { available: 'false' } : {}) }));
  return m;
}

async function setup(model = modelWithLists()): Promise<Engine> {
  return createEngine({ model, store: createMemoryStore('t'), namespace: 't', now });
}

const ids = async (e: Engine, o: Parameters<Engine['recommend']>[0]): Promise<string[]> => (await e.recommend(o)).map((r) => r.itemId);

describe('placements', () => {
  it('trending follows the shipped list, then popularity, and is the same with personal: false', async () => {
    const e = await setup();
    const top = await e.recommend({ placement: 'trending', k: 6 });
    expect(top.slice(0, 4).map((r) => r.itemId)).toEqual([blueId(19), blueId(18), blueId(17), blueId(16)]);
    expect(top.every((r) => r.source === 'trending' && Number.isFinite(r.score))).toBe(true);
    expect(await ids(e, { k: 4, personal: false })).toEqual([blueId(19), blueId(18), blueId(17), blueId(16)]);
  });

  it('frequently-bought-together lists co-occurring items first, then similar ones; cart merges the lists', async () => {
    const e = await setup();
    const fbt = await e.recommend({ placement: 'frequently-bought-together', item: redId(0), k: 5 });
    expect(fbt.slice(0, 2).map((r) => [r.itemId, r.source])).toEqual([[blueId(5), 'together'], [blueId(6), 'together']]);
    expect(fbt.slice(2).every((r) => r.source === 'similar' && r.itemId.startsWith('red') && r.itemId !== redId(0))).toBe(true);
    const cart = await ids(e, { placement: 'cart', cart: [redId(0), redId(1)], k: 3 });
    expect(cart).toEqual([blueId(6), blueId(5), blueId(7)]); // blue-6 is on both lists
    // an empty cart falls back to trending
    expect(await ids(e, { placement: 'cart', cart: [], k: 2 })).toEqual([blueId(19), blueId(18)]);
  });

  it('similar and recently-viewed; an unknown item falls back to trending instead of failing', async () => {
    const e = await setup();
    expect(share(await ids(e, { placement: 'similar', item: blueId(3), k: 8 }), 'blue')).toBe(1);
    expect(await ids(e, { placement: 'similar', item: 'not-in-model', k: 2 })).toEqual([blueId(19), blueId(18)]);
    for (const itemId of [redId(2), blueId(4), redId(3)]) await e.track({ itemId, type: 'view' });
    await e.whenIdle();
    const recent = await e.recommend({ placement: 'recently-viewed', item: redId(3), k: 3 });
    expect(recent.map((r) => [r.itemId, r.source])).toEqual([[blueId(4), 'recent'], [redId(2), 'recent'], [blueId(19), 'trending']]);
  });

  it('models without shipped lists still answer every placement', async () => {
    const e = await setup(makeModel());
    expect((await e.recommend({ placement: 'trending', k: 3 })).length).toBe(3);
    expect((await e.recommend({ placement: 'frequently-bought-together', item: redId(0), k: 3 })).every((r) => r.itemId.startsWith('red'))).toBe(true);
  });
});

describe('rules', () => {
  it('boost and bury move matching items, keeping the ranking within each group', async () => {
    const e = await setup();
    const plain = await ids(e, { placement: 'trending', k: 40 });
    const boosted = await ids(e, { placement: 'trending', k: 10, boost: { brand: 'acme' } });
    const m = modelWithLists();
    const brand = (id: string): unknown => m.itemAttributes![m.itemIds.indexOf(id)].brand;
    expect(boosted.every((id) => brand(id) === 'acme')).toBe(true);
    expect(boosted).toEqual(plain.filter((id) => brand(id) === 'acme').slice(0, 10));
    const buried = await ids(e, { placement: 'trending', k: 39, bury: { category: 'blue' } });
    expect(buried.findIndex((id) => id.startsWith('blue'))).toBeGreaterThan(buried.findLastIndex((id) => id.startsWith('red')));
  });

  it('pins sit at their positions, diversity caps a category, price and sold-out filter', async () => {
    const e = await setup();
    const pinned = await ids(e, { placement: 'trending', k: 5, pin: [{ itemId: redId(7), position: 1 }, { itemId: redId(9), position: 4 }] });
    expect(pinned[0]).toBe(redId(7));
    expect(pinned[3]).toBe(redId(9));
    expect(pinned.length).toBe(5);
    const diverse = await ids(e, { k: 6, diversity: { category: 3 } });
    expect(share(diverse, 'red')).toBe(0.5);
    const cheap = await e.recommend({ k: 40, price: { min: 5, max: 12 } });
    const m = modelWithLists();
    expect(cheap.map((r) => m.itemAttributes![m.itemIds.indexOf(r.itemId)].price).every((p) => (p as number) >= 5 && (p as number) <= 12)).toBe(true);
    expect(cheap.length).toBe(8);
    const all = await ids(e, { placement: 'trending', k: 40, unavailable: [blueId(19)] });
    expect(all).not.toContain(blueId(19));
    expect(all).not.toContain(blueId(10)); // row 30 is available: 'false' in the attributes
    expect(all.length).toBe(38);
    expect(await ids(e, { placement: 'trending', k: 2, pin: [{ itemId: blueId(10), position: 1 }] })).not.toContain(blueId(10));
  });

  it('rejects conflicting and malformed rules with InvalidInputError, never NaN', async () => {
    const e = await setup();
    const bad: unknown[] = [
      { placement: 'similar' },
      { placement: 'nope' },
      { placement: 'cart', item: redId(0) },
      { boost: { brand: 'acme' }, bury: { brand: 'acme' } },
      { k: 3, pin: [{ itemId: redId(0), position: 4 }] },
      { pin: [{ itemId: redId(0), position: 1 }, { itemId: redId(1), position: 1 }] },
      { pin: [{ itemId: redId(0), position: 1 }], exclude: [redId(0)] },
      { diversity: { category: 0 } },
      { price: { min: 10, max: 5 } },
      { price: { min: Number.NaN } },
      { boost: {} },
    ];
    for (const o of bad) await expect(e.recommend(o as never), JSON.stringify(o)).rejects.toThrow(InvalidInputError);
    await expect(setup(makeModel()).then((x) => x.recommend({ price: { max: 3 } }))).rejects.toThrow(/price/);
  });
});

describe('rules on tag-style attributes', () => {
  it('reads "category=x|brand=y" tags the way the CLI writes --attributes', async () => {
    const m = makeModel();
    m.itemAttributes = m.itemIds.map((id, i) => ({ tags: `category=${id.split('-')[0]}|brand=b${i % 4}` }));
    const e = await setup(m);
    const top = await ids(e, { placement: 'trending', k: 4, boost: { category: 'red' }, diversity: { brand: 1 } });
    expect(top.every((id) => id.startsWith('red'))).toBe(true);
    expect(new Set(top.map((id) => m.itemAttributes![m.itemIds.indexOf(id)].tags!.toString().split('|')[1])).size).toBe(4);
  });
});
