/**
 * Train/test splits. Leave-one-out holds out each user's latest interaction (by timestamp, then item id,
 * then file order); applied again to the training part it gives the validation split used for early stopping
 * and tuning, so the test split is never looked at while choosing anything. Held-out users split by user.
 * Splits keep the id tables, so indices agree across the parts.
 */
import type { InteractionSet } from './interactions.ts';
import { createRng } from '../model/rng.ts';
import { selectInteractions } from './interactions.ts';

/**
 * Each user's interaction positions in time order: (timestamp, item id, position). NaN times sort by position.
 *
 * @example
 * const byUser = orderByUser(set); byUser[0]; // positions of user 0's events, oldest first
 */
export function orderByUser(s: InteractionSet): Int32Array[] {
  const lists: number[][] = Array.from({ length: s.userIds.length }, () => []);
  for (let n = 0; n < s.users.length; n++) lists[s.users[n]].push(n);
  const numeric = s.itemIds.every((id) => /^\d+$/.test(id));
  const cmpId = (a: number, b: number): number => {
    const x = s.itemIds[s.items[a]];
    const y = s.itemIds[s.items[b]];
    return numeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
  };
  return lists.map((l) =>
    Int32Array.from(
      l.sort((a, b) => {
        const ta = s.timestamps[a];
        const tb = s.timestamps[b];
        if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta - tb;
        if (Number.isNaN(ta) || Number.isNaN(tb)) return a - b;
        return cmpId(a, b) || a - b;
      }),
    ),
  );
}

function positionsByUser(s: InteractionSet): Int32Array[] {
  const lists: number[][] = Array.from({ length: s.userIds.length }, () => []);
  for (let n = 0; n < s.users.length; n++) lists[s.users[n]].push(n);
  return lists.map((l) => Int32Array.from(l));
}

export interface Split {
  train: InteractionSet;
  test: InteractionSet;
}

/**
 * Which event of a user leave-one-out holds out: the latest by time (ties by item id, missing times by file
 * position), the last in the file regardless of times, or one drawn at random (seeded) for logs without order.
 */
export type HoldoutOrder = 'time' | 'file-order' | 'random';

/**
 * Holds out the latest interaction of every user with at least `minHistory + 1` interactions.
 *
 * @example
 * const { train, test } = leaveOneOut(set);
 * const { train: fit, test: validation } = leaveOneOut(train); // tune on this, report on `test`
 * leaveOneOut(set, { order: 'random', seed: 1 }); // a log without times
 */
export function leaveOneOut(s: InteractionSet, { minHistory = 1, order = 'time' as HoldoutOrder, seed = 1 } = {}): Split {
  const train: number[] = [];
  const test: number[] = [];
  const rng = createRng(seed);
  for (const events of order === 'time' ? orderByUser(s) : positionsByUser(s)) {
    if (events.length === 0) continue;
    const hold = events.length > minHistory ? (order === 'random' ? rng.int(events.length) : events.length - 1) : -1;
    for (let k = 0; k < events.length; k++) (k === hold ? test : train).push(events[k]);
  }
  return { train: selectInteractions(s, train.sort((a, b) => a - b)), test: selectInteractions(s, test.sort((a, b) => a - b)) };
}

/**
 * Splits by user: every interaction of a user for whom `isHeldOut(userId, userIndex)` is true goes to `test`.
 *
 * @example
 * heldOutUsers(set, (id) => Number(id) % 5 === 0); // DESIGN.md's ML-1M adaptation split
 */
export function heldOutUsers(s: InteractionSet, isHeldOut: (userId: string, user: number) => boolean): Split {
  const flag = s.userIds.map((id, u) => isHeldOut(id, u));
  const train: number[] = [];
  const test: number[] = [];
  for (let n = 0; n < s.users.length; n++) (flag[s.users[n]] ? test : train).push(n);
  return { train: selectInteractions(s, train), test: selectInteractions(s, test) };
}

/**
 * A split from a test set given separately (e.g. the ML-1M implicit test.csv): rows of `all` that
 * appear in `testPairs` (by user and item index) form the test part.
 *
 * @example
 * splitByPairs(all, new Set(['12:34']));
 */
export function splitByPairs(all: InteractionSet, testPairs: Set<string>): Split {
  const train: number[] = [];
  const test: number[] = [];
  for (let n = 0; n < all.users.length; n++) (testPairs.has(`${all.users[n]}:${all.items[n]}`) ? test : train).push(n);
  return { train: selectInteractions(all, train), test: selectInteractions(all, test) };
}

/**
 * The first `n` interactions train, the rest test: for logs read as train file then test file.
 *
 * @example
 * const { set } = await readLog(concatLines(trainLines, testLines), parser);
 * splitAtPosition(set, trainRows);
 */
export function splitAtPosition(s: InteractionSet, n: number): Split {
  const idx = Int32Array.from({ length: s.users.length }, (_, k) => k);
  return { train: selectInteractions(s, idx.subarray(0, n)), test: selectInteractions(s, idx.subarray(n)) };
}
