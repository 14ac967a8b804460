/**
 * The sparse step as four WGSL programs for tfjs-backend-webgpu (`backend.runWebGPUProgram`). All parameters,
 * Adagrad state and scratch live in ONE flat float buffer that every program binds as its read-write output, so
 * rows are updated in place. The phases keep the reference semantics (gradients from the pre-step parameters,
 * summed per unique row):
 *   1. score    — one thread per sample: logit, loss term, dL/ds into scratch;
 *   2. rowGrads — one workgroup per unique row: the row's summed gradient into scratch (reads only);
 *   3. dense    — one workgroup: gradients of w and b, and the batch loss;
 *   4. apply    — one workgroup per unique row (+1 for w, b): SGD / lazy Adagrad from scratch.
 * Sample and row lists come from `rowLists` (CSR) so no atomics are needed.
 */
export const WG = 64;

/** Uniform fields shared by the four programs, in declaration order. */
export const UNIFORM_FIELDS = [
  ['dim', 'i32'], ['nSamples', 'i32'], ['nRows', 'i32'], ['oRows', 'i32'], ['oCsr', 'i32'], ['bpr', 'i32'], ['ada', 'i32'],
  ['lrUser', 'f32'], ['lrItem', 'f32'], ['lrDense', 'f32'], ['l2User', 'f32'], ['l2Item', 'f32'], ['eps', 'f32'],
  ['oV', 'i32'], ['oIb', 'i32'], ['oW', 'i32'], ['oB', 'i32'], ['oUa', 'i32'], ['oVa', 'i32'], ['oIba', 'i32'],
  ['oWa', 'i32'], ['oBa', 'i32'], ['oG', 'i32'], ['oL', 'i32'], ['oGr', 'i32'], ['oGib', 'i32'], ['oGw', 'i32'],
  ['oGB', 'i32'], ['oLoss', 'i32'],
] as const;
export type UniformName = (typeof UNIFORM_FIELDS)[number][0];

const HELPERS = `
  fn tbSigmoid(x : f32) -> f32 {
    if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
    let e = exp(x);
    return e / (1.0 + e);
  }
  fn tbSoftplus(x : f32) -> f32 { return max(x, 0.0) + log(1.0 + exp(-abs(x))); }
  fn tbGroup() -> i32 {
    return i32(workgroupId.z * numWorkgroups.x * numWorkgroups.y + workgroupId.y * numWorkgroups.x + workgroupId.x);
  }
  // Item-side factor of sample n at dim j: q_i (BCE) or q_i - q_j (BPR).
  fn tbItemDiff(n : i32, j : i32) -> f32 {
    let D = uniforms.dim;
    var q = result[uniforms.oV + P[3 * n + 1] * D + j];
    if (uniforms.bpr != 0) { q = q - result[uniforms.oV + P[3 * n + 2] * D + j]; }
    return q;
  }
`;

const SCORE = `
  fn main(index : i32) {
    let n = index;
    if (n >= uniforms.nSamples) { return; }
    let D = uniforms.dim;
    let u = P[3 * n];
    let i = P[3 * n + 1];
    let c = F[2 * n + 1];
    var s = 0.0;
    for (var j = 0; j < D; j = j + 1) { s = s + result[uniforms.oW + j] * result[u * D + j] * tbItemDiff(n, j); }
    if (uniforms.bpr != 0) {
      let x = s + result[uniforms.oIb + i] - result[uniforms.oIb + P[3 * n + 2]];
      result[uniforms.oL + n] = c * tbSoftplus(-x);
      result[uniforms.oG + n] = c * (tbSigmoid(x) - 1.0);
    } else {
      let y = F[2 * n];
      let z = s + result[uniforms.oIb + i] + result[uniforms.oB];
      result[uniforms.oL + n] = c * (tbSoftplus(z) - y * z);
      result[uniforms.oG + n] = c * (tbSigmoid(z) - y);
    }
  }
`;

const ROW_GRADS = `
  fn main(index : i32) {
    _ = F[0]; // every program binds the same inputs: keep F in the 'auto' layout
    let r = tbGroup();
    if (r >= uniforms.nRows) { return; }
    let D = uniforms.dim;
    let row = P[uniforms.oRows + 4 * r];
    let isItem = P[uniforms.oRows + 4 * r + 1];
    let st = P[uniforms.oRows + 4 * r + 2];
    let en = P[uniforms.oRows + 4 * r + 3];
    for (var j = i32(localId.x); j < D; j = j + ${WG}) {
      let wj = result[uniforms.oW + j];
      var acc = 0.0;
      if (isItem == 0) {
        let pu = result[row * D + j];
        for (var e = st; e < en; e = e + 1) {
          let n = P[uniforms.oCsr + e];
          acc = acc + result[uniforms.oG + n] * wj * tbItemDiff(n, j) + uniforms.l2User * pu;
        }
      } else {
        let qi = result[uniforms.oV + row * D + j];
        for (var e = st; e < en; e = e + 1) {
          let code = P[uniforms.oCsr + e];
          let n = code / 2;
          let sg = select(1.0, -1.0, (code & 1) == 1);
          acc = acc + sg * result[uniforms.oG + n] * wj * result[P[3 * n] * D + j] + uniforms.l2Item * qi;
        }
      }
      result[uniforms.oGr + r * D + j] = acc;
    }
    if (isItem != 0 && localId.x == 0u) {
      var gb = 0.0;
      for (var e = st; e < en; e = e + 1) {
        let code = P[uniforms.oCsr + e];
        gb = gb + select(1.0, -1.0, (code & 1) == 1) * result[uniforms.oG + code / 2];
      }
      result[uniforms.oGib + r] = gb;
    }
  }
`;

