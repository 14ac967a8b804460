/**
 * Interaction logs with a known latent structure, generated per test (no ../shared needed): users belong to
 * one of `groups` tastes, each taste prefers a block of items; most clicks fall in the user's block.
 */
import { createRng } from '../../src/model/rng.ts';

export interface SyntheticLog {
  users: Int32Array;
  items: Int32Array;
  /** Each user's clicks in time order (last = the held-out one in leave-one-out tests). */
  byUser: number[][];
  itemIds: string[];
  numUsers: number;
  groupOf: Int32Array;
}

export function syntheticLog({ numUsers = 120, numItems = 60, groups = 4, perUser = 12, noise = 0.1, seed = 3 } = {}): SyntheticLog {
  const rng = createRng(seed);
  const block = Math.floor(numItems / groups);
  const groupOf = new Int32Array(numUsers);
  const byUser: number[][] = [];
  for (let u = 0; u < numUsers; u++) {
    const g = u % groups;
    groupOf[u] = g;
    const seen = new Set<number>();
    const seq: number[] = [];
    while (seq.length < Math.min(perUser, block)) {
      const i = rng.next() < noise ? rng.int(numItems) : g * block + rng.int(block);
      if (!seen.has(i)) {
        seen.add(i);
        seq.push(i);
      }
    }
    byUser.push(seq);
  }
  const users: number[] = [];
  const items: number[] = [];
  byUser.forEach((seq, u) => seq.forEach((i) => (users.push(u), items.push(i))));
  return {
    users: Int32Array.from(users),
    items: Int32Array.from(items),
    byUser,
    itemIds: Array.from({ length: numItems }, (_, i) => `item-${i}`),
    numUsers,
    groupOf,
  };
}
