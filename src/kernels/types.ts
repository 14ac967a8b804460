/**
 * The compute interface the engine and the CLI use, implemented per TF.js backend (WGSL on webgpu, gather +
 * scatter on webgl, JS kernels on cpu and wasm) and by plain TypeScript. Every implementation must match the
 * plain-TypeScript reference in `src/model/` (the contract suite checks it).
 */
import type { CfParams } from '../model/cf_model.ts';
import type { AdagradState, StepConfig, TrainBatch } from '../model/sparse_step.ts';
import type { TopK } from '../model/top_k.ts';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendChoice {
  backend: BackendName;
  /** Why each earlier backend of the preference list was not used. */
  skipped: { backend: BackendName; reason: string }[];
  /** e.g. the WebGPU adapter ("google/swiftshader"), wasm SIMD/threads. */
  details: Record<string, unknown>;
}

/** The item table held where the backend computes; answers top-k queries for a query vector z = w ⊙ p. */
export interface CatalogueScanner {
  readonly numItems: number;
  readonly dim: number;
  /** Top-k by `V z + b_i`, skipping rows with `exclude[i] !== 0`; ties broken by the smaller index. */
  topK(z: Float32Array, k: number, exclude?: Uint8Array | null): Promise<TopK>;
  /** Replace the table (a new model version or locally fine-tuned rows). */
  setItems(itemEmb: Float32Array, itemBias: Float32Array): Promise<void>;
  dispose(): void;
}

/** Parameters held on the backend, trained with row-sparse steps (no dense embedding gradients). */
export interface SparseTrainer {
  /** Which implementation runs: 'plain' (TypeScript), 'js-kernel' (cpu/wasm), 'wgsl' (webgpu), 'gather-scatter'. */
  readonly kind?: TrainerKind;
  /** One synchronous mini-batch step; resolves to the mean loss before the update. */
  step(batch: TrainBatch): Promise<number>;
  /** Copies the parameters back to plain typed arrays. */
  read(): Promise<CfParams>;
  /** Copies the Adagrad accumulators back (to checkpoint and resume training). */
  readState?(): Promise<AdagradState>;
  dispose(): void;
}

export type TrainerKind = 'plain' | 'js-kernel' | 'wgsl' | 'gather-scatter';

/** Factory shape each backend's trainer follows (the step configuration is fixed per trainer). */
export type CreateSparseTrainer = (params: CfParams, cfg: StepConfig) => Promise<SparseTrainer>;
