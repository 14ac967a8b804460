/**
 * The sequence encoder in plain TypeScript, written for speed (the reference `encodeSequence` is written for
 * clarity): float32 throughout, scratch buffers reused across calls, and the last block computed for the newest
 * position only (its keys and values still come from every position). On small windows this beats any TF.js
 * backend here, whose per-op dispatch costs more than the arithmetic; the bench says where.
 */
import { gelu, LN_EPS, sequenceWindow } from '../model/sequence/encode.ts';
import type { SequenceBlockParams, SequenceParams } from '../model/sequence/types.ts';

interface Scratch {
  x: Float32Array;
  z: Float32Array;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  ctx: Float32Array;
  a: Float32Array;
  hidden: Float32Array;
  w: Float32Array;
}

function layerNormRows(x: Float32Array, rows: number, dim: number, g: Float32Array, b: Float32Array, out: Float32Array, from = 0): void {
  for (let r = from; r < rows; r++) {
    const o = r * dim;
    let mean = 0;
    for (let k = 0; k < dim; k++) mean += x[o + k];
    mean /= dim;
    let v = 0;
    for (let k = 0; k < dim; k++) {
      const c = x[o + k] - mean;
      v += c * c;
    }
    const inv = 1 / Math.sqrt(v / dim + LN_EPS);
    for (let k = 0; k < dim; k++) out[o + k] = (x[o + k] - mean) * inv * g[k] + b[k];
  }
}

/**
 * `out[r] = x[r] · w + b` for rows `from..rows-1` (x: rows × n, w: n × m). Four rows share each pass over `w`,
 * which halves the time of the one-row loop in V8 (the weight rows are read once per four output rows).
 */
function affineRows(x: Float32Array, rows: number, n: number, w: Float32Array, b: Float32Array, m: number, out: Float32Array, from = 0): void {
  let r = from;
  for (; r + 4 <= rows; r += 4) {
    const o0 = r * m;
    const o1 = o0 + m;
    const o2 = o1 + m;
    const o3 = o2 + m;
    for (let j = 0; j < m; j++) out[o0 + j] = out[o1 + j] = out[o2 + j] = out[o3 + j] = b[j];
    for (let k = 0; k < n; k++) {
      const x0 = x[r * n + k];
      const x1 = x[(r + 1) * n + k];
      const x2 = x[(r + 2) * n + k];
      const x3 = x[(r + 3) * n + k];
      const wo = k * m;
      for (let j = 0; j < m; j++) {
        const wj = w[wo + j];
        out[o0 + j] += x0 * wj;
        out[o1 + j] += x1 * wj;
        out[o2 + j] += x2 * wj;
        out[o3 + j] += x3 * wj;
      }
    }
  }
  for (; r < rows; r++) {
    const o = r * m;
    for (let j = 0; j < m; j++) out[o + j] = b[j];
    for (let k = 0; k < n; k++) {
      const xv = x[r * n + k];
      const wo = k * m;
      for (let j = 0; j < m; j++) out[o + j] += xv * w[wo + j];
    }
  }
}

/** Causal attention for query rows `from..T-1` into `s.ctx` (q, k, v already in scratch). */
function attendRows(s: Scratch, T: number, dim: number, heads: number, from: number): void {
  const hs = dim / heads;
  const scale = 1 / Math.sqrt(hs);
  const { q, k, v, ctx, w } = s;
  for (let h = 0; h < heads; h++) {
    const off = h * hs;
    for (let t = from; t < T; t++) {
      let max = -Infinity;
      for (let u = 0; u <= t; u++) {
        let dot = 0;
        for (let c = 0; c < hs; c++) dot += q[t * dim + off + c] * k[u * dim + off + c];
        w[u] = dot * scale;
        if (w[u] > max) max = w[u];
      }
      let sum = 0;
      for (let u = 0; u <= t; u++) sum += w[u] = Math.exp(w[u] - max);
      const o = t * dim + off;
      for (let c = 0; c < hs; c++) ctx[o + c] = 0;
      for (let u = 0; u <= t; u++) {
        const wu = w[u] / sum;
        const vo = u * dim + off;
        for (let c = 0; c < hs; c++) ctx[o + c] += wu * v[vo + c];
      }
    }
  }
}

function block(p: SequenceParams, b: SequenceBlockParams, s: Scratch, T: number, last: boolean): void {
  const { dim, heads, ffnDim } = p.config;
  const from = last ? T - 1 : 0; // rows whose output is still needed
  layerNormRows(s.x, T, dim, b.ln1Gamma, b.ln1Beta, s.z);
  affineRows(s.z, T, dim, b.wq, b.bq, dim, s.q, from);
  affineRows(s.z, T, dim, b.wk, b.bk, dim, s.k);
  affineRows(s.z, T, dim, b.wv, b.bv, dim, s.v);
  attendRows(s, T, dim, heads, from);
  affineRows(s.ctx, T, dim, b.wo, b.bo, dim, s.a, from);
  for (let i = from * dim; i < T * dim; i++) s.x[i] += s.a[i];
  layerNormRows(s.x, T, dim, b.ln2Gamma, b.ln2Beta, s.z, from);
  affineRows(s.z, T, dim, b.w1, b.b1, ffnDim, s.hidden, from);
  for (let i = from * ffnDim; i < T * ffnDim; i++) s.hidden[i] = gelu(s.hidden[i]);
  affineRows(s.hidden, T, ffnDim, b.w2, b.b2, dim, s.a, from);
  for (let i = from * dim; i < T * dim; i++) s.x[i] += s.a[i];
}

/**
 * A reusable plain forward for one model: `encode(items)` returns `h` (a new array) like `encodeSequence`.
 *
 * @example
 * const encode = createPlainSequenceForward(params);
 * const h = encode(Int32Array.of(12, 7, 301)); // Float32Array(dim)
 */
export function createPlainSequenceForward(p: SequenceParams): (items: ArrayLike<number>) => Float32Array {
  const { dim, maxLen, ffnDim } = p.config;
  const rows = (n: number): Float32Array => new Float32Array(maxLen * n);
  const s: Scratch = { x: rows(dim), z: rows(dim), q: rows(dim), k: rows(dim), v: rows(dim), ctx: rows(dim), a: rows(dim), hidden: rows(ffnDim), w: new Float32Array(maxLen) };
  const scale = Math.sqrt(dim);
  return (items) => {
    const win = sequenceWindow(items, p.config);
    const T = win.length;
    for (let t = 0; t < T; t++) {
      const e = win[t] * dim;
      const pos = (maxLen - T + t) * dim;
      for (let k = 0; k < dim; k++) s.x[t * dim + k] = p.itemEmb[e + k] * scale + p.posEmb[pos + k];
    }
    p.blocks.forEach((b, i) => block(p, b, s, T, i === p.blocks.length - 1));
    const h = new Float32Array(dim);
    layerNormRows(s.x.subarray((T - 1) * dim, T * dim), 1, dim, p.lnfGamma, p.lnfBeta, h);
    return h;
  };
}
