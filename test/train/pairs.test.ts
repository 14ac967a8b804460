import { describe, expect, it } from 'vitest';
import { weightedRows } from '../../src/train/als.ts';
import type { WeightedRows } from '../../src/train/als.ts';
import { aggregatePairs, pairRows } from '../../src/train/pairs.ts';
import { createPairTable, refeedLate } from '../../src/train/pair_table.ts';
import { recencyWeights } from '../../src/train/recency.ts';
import { createRng } from '../../src/model/rng.ts';

/** A log with repeats, out-of-order times for some users, missing times and weights. */
function fixture(events: number, numUsers: number, numItems: number, seed: number) {
  const rng = createRng(seed);
  const users = new Int32Array(events);
  const items = new Int32Array(events);
  const weights = new Float32Array(events);
  const timestamps = new Float64Array(events);
  for (let n = 0; n < events; n++) {
    users[n] = rng.int(numUsers);
    items[n] = rng.int(numItems); // few items: many repeated pairs
    weights[n] = [0.5, 1, 2, 3][rng.int(4)];
    // users 0-2 in log order; the others shuffled, with ties and a few unknown times
    timestamps[n] = users[n] < 3 ? n : rng.next() < 0.05 ? NaN : 1000 + rng.int(events / 2);
  }
  return { users, items, weights, timestamps, numUsers, numItems };
}

function expectSameRows(got: WeightedRows, want: WeightedRows, tol: number): void {
  expect([...got.offsets]).toEqual([...want.offsets]);
  expect([...got.cols]).toEqual([...want.cols]);
  for (let k = 0; k < want.weights.length; k++) expect(Math.abs(got.weights[k] - want.weights[k])).toBeLessThanOrEqual(tol * Math.max(1, want.weights[k]));
}

describe('compact pair aggregation', () => {
  it('gives the per-event path’s pairs and summed weights, repeats and out-of-order events included', () => {
    const d = fixture(4000, 40, 25, 3);
    for (const recency of [undefined, { boost: 19, halfLife: 5 }, { boost: 1, halfLife: 2 }]) {
      const w = recency ? recencyWeights(d.users, d.timestamps, d.numUsers, recency, d.weights) : d.weights;
      const got = aggregatePairs(d, recency);
      expectSameRows(got.byUser, weightedRows(d.users, d.items, w, d.numUsers), 1e-5);
      expectSameRows(got.byItem, weightedRows(d.items, d.users, w, d.numItems), 1e-5);
      expect(got.events).toBe(4000);
      const counts = new Float32Array(d.numItems);
      d.items.forEach((i) => counts[i]++);
      expect([...got.itemEvents]).toEqual([...counts]);
    }
  });

  it('sums in float32 exactly as before without recency, and keeps users and items without events', () => {
    const d = fixture(500, 12, 9, 8);
    const got = aggregatePairs({ ...d, numUsers: 15, numItems: 11 });
    expect(got.byUser.offsets.length).toBe(16);
    expect(got.byItem.offsets.length).toBe(12);
    expect([...got.byUser.weights]).toEqual([...weightedRows(d.users, d.items, d.weights, 15).weights]);
  });

  it('flags a user whose events arrive out of time order, only with recency on', () => {
    const t = createPairTable({ boost: 4, halfLife: 5 });
    t.add(0, 1, 1, 10);
    t.add(1, 1, 1, 5);
    t.add(0, 2, 1, 10); // a tie keeps log order: not late
    t.add(1, 3, 1, 4);
    expect([...t.lateUsers()!]).toEqual([0, 1]);
    const plain = createPairTable();
    plain.add(0, 1, 1, 10);
    plain.add(0, 2, 1, 5);
    expect(plain.lateUsers()).toBeNull();
  });

  it('feeds late users again in (time, arrival) order, in-order users as they come', () => {
    const recency = { boost: 4, halfLife: 2 };
    const events: [number, number, number, number][] = [[0, 1, 1, 10], [1, 2, 2, 30], [0, 2, 1, 20], [1, 3, 1, 20], [1, 4, 3, NaN], [1, 2, 1, 20]];
    const first = createPairTable(recency);
    for (const e of events) first.add(...e);
    const redo = refeedLate(first, recency)!;
    expect(redo.users).toBe(1);
    for (const e of events) redo.add(...e);
    redo.finish();
    const sorted = createPairTable(recency);
    for (const k of [0, 2, 4, 3, 5, 1]) sorted.add(...events[k]);
    const [got, want] = [redo.table.finish(), sorted.finish()];
    const weights = (c: typeof got) => Array.from({ length: c.size }, (_, p) => `${c.user(p)}:${c.item(p)}=${c.weight(p).toFixed(4)}`).sort();
    expect(weights(got)).toEqual(weights(want));
    expect(redo.table.lateUsers()).toBeNull();
    const inOrder = createPairTable(recency);
    inOrder.add(0, 1, 1, 1);
    expect(refeedLate(inOrder, recency)).toBeNull();
  });

  it('grows its hash and chunks past their first sizes without losing a pair', () => {
    const t = createPairTable();
    const n = 200_000;
    for (let k = 0; k < n; k++) t.add(k % 5000, (k * 7) % 3001, 1, NaN);
    for (let k = 0; k < n; k++) t.add(k % 5000, (k * 7) % 3001, 1, NaN);
    expect(t.size).toBe(new Set(Array.from({ length: n }, (_, k) => (k % 5000) * 4000 + ((k * 7) % 3001))).size);
    const rows = pairRows(t.finish(), { shared: true });
    expect(rows.byUser.cols.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(rows.byUser.weights.reduce((s, w) => s + w, 0)).toBe(2 * n);
  });

  it('refuses a negative index by name', () => {
    expect(() => createPairTable().add(-1, 0, 1, NaN)).toThrow(/negative index/);
  });
});
