import { describe, expect, it } from 'vitest';
import { planBatch, rowLists } from '../../src/kernels/batch_plan.ts';
import { padRows } from '../../src/kernels/trainer_tensor.ts';
import { createParams } from '../../src/model/cf_model.ts';
import { DEFAULT_STEP } from '../../src/model/sparse_step.ts';

describe('planBatch / rowLists', () => {
  const p = createParams({ numUsers: 10, numItems: 10, dim: 2 });
  it('finds unique rows in first-seen order and lists each row’s samples', () => {
    const plan = planBatch(p, { users: Int32Array.of(4, 2, 4), items: Int32Array.of(7, 7, 1), labels: Float32Array.of(1, 0, 1), negItems: Int32Array.of(1, 3, 7) }, { ...DEFAULT_STEP, loss: 'bpr' });
    expect(Array.from(plan.userRows)).toEqual([4, 2]);
    expect(Array.from(plan.itemRows)).toEqual([7, 1, 3]);
    expect(Array.from(plan.negSlot)).toEqual([1, 2, 0]);
    const { users, items } = rowLists(plan);
    expect(Array.from(users.start)).toEqual([0, 2, 3]);
    expect(Array.from(users.entries)).toEqual([0, 2, 1]);
    // item 7: positive of samples 0, 1 and negative of sample 2 (2n+1 = 5)
    expect(Array.from(items.entries.subarray(items.start[0], items.start[1]))).toEqual([0, 2, 5]);
  });
});

describe('padRows (shape buckets for webgl)', () => {
  it('pads to a power of two with untouched rows, never beyond the table', () => {
    expect(Array.from(padRows(Int32Array.of(3, 0, 5), 100))).toEqual([3, 0, 5, 1, 2, 4, 6, 7]);
    const p = padRows(Int32Array.from({ length: 9 }, (_, k) => 2 * k), 100);
    expect(p.length).toBe(16);
    expect(new Set(p).size).toBe(16);
    expect(Array.from(padRows(Int32Array.of(1, 2), 5)).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(padRows(Int32Array.of(0, 1, 2), 3).length).toBe(3);
  });
});
