/**
 * Host-side preparation of one mini-batch for the device kernels: validates it, finds the unique user and item
 * rows it touches and, per unique row, the samples that contribute to its gradient (CSR lists). Computing this
 * in JS is cheap (O(batch)) and lets every device path sum gradients per unique row without atomics.
 */
import { InvalidInputError } from '../errors.ts';
import type { CfParams } from '../model/cf_model.ts';
import type { StepConfig, TrainBatch } from '../model/sparse_step.ts';

export interface BatchPlan {
  size: number;
  bpr: boolean;
  /** Unique user rows, in order of first appearance. */
  userRows: Int32Array;
  /** Unique item rows (positives and BPR negatives), in order of first appearance. */
  itemRows: Int32Array;
  /** Per sample: the slot of its user in `userRows`. */
  userSlot: Int32Array;
  /** Per sample: the slot of its item in `itemRows`. */
  itemSlot: Int32Array;
  /** Per sample: the slot of its BPR negative in `itemRows` (-1 for BCE). */
  negSlot: Int32Array;
  /** Per sample: the loss weight (1 when the batch has none). */
  weights: Float32Array;
  labels: Float32Array;
}

/**
 * Checks a batch against the parameter shapes and builds its plan.
 *
 * @example
 * const plan = planBatch(p, { users: Int32Array.of(0, 0), items: Int32Array.of(3, 5), labels: Float32Array.of(1, 0) }, cfg);
 * plan.userRows; // Int32Array [0]
 */
export function planBatch(p: CfParams, b: TrainBatch, cfg: StepConfig): BatchPlan {
  const B = b.users.length;
  checkBatch(p, b, cfg);
  const bpr = cfg.loss === 'bpr';
  const users = new Map<number, number>();
  const items = new Map<number, number>();
  const slot = (m: Map<number, number>, r: number): number => {
    let k = m.get(r);
    if (k === undefined) {
      k = m.size;
      m.set(r, k);
    }
    return k;
  };
  const userSlot = new Int32Array(B);
  const itemSlot = new Int32Array(B);
  const negSlot = new Int32Array(B).fill(-1);
  for (let n = 0; n < B; n++) {
    userSlot[n] = slot(users, b.users[n]);
    itemSlot[n] = slot(items, b.items[n]);
    if (bpr) negSlot[n] = slot(items, b.negItems![n]);
  }
  return {
    size: B,
    bpr,
    userRows: Int32Array.from(users.keys()),
    itemRows: Int32Array.from(items.keys()),
    userSlot,
    itemSlot,
    negSlot,
    weights: b.weights ? Float32Array.from(b.weights) : new Float32Array(B).fill(1),
    labels: Float32Array.from(b.labels.length === B ? b.labels : new Float32Array(B)),
  };
}

/** Throws InvalidInputError for a batch that would read or write outside the tables. */
export function checkBatch(p: CfParams, b: TrainBatch, cfg: StepConfig): void {
  const B = b.users.length;
  if (b.items.length !== B) throw new InvalidInputError(`batch: items has ${b.items.length} entries, users ${B}; give one item per sample`);
  if (cfg.loss === 'bce' && b.labels.length !== B)
    throw new InvalidInputError(`batch: labels has ${b.labels.length} entries, users ${B}; give one label per sample`);
  if (cfg.loss === 'bpr' && (!b.negItems || b.negItems.length !== B))
    throw new InvalidInputError('batch: bpr needs negItems with one negative per sample');
  if (b.weights && b.weights.length !== B) throw new InvalidInputError(`batch: weights has ${b.weights.length} entries, users ${B}`);
  checkRows('users', b.users, p.numUsers);
  checkRows('items', b.items, p.numItems);
  if (cfg.loss === 'bpr') checkRows('negItems', b.negItems!, p.numItems);
}

function checkRows(name: string, rows: Int32Array, n: number): void {
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    if (!(r >= 0 && r < n)) throw new InvalidInputError(`batch: ${name}[${k}] = ${r} is outside [0, ${n})`);
  }
}

/** Per unique row, the samples that touch it, as CSR (`start[k]..start[k+1]` into `entries`). */
export interface RowLists {
  start: Int32Array;
  /** User rows: the sample index n. Item rows: 2n for a positive/BCE item, 2n+1 for a BPR negative. */
  entries: Int32Array;
}

/**
 * CSR contribution lists for the user slots and item slots of a plan.
 *
 * @example
 * const { users, items } = rowLists(plan); // users.entries lists sample indices grouped by user slot
 */
export function rowLists(plan: BatchPlan): { users: RowLists; items: RowLists } {
  const B = plan.size;
  const uCount = new Int32Array(plan.userRows.length + 1);
  const iCount = new Int32Array(plan.itemRows.length + 1);
  for (let n = 0; n < B; n++) {
    uCount[plan.userSlot[n] + 1]++;
    iCount[plan.itemSlot[n] + 1]++;
    if (plan.bpr) iCount[plan.negSlot[n] + 1]++;
  }
  for (let k = 1; k < uCount.length; k++) uCount[k] += uCount[k - 1];
  for (let k = 1; k < iCount.length; k++) iCount[k] += iCount[k - 1];
  const uFill = uCount.slice(0, -1);
  const iFill = iCount.slice(0, -1);
  const uEntries = new Int32Array(B);
  const iEntries = new Int32Array(plan.bpr ? 2 * B : B);
  for (let n = 0; n < B; n++) {
    uEntries[uFill[plan.userSlot[n]]++] = n;
    iEntries[iFill[plan.itemSlot[n]]++] = 2 * n;
    if (plan.bpr) iEntries[iFill[plan.negSlot[n]]++] = 2 * n + 1;
  }
  return { users: { start: uCount, entries: uEntries }, items: { start: iCount, entries: iEntries } };
}
