import { describe, expect, it } from 'vitest';
import { pretrain } from '../../src/train/pretrain.ts';
import { alsRowWeight, balancedRanges, createAlsPool } from '../../src/cli/als_pool.ts';
import { syntheticLog } from './synthetic.ts';

describe('parallel ALS', () => {
  it('balances row ranges by work', () => {
    // row 0 has 90 pairs, rows 1..10 one each: with dim 1 the first range is row 0 alone
    const offsets = Int32Array.from([0, 90, ...Array.from({ length: 10 }, (_, k) => 91 + k)]);
    const cuts = balancedRanges(offsets, 2, 1);
    expect(cuts).toEqual([0, 1, 11]);
    expect(balancedRanges(Int32Array.of(0, 1), 3, 4)).toEqual([0, 1, 1, 1]);
  });

  it('weighs a row as the kernel works it: a popular head and a long tail split evenly', () => {
    // 100 rows of 1,000 pairs, then 2,000 rows of 10 (as a log's items sorted by first appearance)
    const counts = [...Array.from({ length: 100 }, () => 1000), ...Array.from({ length: 2000 }, () => 10)];
    const offsets = Int32Array.from([0, ...counts.map((_, k) => counts.slice(0, k + 1).reduce((a, b) => a + b, 0))]);
    const dim = 64;
    const cg = 3;
    // solveRows: (cg + 1) products of dim² + 2·dim per pair, plus dim per pair for the right-hand side
    const work = (from: number, to: number): number => {
      let w = 0;
      for (let r = from; r < to; r++) w += (cg + 1) * dim * dim + (2 * cg + 3) * dim * counts[r];
      return w;
    };
    const share = (cuts: number[]): number => work(cuts[0], cuts[1]) / work(0, counts.length);
    expect(Math.abs(share(balancedRanges(offsets, 2, alsRowWeight(dim, cg))) - 0.5)).toBeLessThan(0.006); // one head row is 0.57 % of the work
    // weighing a row as dim pairs leaves the head's thread with visibly more
    expect(Math.abs(share(balancedRanges(offsets, 2, dim)) - 0.5)).toBeGreaterThan(0.02);
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
