/**
 * Item attributes in the sequence model's training (FDSA's and SASRecF's feature fusion, by sum): the item table
 * the model reads and scores with is `E'_i = E_i + mean_{t ∈ tokens(i)} A_t`, where `A` holds one trained row per
 * attribute token ("brand=acme", "tag=17"). An item clicked by few shoppers then shares what its brand and
 * categories learnt from every other item. `E` and `A` are trained by Adam on `∂L/∂E' ` (`∂L/∂E = ∂L/∂E'`,
 * `∂L/∂A_t = Σ_{i ∋ t} ∂L/∂E'_i / n_i`), and `E'` is what the trainer's threads read between steps — so the trained
 * model is an ordinary sequence model whose item table is `E'`: the artefact, the encoders on every backend and
 * the on-device learner are unchanged, and an item added later without clicks still gets nothing from `A` (its
 * attributes reach it through the attribute projection, as with matrix factorisation).
 */
import { InvalidInputError } from '../../errors.ts';
import type { ItemAttributes } from '../../model/global_model.ts';
import { attributeVocabulary } from '../attribute_projection.ts';
import type { AdamState } from './adam.ts';
import { adamStep, createAdam } from './adam.ts';

export interface ItemFeatures {
  /** Token names, one trained row each. */
  vocab: string[];
  /** Per item (row order of the item table), its tokens' indices into `vocab`. */
  rows: Int32Array[];
}

/**
 * The tokens of each item's attributes (attributeTokens), keeping tokens that at least `minCount` items share (a
 * token of one item only adds a second free vector to that item); undefined when no token is left.
 *
 * @example
 * itemFeatures([{ brand: 'acme' }, { brand: 'acme' }, undefined])!.rows[2].length; // 0
 */
export function itemFeatures(attributes: readonly (ItemAttributes | undefined)[], minCount = 2): ItemFeatures | undefined {
  const { vocab, rows } = attributeVocabulary(attributes, minCount);
  return vocab.length === 0 ? undefined : { vocab, rows: rows.map((r) => Int32Array.from(r)) };
}

export function checkItemFeatures(f: ItemFeatures, numItems: number): void {
  if (!f || !Array.isArray(f.vocab) || !Array.isArray(f.rows)) throw new InvalidInputError('option itemFeatures must be { vocab: string[], rows: Int32Array[] }');
  if (f.rows.length !== numItems) throw new InvalidInputError(`option itemFeatures has ${f.rows.length} rows for ${numItems} items`);
  f.rows.forEach((r, i) => {
    for (const t of r) if (!Number.isInteger(t) || t < 0 || t >= f.vocab.length) throw new InvalidInputError(`option itemFeatures: item ${i} has token ${t}, outside 0..${f.vocab.length - 1}`);
  });
}

/** The trainer's side of the fusion: the base table `E`, the token rows `A` and their Adam state. */
export interface FeatureFusion {
  /** Token rows (vocab × dim), zero at the start so the first step is the plain model's. */
  tokens: Float32Array;
  /**
   * One Adam step of `E` and `A` from the gradient `grad` of the composed table (`params`' item table slot holds
   * `E'` before and after), with the learning rate of `adam`, the state of every other parameter.
   */
  step(adam: AdamState, params: Float32Array, grad: Float32Array): void;
}

/**
 * @param offset where the item table (numItems × dim) starts in the flat params; it holds `E` on the call.
 */
export function createFeatureFusion(f: ItemFeatures, params: Float32Array, offset: number, dim: number): FeatureFusion {
  const n = f.rows.length;
  const size = n * dim;
  const base = params.slice(offset, offset + size);
  const tokens = new Float32Array(f.vocab.length * dim);
  const tokenGrad = new Float32Array(tokens.length);
  const tokenAdam = createAdam(tokens.length, 0);
  tokenAdam.decayRanges = [[0, tokens.length]]; // the token rows are embeddings: they decay with the item table
  // the rows as one CSR table, for plain indexed loops
  const start = new Int32Array(n + 1);
  f.rows.forEach((r, i) => (start[i + 1] = start[i] + r.length));
  const token = new Int32Array(start[n]);
  f.rows.forEach((r, i) => token.set(r, start[i]));
  /** `toItems`: each item's row += the mean of its tokens' rows; else each token's row += its items' rows / n_i. */
  const spread = (tokenRows: Float32Array, itemRows: Float32Array, toItems: boolean): void => {
    for (let i = 0; i < n; i++) {
      const a = start[i];
      const b = start[i + 1];
      if (a === b) continue;
      const w = 1 / (b - a);
      const o = i * dim;
      for (let j = a; j < b; j++) {
        const t = token[j] * dim;
        if (toItems) for (let k = 0; k < dim; k++) itemRows[o + k] += w * tokenRows[t + k];
        else for (let k = 0; k < dim; k++) tokenRows[t + k] += w * itemRows[o + k];
      }
    }
  };
  return {
    tokens,
    step(adam, flat, grad) {
      tokenGrad.fill(0);
      spread(tokenGrad, grad.subarray(offset, offset + size), false);
      const table = flat.subarray(offset, offset + size);
      table.set(base); // Adam steps E (∂L/∂E = ∂L/∂E') with every other parameter
      adamStep(adam, flat, grad);
      base.set(table);
      tokenAdam.lr = adam.lr;
      tokenAdam.beta1 = adam.beta1;
      tokenAdam.beta2 = adam.beta2;
      tokenAdam.epsilon = adam.epsilon;
      tokenAdam.weightDecay = adam.weightDecay;
      adamStep(tokenAdam, tokens, tokenGrad);
      spread(tokens, table, true); // the table holds E again: E' = E + mean(A)
    },
  };
}