const DENSE = `
  fn main(index : i32) {
    _ = F[0]; // every program binds the same inputs: keep F in the 'auto' layout
    let D = uniforms.dim;
    let B = uniforms.nSamples;
    for (var j = i32(localId.x); j < D; j = j + ${WG}) {
      var acc = 0.0;
      for (var n = 0; n < B; n = n + 1) {
        acc = acc + result[uniforms.oG + n] * result[P[3 * n] * D + j] * tbItemDiff(n, j);
      }
      result[uniforms.oGw + j] = acc;
    }
    if (localId.x == 0u) {
      var gb = 0.0;
      var ls = 0.0;
      for (var n = 0; n < B; n = n + 1) {
        gb = gb + result[uniforms.oG + n];
        ls = ls + result[uniforms.oL + n];
      }
      result[uniforms.oGB] = gb;
      result[uniforms.oLoss] = ls / f32(B);
    }
  }
`;

const APPLY = `
  fn tbUpdate(at : i32, g : f32, accAt : i32, lr : f32) {
    if (uniforms.ada == 0) {
      result[at] = result[at] - lr * g;
      return;
    }
    let a = result[accAt] + g * g;
    result[accAt] = a;
    result[at] = result[at] - lr * g / (sqrt(a) + uniforms.eps);
  }
  fn main(index : i32) {
    _ = F[0]; // every program binds the same inputs: keep F in the 'auto' layout
    let r = tbGroup();
    let D = uniforms.dim;
    if (r < uniforms.nRows) {
      let row = P[uniforms.oRows + 4 * r];
      let isItem = P[uniforms.oRows + 4 * r + 1];
      if (isItem != 0 && uniforms.lrItem == 0.0) { return; }
      let base = select(row * D, uniforms.oV + row * D, isItem != 0);
      let accBase = select(uniforms.oUa + row * D, uniforms.oVa + row * D, isItem != 0);
      let lr = select(uniforms.lrUser, uniforms.lrItem, isItem != 0);
      for (var j = i32(localId.x); j < D; j = j + ${WG}) {
        tbUpdate(base + j, result[uniforms.oGr + r * D + j], accBase + j, lr);
      }
      if (isItem != 0 && localId.x == 0u) {
        tbUpdate(uniforms.oIb + row, result[uniforms.oGib + r], uniforms.oIba + row, lr);
      }
    } else if (r == uniforms.nRows && uniforms.lrDense != 0.0) {
      for (var j = i32(localId.x); j < D; j = j + ${WG}) {
        tbUpdate(uniforms.oW + j, result[uniforms.oGw + j], uniforms.oWa + j, uniforms.lrDense);
      }
      if (localId.x == 0u && uniforms.bpr == 0) {
        tbUpdate(uniforms.oB, result[uniforms.oGB], uniforms.oBa, uniforms.lrDense);
      }
    }
  }
`;

export type Phase = 'score' | 'rowGrads' | 'dense' | 'apply';
const CODE: Record<Phase, string> = { score: SCORE, rowGrads: ROW_GRADS, dense: DENSE, apply: APPLY };

/** A tfjs-backend-webgpu program object (structurally `WebGPUProgram`). */
export interface StepProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms: string;
  getUserCode: () => string;
}

/**
 * The program of one phase over `workgroups` workgroups of 64 threads (the backend reshapes dispatches over
 * the 65,535 limit; `tbGroup()` linearises them back).
 *
 * @example
 * backend.runWebGPUProgram(stepProgram('score', size, Math.ceil(B / 64)), [plan, floats], 'float32', uniforms, state);
 */
export function stepProgram(phase: Phase, stateSize: number, workgroups: number): StepProgram {
  return {
    variableNames: ['P', 'F'],
    outputShape: [stateSize],
    shaderKey: `tastebudSparseStep_${phase}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.max(1, workgroups), 1, 1],
    workgroupSize: [WG, 1, 1],
    uniforms: UNIFORM_FIELDS.map(([n, t]) => `${n} : ${t},`).join(' '),
    getUserCode: () => HELPERS + CODE[phase],
  };
}
