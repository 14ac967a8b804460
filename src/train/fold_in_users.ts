/**
 * Fits user vectors against a shipped (frozen) global model, as a browser does: start every user at the prior
 * p_0 and take sparse steps on user rows only (items and the top layer frozen). Used to evaluate an artefact
 * by itself, without the training run's user table.
 */
import type { CfParams } from '../model/cf_model.ts';
import type { GlobalModel } from '../model/global_model.ts';
import { pretrainLoopOnly } from './pretrain.ts';
import type { PretrainOptions } from './pretrain.ts';

/**
 * @example
 * const params = await foldInUsers(model, { users, items }, numUsers, { epochs: 5 });
 * createParamsScorer(params); // rank with the artefact's item table and these user rows
 */
export async function foldInUsers(
  model: GlobalModel,
  data: { users: Int32Array; items: Int32Array; weights?: Float32Array },
  numUsers: number,
  opts: PretrainOptions = {},
): Promise<CfParams> {
  const d = model.dim;
  const userEmb = new Float32Array(numUsers * d);
  for (let u = 0; u < numUsers; u++) userEmb.set(model.priorUser, u * d);
  const params: CfParams = {
    numUsers,
    numItems: model.itemIds.length,
    dim: d,
    userEmb,
    itemEmb: model.itemEmb.slice(),
    itemBias: model.itemBias.slice(),
    w: model.w.slice(),
    bias: Float32Array.of(model.bias),
  };
  const lr = opts.lr ?? Number(model.hyperParameters.lrUser ?? 0.05);
  await pretrainLoopOnly(params, { ...data, itemIds: model.itemIds, numUsers }, {
    epochs: 5,
    negatives: Number(model.hyperParameters.negatives ?? 4),
    l2: Number(model.hyperParameters.l2 ?? 1e-4),
    loss: (model.hyperParameters.loss as 'bce' | 'bpr' | undefined) ?? 'bce',
    ...opts,
    lrUser: lr,
    lrItem: 0,
    lrDense: 0,
    advEps: 0,
  });
  return params;
}
