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
 * 128-dim iteration over ML-1M is seconds, not the minutes a Cholesky per row costs. The row solver itself is
 * als_kernel.mjs, shared with the worker threads of als_pool.ts (rows are independent, so any thread count
 * gives the same factors bit for bit). The result is a plain
 * dot-product model: w = 1, no biases — the same artefact the SGD trainer ships, and exactly the item
 * factors the browser's closed-form fold-in (src/engine/fold_in.ts) expects.
 */
import type { CfParams } from '../model/cf_model.ts';
import { createRng } from '../model/rng.ts';
import { gramian } from '../engine/fold_in.ts';
import type { RowJob } from './als_kernel.mjs';
import { lossRows, solveRows } from './als_kernel.mjs';

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

/**
 * Row solving spread over threads (Node's worker_threads in src/cli/als_pool.ts); this folder stays free of
 * Node so the browser build can import it. Arrays handed to the pool must come from `share`.
 */
export interface AlsPool {
  readonly threads: number;
  share<T extends Float32Array | Int32Array>(a: T): T;
  halfStep(target: Float32Array, other: Float32Array, rows: WeightedRows, numOther: number, cfg: AlsConfig, dim: number): Promise<void>;
  loss(p: CfParams, byUser: WeightedRows, cfg: AlsConfig): Promise<number>;
  close(): Promise<void>;
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

/**
 * Re-solves every row of `target` (users, or items) against the fixed `other` side, in place.
 *
 * @example
 * alsHalfStep(p.userEmb, p.itemEmb, byUser, p.numItems, cfg, p.dim);
 */
export function alsHalfStep(target: Float32Array, other: Float32Array, rows: WeightedRows, numOther: number, cfg: AlsConfig, dim: number): void {
  solveRows(rowJob(target, other, gramian(other, dim), rows, numOther, cfg, dim, 0, rows.offsets.length - 1));
}

/** One half-step's work over rows [from, to), as the kernel (and a worker thread) takes it. */
export function rowJob(target: Float32Array, other: Float32Array, gram: Float64Array, rows: WeightedRows, numOther: number, cfg: AlsConfig, dim: number, from: number, to: number): RowJob {
  return {
    target, other, gram, offsets: rows.offsets, cols: rows.cols, weights: rows.weights, from, to, dim, numOther,
    alpha: cfg.alpha, w0: cfg.unobservedWeight, reg: cfg.reg, regExponent: cfg.regExponent, regObservedOnly: cfg.regObservedOnly === true, cgSteps: cfg.cgSteps,
  };
}

/**
 * The objective ALS lowers, per observed pair: (Σ_obs c (ŷ − 1)² + w0 Σ_unobs ŷ² + Σ_u λ_u‖x_u‖² +
 * Σ_i λ_i‖y_i‖²) / #observed pairs. Every CG step from the warm start lowers it, so it never rises.
 *
 * @example
 * alsLoss(params, byUser, cfg); // e.g. 0.81
 */
export function alsLoss(p: CfParams, byUser: WeightedRows, cfg: AlsConfig, userPart?: number): number {
  const d = p.dim;
  const users = userPart ?? lossRows(rowJob(p.userEmb, p.itemEmb, gramian(p.itemEmb, d), byUser, p.numItems, cfg, d, 0, p.numUsers));
  return (users + itemRegulariser(p, byUser, cfg)) / Math.max(1, byUser.cols.length);
}

/** Σ_i λ_i‖y_i‖², the items' share of the objective (cheap: one pass over the item table). */
function itemRegulariser(p: CfParams, byUser: WeightedRows, cfg: AlsConfig): number {
  const d = p.dim;
  const itemCounts = new Float64Array(p.numItems);
  for (let k = 0; k < byUser.cols.length; k++) itemCounts[byUser.cols[k]]++;
  let total = 0;
  for (let i = 0; i < p.numItems; i++) total += ridge(cfg, itemCounts[i], p.numUsers) * squaredNorm(p.itemEmb.subarray(i * d, i * d + d));
  return total;
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
