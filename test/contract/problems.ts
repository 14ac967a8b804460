/**
 * Seeded fixtures of the contract suite: a random CF problem with repeated rows (so per-row gradient sums
 * matter), per-click batches, a catalogue with exact ties, and the checkerboard whose withheld diagonal has a
 * known answer. Pure: no TF.js, no test framework.
 */
import { createParams } from '../../src/model/cf_model.ts';
import type { CfParams } from '../../src/model/cf_model.ts';
import { createRng } from '../../src/model/rng.ts';
import type { TrainBatch } from '../../src/model/sparse_step.ts';

/** `steps` batches of `size` samples over a small table; users and items repeat within a batch. */
export function randomBatches(p: CfParams, steps: number, size: number, seed: number, withNegatives: boolean): TrainBatch[] {
  const rng = createRng(seed);
  const out: TrainBatch[] = [];
  for (let s = 0; s < steps; s++) {
    const b: TrainBatch = {
      users: new Int32Array(size),
      items: new Int32Array(size),
      labels: new Float32Array(size),
      weights: new Float32Array(size),
    };
    if (withNegatives) b.negItems = new Int32Array(size);
    for (let n = 0; n < size; n++) {
      b.users[n] = rng.int(p.numUsers);
      b.items[n] = rng.int(p.numItems);
      b.labels[n] = rng.next() < 0.4 ? 1 : 0;
      b.weights![n] = 0.5 + rng.next();
      if (b.negItems) b.negItems[n] = rng.int(p.numItems);
    }
    out.push(b);
  }
  return out;
}

/** One shopper's click: 1 user, 1 positive + `negatives` distinct negatives. */
export function clickBatch(p: CfParams, seed: number, negatives = 8): TrainBatch {
  const rng = createRng(seed);
  const user = rng.int(p.numUsers);
  const items = new Set<number>();
  while (items.size < negatives + 1) items.add(rng.int(p.numItems));
  const labels = new Float32Array(negatives + 1);
  labels[0] = 1;
  return { users: new Int32Array(negatives + 1).fill(user), items: Int32Array.from(items), labels };
}

/** A small seeded model for the trajectory checks. */
export function smallParams(seed = 7): CfParams {
  return createParams({ numUsers: 60, numItems: 90, dim: 16, seed, scale: 0.3 });
}

/** A catalogue where rows 5, 17 and 40 are copies of row 3 (exact score ties) plus a seeded rest. */
export function catalogueWithTies(numItems: number, dim: number, seed: number): { itemEmb: Float32Array; itemBias: Float32Array } {
  const p = createParams({ numUsers: 0, numItems, dim, seed, scale: 1 });
  const rng = createRng(seed + 1);
  for (let i = 0; i < numItems; i++) p.itemBias[i] = rng.normal() * 0.1;
  for (const copy of [5, 17, 40]) {
    p.itemEmb.copyWithin(copy * dim, 3 * dim, 4 * dim);
    p.itemBias[copy] = p.itemBias[3];
  }
  return { itemEmb: p.itemEmb, itemBias: p.itemBias };
}

/**
 * Checkerboard: user u likes item i iff u ≡ i (mod 2). The diagonal (u, u) is withheld from training; a model
 * that learned the structure ranks item u first among the items u has not seen.
 */
export function checkerboard(n: number): { batch: TrainBatch; seen: Uint8Array[] } {
  const users: number[] = [];
  const items: number[] = [];
  const labels: number[] = [];
  const seen = Array.from({ length: n }, () => new Uint8Array(n));
  for (let u = 0; u < n; u++)
    for (let i = 0; i < n; i++) {
      if (u === i) continue;
      const like = u % 2 === i % 2;
      users.push(u);
      items.push(i);
      labels.push(like ? 1 : 0);
      if (like) seen[u][i] = 1;
    }
  return { batch: { users: Int32Array.from(users), items: Int32Array.from(items), labels: Float32Array.from(labels) }, seen };
}
