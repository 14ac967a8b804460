/**
 * Implicit-feedback alternating least squares (Hu, Koren & Volinsky 2008) with the unobserved weight and the
 * frequency-scaled regularisation of Rendle et al., "Revisiting the Performance of iALS on Item Recommendation
 * Benchmarks" (2022). Per user u (and symmetrically per item), with ŷ = x_u·y_i:
 *
 *   Σ_{i ∈ I_u} c_ui (ŷ − 1)²  +  w0 Σ_{i ∉ I_u} ŷ²  +  λ (|I_u| + w0 |I|)^ν ‖x_u‖²,   c_ui = 1 + α·weight_ui
 *
 * Each half-step solves every row's normal equations
 *   (w0 YᵀY + Σ_{i ∈ I_u} (c_ui − w0) y_i y_iᵀ + λ_u I) x_u = Σ_{i ∈ I_u} c_ui y_i
 * with a few conjugate-gradient steps warm-started from the previous x_u (as benfred/implicit does), so a
 * 128-dim iteration over ML-1M is seconds, not the minutes a Cholesky per row costs. The result is a plain
 * dot-product model: w = 1, no biases — the same artefact the SGD trainer ships, and exactly the item
 * factors the browser's closed-form fold-in (src/engine/fold_in.ts) expects.
 */
import type { CfParams } from '../model/cf_model.ts';
import { createRng } from '../model/rng.ts';
import { gramian } from '../engine/fold_in.ts';

export interface AlsConfig {
  /** Confidence slope: an observed pair weighs 1 + alpha · its summed interaction weight. */
  alpha: number;
  /** Weight w0 of every unobserved pair (the "all items are weak negatives" term). */
  unobservedWeight: number;
  /** λ of the ridge term. */
  reg: number;
  /** ν: λ is scaled by (|I_u| + w0 |I|)^ν; 0 gives plain ridge, 1 the frequency scaling of iALS revisited. */
  regExponent: number;
  /** Conjugate-gradient steps per row and half-step. */
  cgSteps: number;
  /** λ scaled by |I_u|^ν only, as Spark's implicit ALS does (models imported from Spark fold users in so). */
  regObservedOnly?: boolean;
}

/** Rows of one side with the other side's indices and summed interaction weights (CSR). */
export interface WeightedRows {
  offsets: Int32Array;
  cols: Int32Array;
  weights: Float32Array;
}

/**
 * Groups (row, col, weight) triples into CSR, summing the weights of repeated pairs.
 *
 * @example
 * const r = weightedRows(Int32Array.of(0, 0, 1), Int32Array.of(2, 2, 0), Float32Array.of(1, 1, 1), 2);
 * [...r.cols]; // [2, 0]; r.weights[0] === 2
 */
export function weightedRows(rows: Int32Array, cols: Int32Array, weights: Float32Array | undefined, numRows: number): WeightedRows {
  const starts = new Int32Array(numRows + 1);
  for (let n = 0; n < rows.length; n++) starts[rows[n] + 1]++;
  for (let r = 0; r < numRows; r++) starts[r + 1] += starts[r];
  const fill = starts.slice(0, numRows);
  const order = new Int32Array(rows.length);
  for (let n = 0; n < rows.length; n++) order[fill[rows[n]]++] = n;
  const offsets = new Int32Array(numRows + 1);
  const outCols = new Int32Array(rows.length);
  const outW = new Float32Array(rows.length);
  let out = 0;
  for (let r = 0; r < numRows; r++) {
    const run = Array.from(order.subarray(starts[r], starts[r + 1])).sort((a, b) => cols[a] - cols[b]);
    offsets[r] = out;
    for (let k = 0; k < run.length; k++) {
      const w = weights ? weights[run[k]] : 1;
      if (k > 0 && cols[run[k]] === cols[run[k - 1]]) outW[out - 1] += w;
      else {
        outCols[out] = cols[run[k]];
        outW[out++] = w;
      }
    }
  }
  offsets[numRows] = out;
  return { offsets, cols: outCols.slice(0, out), weights: outW.slice(0, out) };
}

interface RowProblem {
  gram: Float64Array;
  other: Float32Array;
  cols: Int32Array;
  conf: Float64Array;
  lambda: number;
}

/** out = (w0·G + Σ (c − w0) y yᵀ + λI) v for one row's problem. */
function applySystem(pr: RowProblem, w0: number, dim: number, v: Float64Array, out: Float64Array): void {
  const { gram, other } = pr;
  for (let a = 0; a < dim; a++) {
    let s = 0;
    for (let b = 0, g = a * dim; b < dim; b++) s += gram[g + b] * v[b];
    out[a] = w0 * s + pr.lambda * v[a];
  }
  for (let k = 0; k < pr.cols.length; k++) {
    const o = pr.cols[k] * dim;
    let s = 0;
    for (let a = 0; a < dim; a++) s += other[o + a] * v[a];
    s *= pr.conf[k] - w0;
    for (let a = 0; a < dim; a++) out[a] += s * other[o + a];
  }
}

/** Workspace of one half-step, reused across rows (no allocation per row). */
interface Workspace {
  x: Float64Array;
  r: Float64Array;
  p: Float64Array;
  ap: Float64Array;
  conf: Float64Array;
}

