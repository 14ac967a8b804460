import { describe, expect, it } from 'vitest';
import { pretrain } from '../../src/train/pretrain.ts';
import { balancedRanges, createAlsPool } from '../../src/cli/als_pool.ts';
import { syntheticLog } from './synthetic.ts';

describe('parallel ALS', () => {
  it('balances row ranges by work', () => {
    // row 0 has 90 pairs, rows 1..10 one each: with dim 1 the first range is row 0 alone
    const offsets = Int32Array.from([0, 90, ...Array.from({ length: 10 }, (_, k) => 91 + k)]);
    const cuts = balancedRanges(offsets, 2, 1);
    expect(cuts).toEqual([0, 1, 11]);
    expect(balancedRanges(Int32Array.of(0, 1), 3, 4)).toEqual([0, 1, 1, 1]);
  });

  it('gives the same factors bit for bit on 1 and 3 worker threads', async () => {
    const log = syntheticLog({ numUsers: 90, numItems: 40, perUser: 8 });
    const data = { users: log.users, items: log.items, itemIds: log.itemIds, numUsers: log.numUsers };
    const opts = { solver: 'als' as const, dim: 8, epochs: 3, seed: 4 };
    const one = await pretrain(data, opts);
    const three = await pretrain(data, { ...opts, threads: -3, createAlsPool });
    expect(three.report.epochs.length).toBe(3);
    expect(Buffer.from(three.params.itemEmb.buffer).equals(Buffer.from(one.params.itemEmb.slice().buffer))).toBe(true);
    expect(Array.from(three.params.userEmb)).toEqual(Array.from(one.params.userEmb));
    three.report.epochs.forEach((e, k) => expect(e.loss).toBeCloseTo(one.report.epochs[k].loss, 6));
  });
});
