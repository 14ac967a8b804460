/**
 * The plain-TypeScript trainer: `sparseStep` on typed arrays, no TF.js. The reference every backend is checked
 * against, and the fastest path for one shopper's handful of rows.
 */
import type { CfParams } from '../model/cf_model.ts';
import { cloneParams } from '../model/cf_model.ts';
import { createAdagradState, sparseStep } from '../model/sparse_step.ts';
import type { AdagradState, StepConfig, TrainBatch } from '../model/sparse_step.ts';
import { checkBatch } from './batch_plan.ts';
import type { SparseTrainer } from './types.ts';

const copyState = (s: AdagradState): AdagradState => ({
  userAcc: s.userAcc.slice(),
  itemAcc: s.itemAcc.slice(),
  itemBiasAcc: s.itemBiasAcc.slice(),
  wAcc: s.wAcc.slice(),
  biasAcc: s.biasAcc.slice(),
});

/**
 * @example
 * const trainer = createPlainSparseTrainer(params, DEFAULT_STEP);
 * await trainer.step({ users: Int32Array.of(0), items: Int32Array.of(1), labels: Float32Array.of(1) });
 */
export function createPlainSparseTrainer(params: CfParams, cfg: StepConfig, state?: AdagradState | null): SparseTrainer {
  const p = cloneParams(params);
  const s = state ? copyState(state) : createAdagradState(p);
  const c = { ...cfg };
  return {
    kind: 'plain',
    async step(batch: TrainBatch) {
      checkBatch(p, batch, c);
      return sparseStep(p, s, batch, c);
    },
    read: async () => cloneParams(p),
    readState: async () => copyState(s),
    dispose() {},
  };
}
