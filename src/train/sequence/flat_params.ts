/**
 * The sequence model's tensors as one flat Float32Array (what the trainer's threads share) and back. The order and
 * names are the artefact's (`item_emb`, `item_bias`, `pos_emb`, `lnf_gamma`, `lnf_beta`, `block0/wq`, …).
 */
import type { SequenceConfig, SequenceParams } from '../../model/sequence/types.ts';
import { BLOCK_KEYS } from '../../model/sequence/types.ts';

export interface FlatTensor {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

export interface FlatLayout {
  tensors: FlatTensor[];
  /** Total floats. */
  size: number;
}

/** Names and shapes of every trained tensor, in a fixed order. */
export function sequenceTensorShapes(config: SequenceConfig): [string, number[]][] {
  const { numItems, dim, maxLen, ffnDim, blocks } = config;
  const out: [string, number[]][] = [
    ['item_emb', [numItems, dim]],
    ['item_bias', [numItems]],
    ['pos_emb', [maxLen, dim]],
    ['lnf_gamma', [dim]],
    ['lnf_beta', [dim]],
  ];
  for (let i = 0; i < blocks; i++) {
    for (const key of BLOCK_KEYS) {
      const shape = key === 'w1' ? [dim, ffnDim] : key === 'w2' ? [ffnDim, dim] : key[0] === 'w' ? [dim, dim] : key === 'b1' ? [ffnDim] : [dim];
      out.push([`block${i}/${key}`, shape]);
    }
  }
  return out;
}

export function flatLayout(config: SequenceConfig): FlatLayout {
  let offset = 0;
  const tensors = sequenceTensorShapes(config).map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = { name, shape, offset, size };
    offset += size;
    return t;
  });
  return { tensors, size: offset };
}

/** The tensor of `params` named as in the artefact (`item_emb`, `block0/wq`, …); a missing bias reads as zeros. */
export function sequenceTensor(params: SequenceParams, name: string): Float32Array {
  switch (name) {
    case 'item_emb': return params.itemEmb;
    case 'item_bias': return params.itemBias ?? new Float32Array(params.config.numItems);
    case 'pos_emb': return params.posEmb;
    case 'lnf_gamma': return params.lnfGamma;
    case 'lnf_beta': return params.lnfBeta;
  }
  const [block, key] = name.split('/');
  return params.blocks[Number(block.slice(5))][key as (typeof BLOCK_KEYS)[number]];
}

/** Copies `params` into `out` (a fresh array by default) in the layout's order. */
export function flattenParams(params: SequenceParams, layout: FlatLayout, out: Float32Array = new Float32Array(layout.size)): Float32Array {
  for (const t of layout.tensors) out.set(sequenceTensor(params, t.name), t.offset);
  return out;
}

/** New `SequenceParams` holding copies of the flat array's tensors. */
export function unflattenParams(flat: Float32Array, layout: FlatLayout, config: SequenceConfig): SequenceParams {
  const get = (name: string): Float32Array => {
    const t = layout.tensors.find((x) => x.name === name)!;
    return flat.slice(t.offset, t.offset + t.size);
  };
  return {
    config: { ...config },
    itemEmb: get('item_emb'),
    itemBias: get('item_bias'),
    posEmb: get('pos_emb'),
    lnfGamma: get('lnf_gamma'),
    lnfBeta: get('lnf_beta'),
    blocks: Array.from({ length: config.blocks }, (_, i) => {
      const entries = BLOCK_KEYS.map((key) => [key, get(`block${i}/${key}`)] as const);
      return Object.fromEntries(entries) as unknown as SequenceParams['blocks'][number];
    }),
  };
}
