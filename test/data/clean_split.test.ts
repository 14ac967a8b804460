import { describe, expect, it } from 'vitest';
import { readLog } from '../../src/data/read_log.ts';
import { createDelimitedParser } from '../../src/data/parsers.ts';
import { applyEventWeights, dedupe, filterMinCounts } from '../../src/data/clean.ts';
import { heldOutUsers, leaveOneOut, orderByUser, splitAtPosition } from '../../src/data/split.ts';
import type { InteractionSet } from '../../src/data/interactions.ts';
import { InvalidInputError } from '../../src/errors.ts';

async function log(rows: string[]): Promise<InteractionSet> {
  return (await readLog(['user,item,timestamp,event', ...rows], createDelimitedParser())).set;
}
const pairs = (s: InteractionSet): string[] => Array.from(s.users, (u, n) => `${s.userIds[u]}:${s.itemIds[s.items[n]]}`);

describe('cleaning', () => {
  it('dedupes to the latest time and the largest weight', async () => {
    const s = applyEventWeights(await log(['u,a,1,purchase', 'u,b,2,view', 'u,a,3,view']));
    const d = dedupe(s);
    expect(pairs(d)).toEqual(['u:b', 'u:a']);
    expect(Array.from(d.timestamps)).toEqual([2, 3]);
    expect(Array.from(d.weights)).toEqual([0.5, 3]);
  });

  it('weights events, drops zero-weight types, rejects unknown ones', async () => {
    const s = await log(['u,a,1,view', 'u,b,2,purchase']);
    const w = applyEventWeights(s, { view: 0, purchase: 4 });
    expect(pairs(w)).toEqual(['u:b']);
    expect(w.weights[0]).toBe(4);
    expect(() => applyEventWeights(s, { view: 1 })).toThrow(InvalidInputError);
    expect(s.weights[0]).toBe(1); // input untouched
  });

  it('k-core repeats until stable; a single pass does not', async () => {
    // u3 has 1 item (c); dropping u3 leaves c with 1 user, which a 2-core must drop too
    const s = await log(['u1,a,1,view', 'u1,b,2,view', 'u2,a,1,view', 'u2,b,2,view', 'u2,c,3,view', 'u3,c,1,view', 'u4,c,1,view', 'u4,d,2,view']);
    const once = filterMinCounts(s, { minUser: 2, minItem: 2 });
    const core = filterMinCounts(s, { minUser: 2, minItem: 2, kCore: true });
    expect(pairs(once)).toEqual(['u1:a', 'u1:b', 'u2:a', 'u2:b', 'u2:c', 'u4:c']);
    expect(pairs(core)).toEqual(['u1:a', 'u1:b', 'u2:a', 'u2:b']);
    expect(core.itemIds).toEqual(['a', 'b']);
  });
});

describe('splits', () => {
  it('leave-one-out holds out the latest per user, ties by item id', async () => {
    const s = await log(['u1,5,10,view', 'u1,3,30,view', 'u1,7,20,view', 'u2,9,5,view', 'u2,4,5,view', 'u3,1,1,view']);
    const { train, test } = leaveOneOut(s);
    expect(pairs(test).sort()).toEqual(['u1:3', 'u2:9']);
    expect(pairs(train).sort()).toEqual(['u1:5', 'u1:7', 'u2:4', 'u3:1']);
    expect(train.itemIds).toBe(s.itemIds);
    // validation = leave-one-out of the training part: never touches the test items
    const val = leaveOneOut(train).test;
    expect(pairs(val).sort()).toEqual(['u1:7']);
  });

  it('orders by position when timestamps are missing', async () => {
    const { set } = await readLog(['u a', 'u b', 'u c'], createDelimitedParser({ delimiter: ' ', header: false }));
    expect(Array.from(orderByUser(set)[0])).toEqual([0, 1, 2]);
    expect(pairs(leaveOneOut(set).test)).toEqual(['u:c']);
  });

  it('held-out users and position splits', async () => {
    const s = await log(['5,a,1,view', '6,a,1,view', '10,b,2,view']);
    const { train, test } = heldOutUsers(s, (id) => Number(id) % 5 === 0);
    expect(pairs(test)).toEqual(['5:a', '10:b']);
    expect(pairs(train)).toEqual(['6:a']);
    expect(pairs(splitAtPosition(s, 2).test)).toEqual(['10:b']);
  });
});
