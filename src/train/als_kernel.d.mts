export interface RowJob {
  target: Float32Array;
  other: Float32Array;
  gram: Float64Array;
  offsets: Int32Array;
  cols: Int32Array;
  weights: Float32Array;
  from: number;
  to: number;
  dim: number;
  numOther: number;
  alpha: number;
  w0: number;
  reg: number;
  regExponent: number;
  regObservedOnly: boolean;
  cgSteps: number;
}
export declare function solveRows(job: RowJob): void;
export declare function lossRows(job: Omit<RowJob, 'cgSteps'>): number;
