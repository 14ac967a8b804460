// The ALS row solver in plain JavaScript, so the same code runs on the main thread and in worker_threads
// (a worker cannot load TypeScript under every runner: tsx, vitest, a bundled CLI). Types: als_kernel.d.mts.
// Hot loops use only typed-array reads and writes with hoisted offsets; the workspace is allocated once per
// call, never per row.

/**
 * Re-solves rows [from, to) of `target` against the fixed `other` side (see als.ts for the maths).
 * @param {{ target: Float32Array, other: Float32Array, gram: Float64Array, offsets: Int32Array, cols: Int32Array, weights: Float32Array, from: number, to: number, dim: number, numOther: number, alpha: number, w0: number, reg: number, regExponent: number, regObservedOnly: boolean, cgSteps: number }} job
 */
export function solveRows(job) {
  const { target, other, gram, offsets, cols, weights, dim, numOther, alpha, w0, cgSteps } = job;
  let maxLen = 0;
  for (let r = job.from; r < job.to; r++) maxLen = Math.max(maxLen, offsets[r + 1] - offsets[r]);
  const x = new Float64Array(dim);
  const res = new Float64Array(dim);
  const p = new Float64Array(dim);
  const ap = new Float64Array(dim);
  const conf = new Float64Array(maxLen);
  for (let row = job.from; row < job.to; row++) {
    const start = offsets[row];
    const n = offsets[row + 1] - start;
    for (let k = 0; k < n; k++) conf[k] = 1 + alpha * weights[start + k];
    const lambda = job.reg * Math.pow(n + (job.regObservedOnly ? 0 : w0 * numOther), job.regExponent);
    const base = row * dim;
    for (let a = 0; a < dim; a++) x[a] = target[base + a];
    applySystem(gram, other, cols, conf, start, n, w0, lambda, dim, x, ap);
    for (let a = 0; a < dim; a++) res[a] = -ap[a];
    for (let k = 0; k < n; k++) {
      const o = cols[start + k] * dim;
      const c = conf[k];
      for (let a = 0; a < dim; a++) res[a] += c * other[o + a];
    }
    p.set(res);
    let rs = 0;
    for (let a = 0; a < dim; a++) rs += res[a] * res[a];
    for (let step = 0; step < cgSteps && rs > 1e-20; step++) {
      applySystem(gram, other, cols, conf, start, n, w0, lambda, dim, p, ap);
      let pap = 0;
      for (let a = 0; a < dim; a++) pap += p[a] * ap[a];
      const step_ = rs / pap;
      let next = 0;
      for (let a = 0; a < dim; a++) {
        x[a] += step_ * p[a];
        res[a] -= step_ * ap[a];
        next += res[a] * res[a];
      }
      const beta = next / rs;
      for (let a = 0; a < dim; a++) p[a] = res[a] + beta * p[a];
      rs = next;
    }
    for (let a = 0; a < dim; a++) target[base + a] = x[a];
  }
}

/** out = (w0·G + Σ (c − w0) y yᵀ + λI) v for one row. */
function applySystem(gram, other, cols, conf, start, n, w0, lambda, dim, v, out) {
  for (let a = 0; a < dim; a++) {
    let s = 0;
    const g = a * dim;
    for (let b = 0; b < dim; b++) s += gram[g + b] * v[b];
    out[a] = w0 * s + lambda * v[a];
  }
  for (let k = 0; k < n; k++) {
    const o = cols[start + k] * dim;
    let s = 0;
    for (let a = 0; a < dim; a++) s += other[o + a] * v[a];
    s *= conf[k] - w0;
    for (let a = 0; a < dim; a++) out[a] += s * other[o + a];
  }
}

/**
 * The users' part of the ALS objective over rows [from, to): w0·xᵀGx + λ_u‖x‖² + Σ_obs (c(ŷ−1)² − w0ŷ²).
 * @param {{ target: Float32Array, other: Float32Array, gram: Float64Array, offsets: Int32Array, cols: Int32Array, weights: Float32Array, from: number, to: number, dim: number, numOther: number, alpha: number, w0: number, reg: number, regExponent: number, regObservedOnly: boolean }} job
 * @returns {number}
 */
export function lossRows(job) {
  const { target, other, gram, offsets, cols, weights, dim, numOther, alpha, w0 } = job;
  let total = 0;
  for (let u = job.from; u < job.to; u++) {
    const base = u * dim;
    let all = 0;
    let norm = 0;
    for (let a = 0; a < dim; a++) {
      let s = 0;
      const g = a * dim;
      for (let b = 0; b < dim; b++) s += gram[g + b] * target[base + b];
      all += target[base + a] * s;
      norm += target[base + a] * target[base + a];
    }
    const n = offsets[u + 1] - offsets[u];
    total += w0 * all + job.reg * Math.pow(n + (job.regObservedOnly ? 0 : w0 * numOther), job.regExponent) * norm;
    for (let k = offsets[u]; k < offsets[u + 1]; k++) {
      const o = cols[k] * dim;
      let s = 0;
      for (let a = 0; a < dim; a++) s += target[base + a] * other[o + a];
      total += (1 + alpha * weights[k]) * (s - 1) ** 2 - w0 * s * s;
    }
  }
  return total;
}
