/**
 * The stochastic part of the learner: a few sparse steps on a 1-user view of the parameters (the user
 * vector, the top layer w + Δw and only the item rows of the batch, each with its own learning rate) with
 * sampled and hard negatives, replayed positives, APR adversarial gradients, and a proximal pull toward the
 * closed-form anchor. Gradients come from `sparseStep`, the reference every backend kernel matches.
 */
import type { CfParams } from '../model/cf_model.ts';
import type { Rng } from '../model/rng.ts';
import { sparseStep, type StepConfig, type TrainBatch } from '../model/sparse_step.ts';
import { scanTopK } from '../model/top_k.ts';
import type { LearnerConfig } from './learner_config.ts';
import type { ModelContext } from './model_context.ts';
import type { HistoryEntry, LocalState } from './user_state.ts';
import { decayOf, effectiveW } from './fit.ts';

const HARD_POOL = 50;
/** SGD with lr 1 and no L2: θ − θ' is exactly the gradient. */
const GRAD_STEP: StepConfig = { loss: 'bpr', optimizer: 'sgd', lrUser: 1, lrItem: 1, lrDense: 1, l2User: 0, l2Item: 0 };

interface Grad {
  user: Float32Array;
  items: Float32Array;
  bias: Float32Array;
  w: Float32Array;
  loss: number;
}

/**
 * Runs `cfg.steps` steps for a newly learned positive; updates p_u, Δw and the positives' item deltas in
 * place; returns the mean loss of the last step before its update.
 *
 * @example
 * const loss = sgdSteps(ctx, state, cfg, rng, state.history[state.history.length - 1]);
 */
export function sgdSteps(ctx: ModelContext, s: LocalState, cfg: LearnerConfig, rng: Rng, newest: HistoryEntry): number {
  const positives = pickPositives(ctx, s, cfg, rng, newest);
  const { rows, batch } = buildBatch(ctx, s, cfg, rng, positives);
  const view = makeView(ctx, s, rows);
  const stepCfg = { ...GRAD_STEP, loss: cfg.loss };
  let loss = 0;
  for (let t = 0; t < cfg.steps; t++) {
    const g = gradient(view, batch, stepCfg);
    loss = g.loss;
    if (cfg.apr && cfg.aprWeight > 0) {
      const adv = gradient(perturb(view, g, cfg.aprEpsilon, cfg.lrItem > 0), batch, stepCfg);
      addScaled(g, adv, cfg.aprWeight);
    }
    axpy(view.userEmb, g.user, -cfg.lrUser);
    axpy(view.w, g.w, -cfg.lrDense);
    axpy(view.itemEmb, g.items, -cfg.lrItem);
    axpy(view.itemBias, g.bias, -cfg.lrItem);
    // proximal step: the closed-form prox of (λ/2)‖p − anchor‖²
    const c = cfg.lrUser * cfg.proximal;
    for (let j = 0; j < ctx.dim; j++) view.userEmb[j] = (view.userEmb[j] + c * s.anchor[j]) / (1 + c);
  }
  writeBack(ctx, s, cfg, view, rows, new Set(positives.map((p) => p.row)));
  return loss;
}

interface Positive {
  row: number;
  weight: number;
}

/** The new positive plus `replay` earlier ones, drawn with probability ∝ their decayed weight. */
function pickPositives(ctx: ModelContext, s: LocalState, cfg: LearnerConfig, rng: Rng, newest: HistoryEntry): Positive[] {
  const out: Positive[] = [{ row: ctx.index.get(newest.itemId)!, weight: newest.weight }];
  const pool = s.history.filter((e) => e !== newest && ctx.index.has(e.itemId));
  const weights = pool.map((e) => e.weight * decayOf(e, s, newest.timestamp, cfg));
  for (let r = 0; r < cfg.replay && pool.length > 0; r++) {
    const total = weights.reduce((a, b) => a + b, 0);
    if (total <= 0) break;
    let x = rng.next() * total;
    let k = 0;
    while (k < pool.length - 1 && (x -= weights[k]) > 0) k++;
    out.push({ row: ctx.index.get(pool[k].itemId)!, weight: weights[k] });
    pool.splice(k, 1);
    weights.splice(k, 1);
  }
  return out;
}

function buildBatch(
  ctx: ModelContext,
  s: LocalState,
  cfg: LearnerConfig,
  rng: Rng,
  positives: Positive[],
): { rows: number[]; batch: TrainBatch } {
  const hard = cfg.hardNegativeShare > 0 ? hardPool(ctx, s) : new Int32Array(0);
  const users: number[] = [];
  const items: number[] = [];
  const labels: number[] = [];
  const negs: number[] = [];
  const weights: number[] = [];
  const local = new Map<number, number>();
  const slot = (row: number): number => {
    if (!local.has(row)) local.set(row, local.size);
    return local.get(row)!;
  };
  for (const pos of positives) {
    for (let n = 0; n < cfg.negatives; n++) {
      const useHard = hard.length > 0 && rng.next() < cfg.hardNegativeShare;
      const j = useHard ? hard[rng.int(hard.length)] : ctx.sampler.sample(rng, s.seen);
      if (j < 0 || j === pos.row) continue;
      const w = cfg.loss === 'bpr' ? pos.weight : pos.weight / cfg.negatives;
      if (cfg.loss === 'bpr') pushSample(slot(pos.row), slot(j), 1, pos.weight);
      else pushSample(slot(j), slot(j), 0, w);
    }
    if (cfg.loss === 'bce') pushSample(slot(pos.row), slot(pos.row), 1, pos.weight);
  }
  function pushSample(i: number, j: number, y: number, c: number): void {
    users.push(0);
    items.push(i);
    negs.push(j);
    labels.push(y);
    weights.push(c);
  }
  const batch: TrainBatch = {
    users: Int32Array.from(users),
    items: Int32Array.from(items),
    labels: Float32Array.from(labels),
    negItems: Int32Array.from(negs),
    weights: Float32Array.from(weights),
  };
  return { rows: [...local.keys()], batch };
}

