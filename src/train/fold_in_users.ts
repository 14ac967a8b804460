/**
 * Fits user vectors against a shipped (frozen) global model, as a browser does: an ALS model's users are
 * solved in closed form; otherwise every user starts at the prior p_0 and takes sparse steps on user rows
 * only (items and the top layer frozen). Used to evaluate an artefact
 * by itself, without the training run's user table.
 */
import type { CfParams } from '../model/cf_model.ts';
import type { GlobalModel } from '../model/global_model.ts';
import { pretrainLoopOnly } from './pretrain.ts';
import type { PretrainOptions } from './pretrain.ts';
import { alsHalfStep, weightedRows } from './als.ts';
import { recencyOf, recencyWeights } from './recency.ts';

/**
 * @example
 * const params = await foldInUsers(model, { users, items }, numUsers, { epochs: 5 });
 * createParamsScorer(params); // rank with the artefact's item table and these user rows
 */
export async function foldInUsers(
  model: GlobalModel,
  data: { users: Int32Array; items: Int32Array; weights?: Float32Array; timestamps?: Float64Array },
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
  if (model.hyperParameters.solver === 'als') {
    alsFoldIn(model, data, params);
    return params;
  }
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

/**
 * An ALS model's users solved exactly as its training solved them (the same confidence, recency weights and
 * ridge), against the frozen item table: what the browser's closed-form fold-in does per shopper.
 */
function alsFoldIn(model: GlobalModel, data: Parameters<typeof foldInUsers>[1], params: CfParams): void {
  const hp = model.hyperParameters;
  const weights = recencyWeights(data.users, data.timestamps, params.numUsers, recencyOf(hp), data.weights);
  const cfg = {
    alpha: Number(hp.alsAlpha ?? 1),
    unobservedWeight: Number(hp.alsUnobserved ?? 0.3),
    reg: Number(hp.l2 ?? 0.005),
    regExponent: Number(hp.alsRegExponent ?? 1),
    cgSteps: params.dim,
    regObservedOnly: hp.alsRegObservedOnly === true,
  };
  alsHalfStep(params.userEmb, params.itemEmb, weightedRows(data.users, data.items, weights, params.numUsers), params.numItems, cfg, params.dim);
}
