/**
 * The sequence encoder as two WGSL programs per block for tfjs-backend-webgpu (`backend.runWebGPUProgram`),
 * instead of ~40 TF.js ops each compiling its own pipeline and paying its own dispatch:
 *   qkv  — one workgroup per history row: LayerNorm 1 and the fused `[q | k | v]` projection of that row;
 *   attn — one workgroup per row still needed (every row, or the newest in the last block): causal attention
 *          over the rows before it, output projection and residual, LayerNorm 2, the GELU feed-forward and its
 *          residual, and in the last block the final LayerNorm into `h`.
 * The model's sizes are baked into the shader (one compile per model shape); the history length T is a uniform,
 * so histories of every length share the same two pipelines and no padding exists. Weights live in one read-only
 * buffer uploaded once; the rows in a scratch buffer bound as the programs' read-write output.
 */
import type { SequenceConfig, SequenceParams } from '../model/sequence/types.ts';

export const SEQ_WG = 64;

/** Offsets inside one block's slice of the weight buffer (same order as `packSequenceWeights`). */
export function blockLayout(c: SequenceConfig): Record<string, number> & { size: number } {
  const { dim: D, ffnDim: F } = c;
  const o: Record<string, number> = {};
  let at = 0;
  for (const [k, n] of [['ln1g', D], ['ln1b', D], ['wqkv', 3 * D * D], ['bqkv', 3 * D], ['wo', D * D], ['bo', D], ['ln2g', D], ['ln2b', D], ['w1', D * F], ['b1', F], ['w2', F * D], ['b2', D]] as const) {
    o[k] = at;
    at += n;
  }
  return { ...o, size: at };
}

export const SEQ_UNIFORMS = [['T', 'i32'], ['first', 'i32'], ['oBlk', 'i32'], ['blk0', 'i32'], ['last', 'i32'], ['oLnf', 'i32']] as const;

function common(c: SequenceConfig): string {
  const L = blockLayout(c);
  const consts = Object.entries(L).map(([k, v]) => `const O_${k.toUpperCase()} : i32 = ${v};`).join('\n');
  return `
  const D : i32 = ${c.dim};
  const H : i32 = ${c.heads};
  const DH : i32 = ${c.dim / c.heads};
  const FF : i32 = ${c.ffnDim};
  const MAXLEN : i32 = ${c.maxLen};
  const O_X : i32 = 0;
  const O_QKV : i32 = ${c.maxLen * c.dim};
  const O_H : i32 = ${c.maxLen * c.dim * 4};
  ${consts}
  var<workgroup> sh_z : array<f32, ${c.dim}>;
  var<workgroup> sh_stat : array<f32, 2>;
  fn tbRow() -> i32 {
    return uniforms.first + i32(workgroupId.z * numWorkgroups.x * numWorkgroups.y + workgroupId.y * numWorkgroups.x + workgroupId.x);
  }
  // LayerNorm of sh_z in place (gamma/beta at W[g..], W[b..]); every thread calls it.
  fn tbLayerNorm(g : i32, b : i32) {
    if (localId.x == 0u) {
      var mean = 0.0;
      for (var k = 0; k < D; k = k + 1) { mean = mean + sh_z[k]; }
      mean = mean / f32(D);
      var v = 0.0;
      for (var k = 0; k < D; k = k + 1) { let d = sh_z[k] - mean; v = v + d * d; }
      sh_stat[0] = mean;
      sh_stat[1] = 1.0 / sqrt(v / f32(D) + 1e-6);
    }
    workgroupBarrier();
    for (var k = i32(localId.x); k < D; k = k + ${SEQ_WG}) {
      sh_z[k] = (sh_z[k] - sh_stat[0]) * sh_stat[1] * W[g + k] + W[b + k];
    }
    workgroupBarrier();
  }
`;
}

const QKV = `
  fn main(index : i32) {
    let r = tbRow();
    let B = uniforms.oBlk;
    for (var k = i32(localId.x); k < D; k = k + ${SEQ_WG}) {
      var x = 0.0;
      if (uniforms.blk0 != 0) {
        x = I[r * D + k];
        result[O_X + r * D + k] = x;
      } else {
        x = result[O_X + r * D + k];
      }
      sh_z[k] = x;
    }
    workgroupBarrier();
    tbLayerNorm(B + O_LN1G, B + O_LN1B);
    for (var j = i32(localId.x); j < 3 * D; j = j + ${SEQ_WG}) {
      var acc = W[B + O_BQKV + j];
      for (var k = 0; k < D; k = k + 1) { acc = acc + sh_z[k] * W[B + O_WQKV + k * 3 * D + j]; }
      result[O_QKV + r * 3 * D + j] = acc;
    }
  }
`;