/** A few CG steps on one row, warm-started from `target`'s current row; writes the row back. */
function solveRow(target: Float32Array, row: number, pr: RowProblem, cfg: AlsConfig, ws: Workspace, dim: number): void {
  const { x, r, p, ap } = ws;
  const w0 = cfg.unobservedWeight;
  for (let a = 0; a < dim; a++) x[a] = target[row * dim + a];
  applySystem(pr, w0, dim, x, ap);
  for (let a = 0; a < dim; a++) r[a] = -ap[a];
  for (let k = 0; k < pr.cols.length; k++) {
    const o = pr.cols[k] * dim;
    for (let a = 0; a < dim; a++) r[a] += pr.conf[k] * pr.other[o + a];
  }
  p.set(r);
  let rs = dot(r, r, dim);
  for (let step = 0; step < cfg.cgSteps && rs > 1e-20; step++) {
    applySystem(pr, w0, dim, p, ap);
    const alpha = rs / dot(p, ap, dim);
    for (let a = 0; a < dim; a++) {
      x[a] += alpha * p[a];
      r[a] -= alpha * ap[a];
    }
    const next = dot(r, r, dim);
    for (let a = 0; a < dim; a++) p[a] = r[a] + (next / rs) * p[a];
    rs = next;
  }
  for (let a = 0; a < dim; a++) target[row * dim + a] = x[a];
}

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += a[k] * b[k];
  return s;
}

/**
 * Re-solves every row of `target` (users, or items) against the fixed `other` side, in place.
 *
 * @example
 * alsHalfStep(p.userEmb, p.itemEmb, byUser, p.numItems, cfg, p.dim);
 */
export function alsHalfStep(target: Float32Array, other: Float32Array, rows: WeightedRows, numOther: number, cfg: AlsConfig, dim: number): void {
  const gram = gramian(other, dim);
  const maxLen = maxRowLength(rows);
  const ws: Workspace = { x: new Float64Array(dim), r: new Float64Array(dim), p: new Float64Array(dim), ap: new Float64Array(dim), conf: new Float64Array(maxLen) };
  const numRows = rows.offsets.length - 1;
  for (let row = 0; row < numRows; row++) {
    const from = rows.offsets[row];
    const to = rows.offsets[row + 1];
    const cols = rows.cols.subarray(from, to);
    for (let k = 0; k < cols.length; k++) ws.conf[k] = 1 + cfg.alpha * rows.weights[from + k];
    solveRow(target, row, { gram, other, cols, conf: ws.conf, lambda: ridge(cfg, cols.length, numOther) }, cfg, ws, dim);
  }
}

function maxRowLength(rows: WeightedRows): number {
  let m = 0;
  for (let r = 0; r + 1 < rows.offsets.length; r++) m = Math.max(m, rows.offsets[r + 1] - rows.offsets[r]);
  return m;
}

/**
 * The objective ALS lowers, per observed pair: (Σ_obs c (ŷ − 1)² + w0 Σ_unobs ŷ² + Σ_u λ_u‖x_u‖² +
 * Σ_i λ_i‖y_i‖²) / #observed pairs. Every CG step from the warm start lowers it, so it never rises.
 *
 * @example
 * alsLoss(params, byUser, cfg); // e.g. 0.81
 */
export function alsLoss(p: CfParams, byUser: WeightedRows, cfg: AlsConfig): number {
  const d = p.dim;
  const gram = gramian(p.itemEmb, d);
  const itemCounts = new Float64Array(p.numItems);
  let total = 0;
  for (let u = 0; u < p.numUsers; u++) {
    const x = p.userEmb.subarray(u * d, u * d + d);
    let all = 0;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) all += x[a] * gram[a * d + b] * x[b];
    total += cfg.unobservedWeight * all;
    const n = byUser.offsets[u + 1] - byUser.offsets[u];
    total += ridge(cfg, n, p.numItems) * squaredNorm(x);
    for (let k = byUser.offsets[u]; k < byUser.offsets[u + 1]; k++) {
      const o = byUser.cols[k] * d;
      itemCounts[byUser.cols[k]]++;
      let s = 0;
      for (let a = 0; a < d; a++) s += x[a] * p.itemEmb[o + a];
      total += (1 + cfg.alpha * byUser.weights[k]) * (s - 1) ** 2 - cfg.unobservedWeight * s * s;
    }
  }
  for (let i = 0; i < p.numItems; i++) total += ridge(cfg, itemCounts[i], p.numUsers) * squaredNorm(p.itemEmb.subarray(i * d, i * d + d));
  return total / Math.max(1, byUser.cols.length);
}

/** λ of a row with `n` observed pairs against `numOther` rows on the other side. */
function ridge(cfg: AlsConfig, n: number, numOther: number): number {
  return cfg.reg * Math.pow(n + (cfg.regObservedOnly ? 0 : cfg.unobservedWeight * numOther), cfg.regExponent);
}

function squaredNorm(v: Float32Array): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  return s;
}

/**
 * Re-initialises `p` for ALS: small normal factors scaled by 1/√dim, w = 1, no biases.
 *
 * @example
 * initAlsParams(params, 0.1, 1);
 */
export function initAlsParams(p: CfParams, scale: number, seed: number): void {
  const rng = createRng(seed);
  const s = scale / Math.sqrt(p.dim);
  for (let k = 0; k < p.userEmb.length; k++) p.userEmb[k] = rng.normal() * s;
  for (let k = 0; k < p.itemEmb.length; k++) p.itemEmb[k] = rng.normal() * s;
  p.w.fill(1);
  p.itemBias.fill(0);
  p.bias.fill(0);
}
