/**
 * Closed-form fold-in: the user vector that minimises the implicit-feedback least-squares loss (Hu, Koren &
 * Volinsky 2008) against fixed item factors,
 *   δ = argmin Σ_all c_i (y_i − a_i·δ)² + λ‖δ‖²,  y_i = 1 for the shopper's items, 0 for the rest,
 * solved exactly with the precomputed Gramian: (AᵀA + Σ_t (c_t − 1) a_t a_tᵀ + λI) δ = Σ_t c_t a_t.
 * With d = 64 a solve is a 64×64 Cholesky (~0.1 ms), cheap enough to redo at every event.
 */

/** QᵀQ of an item table [numItems, dim] (float64, dim×dim). */
export function gramian(itemEmb: Float32Array, dim: number): Float64Array {
  const g = new Float64Array(dim * dim);
  const n = itemEmb.length / dim;
  for (let i = 0, o = 0; i < n; i++, o += dim) {
    for (let a = 0; a < dim; a++) {
      const qa = itemEmb[o + a];
      if (qa === 0) continue;
      const ga = a * dim;
      for (let b = a; b < dim; b++) g[ga + b] += qa * itemEmb[o + b];
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) g[a * dim + b] = g[b * dim + a];
  return g;
}

export interface FoldInProblem {
  /** QᵀQ of the global item table. */
  gram: Float64Array;
  /** Effective top layer w (global + per-user delta): rows are a_i = w ⊙ q_i. */
  w: ArrayLike<number>;
  /** The shopper's item rows q_t (already including any per-user delta). */
  rows: ArrayLike<number>[];
  /** Confidence c_t ≥ 1 of each row. */
  conf: ArrayLike<number>;
  ridge: number;
}

export interface FoldInSolution {
  delta: Float64Array;
  /** Lower Cholesky factor of the system matrix, to decompose the solution per event (explain). */
  chol: Float64Array;
}

/**
 * Solves the fold-in exactly.
 *
 * @example
 * const { delta } = solveFoldIn({ gram: gramian(V, d), w, rows: [V.subarray(3 * d, 4 * d)], conf: [11], ridge: 8 });
 */
export function solveFoldIn(pr: FoldInProblem): FoldInSolution {
  const d = pr.w.length;
  const m = new Float64Array(d * d);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) m[a * d + b] = pr.w[a] * pr.w[b] * pr.gram[a * d + b];
  for (let a = 0; a < d; a++) m[a * d + a] += pr.ridge;
  const rhs = new Float64Array(d);
  const at = new Float64Array(d);
  pr.rows.forEach((q, t) => {
    const c = pr.conf[t];
    for (let a = 0; a < d; a++) at[a] = pr.w[a] * q[a];
    for (let a = 0; a < d; a++) {
      rhs[a] += c * at[a];
      const s = (c - 1) * at[a];
      // the lower triangle only (all `cholesky` reads); a long-decayed positive (c − 1 ≤ 1e-6 against a ridge of
      // order 1-10) would move δ by about float32 precision (p_u is kept in float32), so it adds to rhs only
      if (c - 1 > 1e-6) for (let b = 0; b <= a; b++) m[a * d + b] += s * at[b];
    }
  });
  const chol = cholesky(m, d);
  return { delta: cholSolve(chol, d, rhs), chol };
}

/** Lower Cholesky factor of a symmetric positive definite d×d matrix, read from its lower triangle (jitter added if needed). */
export function cholesky(m: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = m[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      if (i === j) l[i * d + i] = Math.sqrt(Math.max(s, 1e-9));
      else l[i * d + j] = s / l[j * d + j];
    }
  }
  return l;
}

/** Solves L Lᵀ x = b for the factor of `cholesky`. */
export function cholSolve(l: Float64Array, d: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * d + k] * y[k];
    y[i] = s / l[i * d + i];
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < d; k++) s -= l[k * d + i] * x[k];
    x[i] = s / l[i * d + i];
  }
  return x;
}
