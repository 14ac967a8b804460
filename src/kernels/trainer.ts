/**
 * `createSparseTrainer`: the sparse trainer for the active TF.js backend — the JS kernel on cpu and wasm, WGSL on
 * webgpu, gather + scatter on webgl (and anywhere when forced) — or the plain-TypeScript reference.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CfParams } from '../model/cf_model.ts';
import type { AdagradState, StepConfig } from '../model/sparse_step.ts';
import { BackendError, InvalidInputError } from '../errors.ts';
import { createJsSparseTrainer } from './trainer_js.ts';
import { createPlainSparseTrainer } from './trainer_plain.ts';
import { createTensorSparseTrainer } from './trainer_tensor.ts';
import { createWebGpuSparseTrainer } from './trainer_webgpu.ts';
import type { SparseTrainer, TrainerKind } from './types.ts';

export interface TrainerOptions {
  /** Force an implementation; default: the fastest for the active backend. */
  kind?: TrainerKind;
  /** Adagrad state to resume from (copied); fresh when absent. */
  state?: AdagradState | null;
}

/** The implementation `createSparseTrainer` picks for a backend. */
export function defaultTrainerKind(backend: string): TrainerKind {
  if (backend === 'cpu' || backend === 'wasm') return 'js-kernel';
  if (backend === 'webgpu') return 'wgsl';
  return 'gather-scatter';
}

/**
 * Parameters are copied onto the backend; `read()` copies them back.
 *
 * @example
 * await chooseBackend();
 * const trainer = await createSparseTrainer(params, { ...DEFAULT_STEP, lrItem: 0 });
 * const loss = await trainer.step({ users, items, labels });
 * const trained = await trainer.read();
 */
export async function createSparseTrainer(params: CfParams, cfg: StepConfig, opts: TrainerOptions = {}): Promise<SparseTrainer> {
  checkParams(params);
  const kind = opts.kind ?? defaultTrainerKind(tf.getBackend());
  switch (kind) {
    case 'plain':
      return createPlainSparseTrainer(params, cfg, opts.state);
    case 'js-kernel':
      return createJsSparseTrainer(params, cfg, opts.state);
    case 'wgsl':
      try {
        return createWebGpuSparseTrainer(params, cfg, opts.state);
      } catch (e) {
        // Too big for one storage binding: the gather + scatter path keeps tables in separate buffers.
        if (opts.kind || !(e instanceof BackendError)) throw e;
        return createTensorSparseTrainer(params, cfg, opts.state);
      }
    case 'gather-scatter':
      return createTensorSparseTrainer(params, cfg, opts.state);
    default:
      throw new InvalidInputError(`unknown trainer kind ${String(kind)}`);
  }
}

function checkParams(p: CfParams): void {
  const d = p.dim;
  const bad =
    p.userEmb.length !== p.numUsers * d ||
    p.itemEmb.length !== p.numItems * d ||
    p.itemBias.length !== p.numItems ||
    p.w.length !== d ||
    p.bias.length !== 1;
  if (bad) throw new InvalidInputError('createSparseTrainer: parameter arrays do not match numUsers/numItems/dim');
}
