/**
 * Small summaries pretraining derives from the data and the trained parameters: input checks, popularity
 * counts, the prior user vector p_0, a content-derived model version.
 */
import type { CfParams } from '../model/cf_model.ts';
import { InvalidInputError } from '../errors.ts';

/**
 * Validates parallel interaction arrays and returns the number of users.
 *
 * @example
 * checkInteractions({ users: Int32Array.of(0, 2), items: Int32Array.of(1, 0), itemIds: ['a', 'b'] }); // 3
 */
export function checkInteractions(
  data: { users: Int32Array; items: Int32Array; weights?: Float32Array; itemIds: string[]; numUsers?: number },
  o: { dim?: number; epochs?: number; negatives?: number; batchSize?: number } = {},
): number {
  const { users, items, weights, itemIds } = data;
  if (users.length !== items.length) throw new InvalidInputError(`pretrain: users (${users.length}) and items (${items.length}) must have the same length`);
  if (weights && weights.length !== users.length) throw new InvalidInputError('pretrain: weights must have one entry per interaction');
  if (users.length === 0) throw new InvalidInputError('pretrain: no interactions to train on');
  let maxUser = -1;
  for (let n = 0; n < users.length; n++) {
    const u = users[n];
    const i = items[n];
    if (u < 0) throw new InvalidInputError(`pretrain: interaction ${n} has a negative user index ${u}`);
    if (i < 0 || i >= itemIds.length) throw new InvalidInputError(`pretrain: interaction ${n} has item index ${i}, outside the ${itemIds.length} itemIds`);
    if (weights && !(weights[n] >= 0 && Number.isFinite(weights[n]))) throw new InvalidInputError(`pretrain: interaction ${n} has weight ${weights[n]}; weights must be finite and >= 0`);
    if (u > maxUser) maxUser = u;
  }
  const numUsers = data.numUsers ?? maxUser + 1;
  if (numUsers <= maxUser) throw new InvalidInputError(`pretrain: numUsers ${numUsers} but a user index is ${maxUser}`);
  checkCounts(o);
  return numUsers;
}

/** dim, epochs, batchSize: positive integers; negatives: >= 0. */
export function checkCounts(o: { dim?: number; epochs?: number; negatives?: number; batchSize?: number }): void {
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined && !(Number.isInteger(v) && v >= (k === 'negatives' ? 0 : 1)))
      throw new InvalidInputError(`pretrain: ${k} must be a positive integer, got ${v}`);
  }
}

/** Interactions per item. */
export function interactionCounts(items: Int32Array, numItems: number): Float32Array {
  const c = new Float32Array(numItems);
  for (let n = 0; n < items.length; n++) c[items[n]]++;
  return c;
}

/** 1 for each user index that appears in `users`. */
export function activeUsers(users: Int32Array, numUsers: number): Uint8Array {
  const seen = new Uint8Array(numUsers);
  for (let n = 0; n < users.length; n++) seen[users[n]] = 1;
  return seen;
}

/** Mean of the vectors of the users that have interactions (`active`): the cold-start prior p_0. */
export function meanUserVector(p: CfParams, active: Uint8Array): Float32Array {
  const d = p.dim;
  const sum = new Float64Array(d);
  let count = 0;
  for (let u = 0; u < p.numUsers; u++) {
    if (!active[u]) continue;
    count++;
    for (let j = 0; j < d; j++) sum[j] += p.userEmb[u * d + j];
  }
  return Float32Array.from(sum, (s) => (count ? s / count : 0));
}

/** "tb-" + FNV-1a of the shipped tables: the same training gives the same version, any change a new one. */
export function contentVersion(p: CfParams): string {
  let h = 0x811c9dc5;
  const mix = (a: Float32Array): void => {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let k = 0; k < bytes.length; k++) h = Math.imul(h ^ bytes[k], 0x01000193);
  };
  mix(p.itemEmb);
  mix(p.itemBias);
  mix(p.w);
  mix(p.bias);
  return `tb-${(h >>> 0).toString(16).padStart(8, '0')}`;
}
