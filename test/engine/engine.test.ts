import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import { ClosedError, InvalidInputError, UnknownItemError } from '../../src/errors.ts';
import { blueId, makeModel, redId, share } from './fixture.ts';

let clock = 1_000_000;
const now = (): number => (clock += 60_000);

async function setup(opts: Partial<Parameters<typeof createEngine>[0]> = {}): Promise<Engine> {
  return createEngine({ model: makeModel(), store: createMemoryStore('t'), namespace: 't', now, ...opts });
}

async function clickAll(e: Engine, ids: string[]): Promise<void> {
  for (const itemId of ids) await e.track({ itemId, type: 'select' });
  await e.whenIdle();
}

describe('Engine verbs', () => {
  it('track stores before resolving and learning moves recommendations toward the clicked cluster', async () => {
    const store = createMemoryStore('t');
    const e = await setup({ store });
    const before = (await e.recommend({ k: 10 })).map((r) => r.itemId);
    const res = await e.track({ itemId: blueId(0), type: 'select' });
    expect(res).toEqual({ stored: 1, ignored: 0 });
    expect(await store.countEvents()).toBe(1); // durable before track resolved
    await clickAll(e, [blueId(1), blueId(2), blueId(3)]);
    const after = (await e.recommend({ k: 10 })).map((r) => r.itemId);
    expect(share(after, 'blue')).toBeGreaterThan(share(before, 'blue'));
    expect(share(after, 'blue')).toBeGreaterThanOrEqual(0.9);
    expect(after).not.toContain(blueId(0)); // excludeSeen by default
    const st = await e.stats();
    expect(st.eventsStored).toBe(4);
    expect(st.learner.learned).toBe(4);
    expect(st.lastUpdateMs).not.toBeNull();
    expect(st.lossHistory.length).toBeGreaterThan(0);
  });

  it('recommend honours k, exclude, candidates, filter and excludeSeen=false', async () => {
    const e = await setup();
    await clickAll(e, [redId(0), redId(1)]);
    expect(await e.recommend({ k: 3 })).toHaveLength(3);
    const withSeen = (await e.recommend({ k: 40, excludeSeen: false })).map((r) => r.itemId);
    expect(withSeen).toContain(redId(0));
    const ex = (await e.recommend({ k: 40, exclude: [redId(2)] })).map((r) => r.itemId);
    expect(ex).not.toContain(redId(2));
    expect(ex).toHaveLength(37);
    const cand = (await e.recommend({ k: 5, candidates: [blueId(3), redId(5), 'nope'] })).map((r) => r.itemId);
    expect(cand).toEqual([redId(5), blueId(3)]);
    const blue = (await e.recommend({ k: 5, filter: { category: 'blue' } })).map((r) => r.itemId);
    expect(share(blue, 'blue')).toBe(1);
    const scores = (await e.recommend({ k: 10 })).map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('rejects bad options loudly', async () => {
    const e = await setup();
    for (const bad of [{ k: 0 }, { k: 1.5 }, { k: NaN }, { k: 5000 }, { excludeSeen: 'yes' }, { exclude: 'a' }, { candidates: [] },
      { candidates: [redId(1)], exclude: [redId(1)] }, { filter: { category: NaN } }, { colour: 'red' }]) {
      await expect(e.recommend(bad as never)).rejects.toBeInstanceOf(InvalidInputError);
    }
    const noAttrs = await setup({ model: { ...makeModel(), itemAttributes: undefined } });
    await expect(noAttrs.recommend({ filter: { category: 'red' } })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('bad events throw InvalidInputError and store nothing of the batch', async () => {
    const store = createMemoryStore('t');
    const e = await setup({ store });
    await e.track({ itemId: redId(0) });
    const bad: unknown[] = [
      { itemId: '' }, { itemId: 'x'.repeat(257) }, { itemId: 42 }, { itemId: redId(1), type: 'like' },
      { itemId: redId(1), timestamp: NaN }, { itemId: redId(1), timestamp: Infinity }, { itemId: redId(1), timestamp: -1 },
      { itemId: redId(1), timestamp: '2024' }, null, 'red-1', { itemId: redId(1), extra: 1 },
    ];
    for (const b of bad) {
      await expect(e.track([{ itemId: redId(2) }, b] as never)).rejects.toBeInstanceOf(InvalidInputError);
    }
    await e.whenIdle();
    expect((await store.readEvents()).map((x) => x.itemId)).toEqual([redId(0)]);
  });

  it('stores events on unknown items without learning them', async () => {
    const e = await setup();
    const res = await e.track([{ itemId: 'future-sku' }, { itemId: redId(3) }]);
    expect(res).toEqual({ stored: 2, ignored: 1 });
    await e.whenIdle();
    expect((await e.stats()).learner).toMatchObject({ learned: 1, unknown: 1 });
    expect((await e.exportData()).events.map((x) => x.itemId)).toEqual(['future-sku', redId(3)]);
  });

  it('similarItems returns the same cluster and rejects unknown items', async () => {
    const e = await setup();
    const sim = (await e.similarItems(redId(4), { k: 5 })).map((r) => r.itemId);
    expect(sim).toHaveLength(5);
    expect(share(sim, 'red')).toBe(1);
    expect(sim).not.toContain(redId(4));
    await expect(e.similarItems('nope')).rejects.toBeInstanceOf(UnknownItemError);
    await expect(e.similarItems(redId(1), { k: -1 })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('explain names the past event that raised the score most', async () => {
    const e = await setup();
    await clickAll(e, [redId(0), blueId(0), redId(1)]);
    const ex = await e.explain(blueId(5));
    expect(ex.because[0].itemId).toBe(blueId(0));
    expect(ex.because.every((b) => b.contribution > 0)).toBe(true);
    expect(ex.popularity).toBeGreaterThanOrEqual(0);
    expect(ex.popularity).toBeLessThanOrEqual(1);
    const exRed = await e.explain(redId(7));
    expect(exRed.because.map((b) => b.itemId).slice(0, 2).sort()).toEqual([redId(0), redId(1)]);
    await expect(e.explain('nope')).rejects.toBeInstanceOf(UnknownItemError);
  });

  it('exportData, forget and close', async () => {
    const store = createMemoryStore('t');
    const e = await setup({ store });
    const fresh = (await e.recommend({ k: 10 })).map((r) => r.itemId);
    await clickAll(e, [blueId(0), blueId(1), blueId(2)]);
    const data = await e.exportData();
    expect(data.events.map((x) => x.itemId)).toEqual([blueId(0), blueId(1), blueId(2)]);
    expect(data.userVector).toHaveLength(8);
    expect(data.namespace).toBe('t');
    let updates = 0;
    e.onUpdate(() => updates++);
    await e.forget();
    expect(updates).toBe(1);
    expect(await store.countEvents()).toBe(0);
    expect(await store.loadUserState()).toBeUndefined();
    expect((await e.recommend({ k: 10 })).map((r) => r.itemId)).toEqual(fresh);
    await e.close();
    await expect(e.recommend()).rejects.toBeInstanceOf(ClosedError);
    await expect(e.track({ itemId: redId(1) })).rejects.toBeInstanceOf(ClosedError);
  });

  it('persists: a new engine over the same store restores the learned state', async () => {
    const store = createMemoryStore('t');
    const e1 = await setup({ store });
    await clickAll(e1, [blueId(0), blueId(1), blueId(2)]);
    const recs = await e1.recommend({ k: 10 });
    const state = await store.loadUserState();
    expect(state?.lastSeq).toBe(3);
    const e2 = await setup({ store });
    expect(await e2.recommend({ k: 10 })).toEqual(recs);
    expect((await e2.stats()).learner.learned).toBe(3);
  });

  it('learns events stored after the last checkpoint on restore (crash between store and learn)', async () => {
    const store = createMemoryStore('t');
    const e1 = await setup({ store });
    await clickAll(e1, [blueId(0)]);
    await store.appendEvents([1, 2, 3].map((k) => ({ itemId: blueId(k), type: 'select' as const, timestamp: now() })));
    const e2 = await setup({ store });
    expect((await e2.stats()).learner.learned).toBe(4);
    expect(share((await e2.recommend({ k: 10 })).map((r) => r.itemId), 'blue')).toBeGreaterThanOrEqual(0.9);
  });

  it('compacts the event log beyond maxEvents', async () => {
    const store = createMemoryStore('t');
    const e = await setup({ store, learner: { maxEvents: 10, keepEvents: 5 } });
    await clickAll(e, Array.from({ length: 12 }, (_, k) => (k % 2 ? redId(k) : blueId(k))));
    expect(await store.countEvents()).toBeLessThanOrEqual(10);
    expect((await store.readEvents()).at(-1)?.itemId).toBe(redId(11));
  });

  it('refreshFromStore picks up what another tab stored', async () => {
    const store = createMemoryStore('t');
    const follower = await setup({ store });
    await store.appendEvents([0, 1, 2].map((k) => ({ itemId: blueId(k), type: 'select' as const, timestamp: now() })));
    let updated = false;
    follower.onUpdate(() => (updated = true));
    await follower.refreshFromStore();
    expect(updated).toBe(true);
    expect(share((await follower.recommend({ k: 10 })).map((r) => r.itemId), 'blue')).toBeGreaterThanOrEqual(0.9);
  });

  it('a failed checkpoint write does not stall learning; the next one succeeds', async () => {
    const store = createMemoryStore('t');
    const save = store.saveUserState.bind(store);
    let fail = true;
    store.saveUserState = async (st) => {
      if (fail) {
        fail = false;
        throw new Error('quota exceeded');
      }
      return save(st);
    };
    const e = await setup({ store });
    const warn = console.warn;
    console.warn = () => {};
    try {
      await clickAll(e, [blueId(0)]);
      expect(await store.loadUserState()).toBeUndefined();
      await clickAll(e, [blueId(1)]);
    } finally {
      console.warn = warn;
    }
    expect((await store.loadUserState())?.lastSeq).toBe(2);
  });
});