function attn(c: SequenceConfig): string {
  return `
  var<workgroup> sh_p : array<f32, ${c.heads * c.maxLen}>;
  var<workgroup> sh_ctx : array<f32, ${c.dim}>;
  var<workgroup> sh_hid : array<f32, ${c.ffnDim}>;
  var<workgroup> sh_x : array<f32, ${c.dim}>;
  fn tbGelu(x : f32) -> f32 { return 0.5 * x * (1.0 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))); }
  fn main(index : i32) {
    _ = I[0]; // every program binds the same inputs: keep I in the 'auto' layout
    let r = tbRow();
    let B = uniforms.oBlk;
    let n = r + 1; // keys 0..r
    // scores q_r · k_s (q pre-scaled by 1/sqrt(DH)), per head
    for (var e = i32(localId.x); e < H * n; e = e + ${SEQ_WG}) {
      let h = e / n;
      let s = e % n;
      var dot = 0.0;
      for (var c = 0; c < DH; c = c + 1) {
        dot = dot + result[O_QKV + r * 3 * D + h * DH + c] * result[O_QKV + s * 3 * D + D + h * DH + c];
      }
      sh_p[h * MAXLEN + s] = dot;
    }
    workgroupBarrier();
    if (i32(localId.x) < H) {
      let h = i32(localId.x);
      var m = -3.0e38;
      for (var s = 0; s < n; s = s + 1) { m = max(m, sh_p[h * MAXLEN + s]); }
      var sum = 0.0;
      for (var s = 0; s < n; s = s + 1) { let e = exp(sh_p[h * MAXLEN + s] - m); sh_p[h * MAXLEN + s] = e; sum = sum + e; }
      for (var s = 0; s < n; s = s + 1) { sh_p[h * MAXLEN + s] = sh_p[h * MAXLEN + s] / sum; }
    }
    workgroupBarrier();
    for (var c = i32(localId.x); c < D; c = c + ${SEQ_WG}) {
      let h = c / DH;
      var acc = 0.0;
      for (var s = 0; s < n; s = s + 1) { acc = acc + sh_p[h * MAXLEN + s] * result[O_QKV + s * 3 * D + 2 * D + c]; }
      sh_ctx[c] = acc;
    }
    workgroupBarrier();
    for (var j = i32(localId.x); j < D; j = j + ${SEQ_WG}) {
      var acc = W[B + O_BO + j];
      for (var k = 0; k < D; k = k + 1) { acc = acc + sh_ctx[k] * W[B + O_WO + k * D + j]; }
      let x = result[O_X + r * D + j] + acc;
      sh_x[j] = x;
      sh_z[j] = x;
    }
    workgroupBarrier();
    tbLayerNorm(B + O_LN2G, B + O_LN2B);
    for (var f = i32(localId.x); f < FF; f = f + ${SEQ_WG}) {
      var acc = W[B + O_B1 + f];
      for (var k = 0; k < D; k = k + 1) { acc = acc + sh_z[k] * W[B + O_W1 + k * FF + f]; }
      sh_hid[f] = tbGelu(acc);
    }
    workgroupBarrier();
    for (var j = i32(localId.x); j < D; j = j + ${SEQ_WG}) {
      var acc = W[B + O_B2 + j];
      for (var f = 0; f < FF; f = f + 1) { acc = acc + sh_hid[f] * W[B + O_W2 + f * D + j]; }
      let x = sh_x[j] + acc;
      result[O_X + r * D + j] = x;
      sh_z[j] = x;
    }
    workgroupBarrier();
    if (uniforms.last != 0) {
      tbLayerNorm(uniforms.oLnf, uniforms.oLnf + D);
      for (var k = i32(localId.x); k < D; k = k + ${SEQ_WG}) { result[O_H + k] = sh_z[k]; }
    }
  }
`;
}

/** A tfjs-backend-webgpu program object (structurally `WebGPUProgram`). */
export interface SequenceProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms: string;
  getUserCode: () => string;
}

/** Scratch floats: X [maxLen, dim], QKV [maxLen, 3·dim], h [dim]. */
export function scratchSize(c: SequenceConfig): number {
  return c.maxLen * c.dim * 4 + c.dim;
}

/**
 * @example
 * backend.runWebGPUProgram(sequenceProgram('qkv', config, T), [weights, x0], 'float32', uniforms, scratch);
 */
export function sequenceProgram(phase: 'qkv' | 'attn', c: SequenceConfig, workgroups: number): SequenceProgram {
  return {
    variableNames: ['W', 'I'],
    outputShape: [scratchSize(c)],
    shaderKey: `tastebudSeq_${phase}_${c.dim}_${c.heads}_${c.ffnDim}_${c.maxLen}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.max(1, workgroups), 1, 1],
    workgroupSize: [SEQ_WG, 1, 1],
    uniforms: SEQ_UNIFORMS.map(([n, t]) => `${n} : ${t},`).join(' '),
    getUserCode: () => common(c) + (phase === 'qkv' ? QKV : attn(c)),
  };
}

/** Workgroup floats the `attn` program declares (16 KiB = 4,096 floats is the WebGPU default limit). */
export function workgroupFloats(c: SequenceConfig): number {
  return 3 * c.dim + 2 + c.heads * c.maxLen + c.ffnDim;
}

/** Every block's weights in `blockLayout` order (`1/sqrt(dim/heads)` folded into q), then the final LayerNorm. */
export function packSequenceWeights(p: SequenceParams): Float32Array {
  const c = p.config;
  const lay = blockLayout(c);
  const out = new Float32Array(lay.size * c.blocks + 2 * c.dim);
  const D = c.dim;
  const qScale = 1 / Math.sqrt(D / c.heads);
  p.blocks.forEach((b, i) => {
    const o = i * lay.size;
    const put = (key: string, a: ArrayLike<number>): void => out.set(a, o + lay[key]);
    put('ln1g', b.ln1Gamma);
    put('ln1b', b.ln1Beta);
    for (let k = 0; k < D; k++)
      for (let j = 0; j < D; j++) {
        const w = o + lay.wqkv + k * 3 * D;
        out[w + j] = b.wq[k * D + j] * qScale;
        out[w + D + j] = b.wk[k * D + j];
        out[w + 2 * D + j] = b.wv[k * D + j];
      }
    put('bqkv', [...b.bq.map((v) => v * qScale), ...b.bk, ...b.bv]);
    put('wo', b.wo);
    put('bo', b.bo);
    put('ln2g', b.ln2Gamma);
    put('ln2b', b.ln2Beta);
    put('w1', b.w1);
    put('b1', b.b1);
    put('w2', b.w2);
    put('b2', b.b2);
  });
  out.set(p.lnfGamma, lay.size * c.blocks);
  out.set(p.lnfBeta, lay.size * c.blocks + D);
  return out;
}
