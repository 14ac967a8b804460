/** A small random sequence model as a GlobalModel (what `tastebud pretrain --model sasrec` writes), for tests. */
import type { GlobalModel } from '../../src/model/global_model.ts';
import { createRng } from '../../src/model/rng.ts';
import { createSequenceParams } from '../../src/model/sequence/encode.ts';
import type { SequenceConfig } from '../../src/model/sequence/types.ts';
import { sequenceGlobalModel } from '../../src/train/sequence_global.ts';

export function sequenceFixture(over: Partial<SequenceConfig> = {}, seed = 3): GlobalModel {
  const config: SequenceConfig = { numItems: 40, dim: 8, maxLen: 6, blocks: 2, heads: 2, ffnDim: 16, ...over };
  const params = createSequenceParams(config, seed);
  // non-trivial LayerNorm and bias vectors, so a round trip that dropped them would show
  params.blocks.forEach((b, k) => b.bq.forEach((_, j) => (b.bq[j] = 0.1 * Math.sin(j + k))));
  params.lnfBeta.forEach((_, j) => (params.lnfBeta[j] = 0.05 * j));
  const itemIds = Array.from({ length: config.numItems }, (_, i) => `sku-${i}`);
  const sequences = Array.from({ length: 20 }, (_, u) => Int32Array.from({ length: 3 + (u % 5) }, (_, t) => (u * 7 + t * 3) % config.numItems));
  return sequenceGlobalModel({ params, itemIds, sequences, modelVersion: `seq-${seed}`, hyperParameters: { model: 'sasrec' } });
}

/**
 * Sequences that walk a catalogue of `numItems` in steps of +1 (mod numItems), from seeded random starts: the next
 * item is fully determined by the last, so a trainer that works learns it.
 */
export function walkSequences(count: number, numItems: number, length: number, seed = 5): Int32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const start = rng.int(numItems);
    return Int32Array.from({ length }, (_, t) => (start + t) % numItems);
  });
}