/** The unseen items the shopper's current vector scores highest: the "adversarial" negatives. */
function hardPool(ctx: ModelContext, s: LocalState): Int32Array {
  const w = effectiveW(ctx, s);
  const z = w.map((wj, j) => wj * s.p[j]);
  const mask = new Uint8Array(ctx.numItems);
  for (const i of s.seen) mask[i] = 1;
  return scanTopK(ctx.itemEmb, ctx.itemBias, z, HARD_POOL, mask).indices;
}

function makeView(ctx: ModelContext, s: LocalState, rows: number[]): CfParams {
  const d = ctx.dim;
  const itemEmb = new Float32Array(rows.length * d);
  const itemBias = new Float32Array(rows.length);
  rows.forEach((r, k) => {
    itemEmb.set(ctx.itemEmb.subarray(r * d, r * d + d), k * d);
    const delta = s.itemDelta.get(r);
    if (delta) for (let j = 0; j < d; j++) itemEmb[k * d + j] += delta[j];
    itemBias[k] = ctx.itemBias[r] + (s.itemBiasDelta.get(r) ?? 0);
  });
  return {
    numUsers: 1,
    numItems: rows.length,
    dim: d,
    userEmb: s.p.slice(),
    itemEmb,
    itemBias,
    w: effectiveW(ctx, s),
    bias: Float32Array.of(ctx.model.bias),
  };
}

function gradient(view: CfParams, batch: TrainBatch, cfg: StepConfig): Grad {
  const after: CfParams = {
    ...view,
    userEmb: view.userEmb.slice(),
    itemEmb: view.itemEmb.slice(),
    itemBias: view.itemBias.slice(),
    w: view.w.slice(),
    bias: view.bias.slice(),
  };
  const loss = sparseStep(after, null, batch, cfg);
  const diff = (a: Float32Array, b: Float32Array): Float32Array => a.map((x, k) => x - b[k]);
  return {
    user: diff(view.userEmb, after.userEmb),
    items: diff(view.itemEmb, after.itemEmb),
    bias: diff(view.itemBias, after.itemBias),
    w: diff(view.w, after.w),
    loss,
  };
}

/** APR: θ + Δ with Δ = ε·g/‖g‖ for the user vector and (optionally) each item row of the batch. */
function perturb(view: CfParams, g: Grad, eps: number, items: boolean): CfParams {
  const d = view.dim;
  const userEmb = view.userEmb.slice();
  addNormalised(userEmb, g.user, 0, d, eps);
  const itemEmb = view.itemEmb.slice();
  if (items) for (let k = 0; k < view.numItems; k++) addNormalised(itemEmb, g.items, k * d, d, eps);
  return { ...view, userEmb, itemEmb };
}

function addNormalised(x: Float32Array, g: Float32Array, at: number, n: number, eps: number): void {
  let norm = 0;
  for (let j = 0; j < n; j++) norm += g[at + j] * g[at + j];
  norm = Math.sqrt(norm);
  if (norm === 0) return;
  for (let j = 0; j < n; j++) x[at + j] += (eps * g[at + j]) / norm;
}

function addScaled(g: Grad, h: Grad, a: number): void {
  axpy(g.user, h.user, a);
  axpy(g.items, h.items, a);
  axpy(g.bias, h.bias, a);
  axpy(g.w, h.w, a);
}

function axpy(y: Float32Array, x: Float32Array, a: number): void {
  if (a === 0) return;
  for (let k = 0; k < y.length; k++) y[k] += a * x[k];
}

/** p_u and Δw from the view; item deltas only for the positives (the rows the shopper touched). */
function writeBack(ctx: ModelContext, s: LocalState, cfg: LearnerConfig, view: CfParams, rows: number[], touched: Set<number>): void {
  const d = ctx.dim;
  s.p.set(view.userEmb);
  for (let j = 0; j < d; j++) s.dW[j] = view.w[j] - ctx.model.w[j];
  if (cfg.lrItem === 0) return;
  rows.forEach((r, k) => {
    if (!touched.has(r)) return;
    const delta = new Float32Array(d);
    for (let j = 0; j < d; j++) delta[j] = view.itemEmb[k * d + j] - ctx.itemEmb[r * d + j];
    s.itemDelta.delete(r); // re-insert: Map order is then least recently touched first
    s.itemDelta.set(r, delta);
    s.itemBiasDelta.set(r, view.itemBias[k] - ctx.itemBias[r]);
  });
  while (s.itemDelta.size > cfg.historySize) {
    const oldest = s.itemDelta.keys().next().value as number;
    s.itemDelta.delete(oldest);
    s.itemBiasDelta.delete(oldest);
  }
}
