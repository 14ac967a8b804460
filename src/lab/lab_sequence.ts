/**
 * The lab's sequence-model panel: on the backend the lab's worker chose, times `track` → updated top-10 (the
 * history moves on by one click, is encoded, the catalogue scanned) with each encoder implementation, and
 * checks each against the reference forward. The weights are random (same shapes as a trained model, the
 * timing does not depend on their values), so the lab needs no artefact.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createCatalogueScanner } from '../kernels/scanner.ts';
import { createSequenceEncoder, defaultSequenceEncoderKind } from '../kernels/sequence_encoder.ts';
import type { SequenceEncoderKind } from '../kernels/sequence_encoder.ts';
import { createRng } from '../model/rng.ts';
import { createSequenceParams, encodeSequence } from '../model/sequence/encode.ts';
import type { SequenceConfig } from '../model/sequence/types.ts';

export const LAB_SEQUENCE_CONFIG: SequenceConfig = { numItems: 10_000, dim: 64, maxLen: 200, blocks: 2, heads: 2, ffnDim: 256 };
const HISTORY = 50;
const CALLS = 8;

export interface SequenceTiming {
  config: SequenceConfig;
  history: number;
  /** The implementation the worker's engine uses on this backend. */
  chosen: SequenceEncoderKind;
  rows: { kind: SequenceEncoderKind; firstMs: number; medianMs: number; maxDiff: number }[];
}

async function timeKind(kind: SequenceEncoderKind, p: ReturnType<typeof createSequenceParams>): Promise<SequenceTiming['rows'][number]> {
  const rng = createRng(5);
  const hist = Array.from({ length: HISTORY }, () => rng.int(p.config.numItems));
  const enc = createSequenceEncoder(p, { kind });
  const scanner = createCatalogueScanner(p.itemEmb, p.itemBias!, p.config.dim);
  const times: number[] = [];
  let maxDiff = 0;
  try {
    for (let c = 0; c <= CALLS; c++) {
      hist.push(rng.int(p.config.numItems));
      hist.shift();
      const items = Int32Array.from(hist);
      const t0 = performance.now();
      const h = await enc.encode(items);
      await scanner.topK(h, 10);
      times.push(performance.now() - t0);
      if (c === 0) encodeSequence(p, items).forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - h[k]))));
    }
  } finally {
    enc.dispose();
    scanner.dispose();
  }
  const steady = times.slice(1).sort((a, b) => a - b);
  return { kind, firstMs: times[0], medianMs: steady[steady.length >> 1], maxDiff };
}

/**
 * @example
 * const t = await timeSequenceModel(); // after chooseBackend
 * t.rows; // [{ kind: 'tfjs', medianMs: 24.5, ... }, { kind: 'plain', ... }] (plus 'wgsl' first on webgpu)
 */
export async function timeSequenceModel(): Promise<SequenceTiming> {
  const p = createSequenceParams(LAB_SEQUENCE_CONFIG, 2);
  p.itemBias = new Float32Array(LAB_SEQUENCE_CONFIG.numItems);
  const kinds: SequenceEncoderKind[] = tf.getBackend() === 'webgpu' ? ['wgsl', 'tfjs', 'plain'] : ['tfjs', 'plain'];
  const rows = [];
  for (const kind of kinds) rows.push(await timeKind(kind, p));
  return { config: LAB_SEQUENCE_CONFIG, history: HISTORY, chosen: defaultSequenceEncoderKind(tf.getBackend()), rows };
}
