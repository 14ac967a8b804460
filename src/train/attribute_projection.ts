/**
 * Item attributes → item-embedding space, so an item nobody clicked yet (new in the catalogue) still gets a
 * vector. An item's attributes become tokens ("category=shoes", "brand=acme"; a `tags` field holds several,
 * separated by "|"); its projected vector is the mean of its tokens' rows. The rows are fitted by ridge
 * regression (Adagrad on squared error) onto the trained item vectors and biases after pretraining.
 */
import type { AttributeProjection, ItemAttributes } from '../model/global_model.ts';

/** Tokens of one item's attributes, sorted so the order of fields never matters. */
export function attributeTokens(attrs: ItemAttributes | undefined): string[] {
  if (!attrs) return [];
  const out: string[] = [];
  for (const [field, value] of Object.entries(attrs)) {
    if (value === undefined || value === '') continue;
    if (field === 'tags') for (const t of String(value).split('|')) if (t) out.push(`tag=${t}`);
    if (field !== 'tags') out.push(`${field}=${value}`);
  }
  return [...new Set(out)].sort();
}

/**
 * The tokens at least `minCount` items share (sorted), and each item's tokens as indices into them.
 *
 * @example
 * attributeVocabulary([{ brand: 'a' }, { brand: 'a' }, { brand: 'b' }], 2); // { vocab: ['brand=a'], rows: [[0], [0], []] }
 */
export function attributeVocabulary(attributes: readonly (ItemAttributes | undefined)[], minCount: number): { vocab: string[]; rows: number[][] } {
  const itemTokens = attributes.map(attributeTokens);
  const counts = new Map<string, number>();
  for (const ts of itemTokens) for (const t of ts) counts.set(t, (counts.get(t) ?? 0) + 1);
  const vocab = [...counts.keys()].filter((t) => counts.get(t)! >= minCount).sort();
  const id = new Map(vocab.map((t, k) => [t, k]));
  return { vocab, rows: itemTokens.map((ts) => ts.map((t) => id.get(t)).filter((k): k is number => k !== undefined)) };
}

export interface FitProjectionOptions {
  epochs?: number;
  lr?: number;
  l2?: number;
  /** Tokens seen on fewer items are dropped (too little evidence). */
  minCount?: number;
}

/**
 * Fits the projection from items with both attributes and trained vectors; null when no item has attributes.
 *
 * @example
 * const proj = fitAttributeProjection(attrs, model.itemEmb, model.itemBias, 32);
 * projectAttributes(proj!, { category: 'shoes' }); // { vector: Float32Array(32), bias: -0.4 }
 */
export function fitAttributeProjection(
  attributes: (ItemAttributes | undefined)[],
  itemEmb: Float32Array,
  itemBias: Float32Array,
  dim: number,
  opts: FitProjectionOptions = {},
): AttributeProjection | null {
  const { epochs = 40, lr = 0.1, l2 = 1e-4, minCount = 2 } = opts;
  const { vocab, rows } = attributeVocabulary(attributes, minCount);
  if (vocab.length === 0) return null;
  const weights = new Float32Array(vocab.length * dim);
  const bias = new Float32Array(vocab.length);
  const acc = new Float32Array(vocab.length * (dim + 1)).fill(1e-3);
  const pred = new Float32Array(dim + 1);
  for (let e = 0; e < epochs; e++) {
    for (let i = 0; i < rows.length; i++) {
      const ks = rows[i];
      if (ks.length === 0) continue;
      predict(ks, weights, bias, dim, pred);
      // residual of the mean, shared equally by the item's tokens
      for (let j = 0; j <= dim; j++) pred[j] -= j < dim ? itemEmb[i * dim + j] : itemBias[i];
      for (const k of ks) {
        for (let j = 0; j <= dim; j++) {
          const cur = j < dim ? weights[k * dim + j] : bias[k];
          const g = pred[j] / ks.length + l2 * cur;
          const a = (acc[k * (dim + 1) + j] += g * g);
          const next = cur - (lr * g) / Math.sqrt(a);
          if (j < dim) weights[k * dim + j] = next;
          else bias[k] = next;
        }
      }
    }
  }
  return { vocab, weights, bias };
}

function predict(ks: number[], weights: Float32Array, bias: Float32Array, dim: number, out: Float32Array): void {
  out.fill(0);
  for (const k of ks) {
    for (let j = 0; j < dim; j++) out[j] += weights[k * dim + j];
    out[dim] += bias[k];
  }
  for (let j = 0; j <= dim; j++) out[j] /= ks.length;
}

/**
 * The vector and bias of an item from its attributes alone; null when none of its tokens is known.
 *
 * @example
 * projectAttributes(model.attributeProjection!, { category: 'shoes', brand: 'acme' });
 */
export function projectAttributes(
  proj: AttributeProjection,
  attrs: ItemAttributes | undefined,
): { vector: Float32Array; bias: number } | null {
  const dim = proj.vocab.length ? proj.weights.length / proj.vocab.length : 0;
  const index = new Map(proj.vocab.map((t, k) => [t, k]));
  const ks = attributeTokens(attrs)
    .map((t) => index.get(t))
    .filter((k): k is number => k !== undefined);
  if (ks.length === 0 || dim === 0) return null;
  const out = new Float32Array(dim + 1);
  predict(ks, proj.weights, proj.bias, dim, out);
  return { vector: out.slice(0, dim), bias: out[dim] };
}
