/**
 * The sequence encoder's part of the contract suite: every encoder implementation on the active backend gives
 * the reference `encodeSequence`'s `h` (and so its top-10) within tolerance, for histories shorter than, equal
 * to and longer than the window; memory stays flat; bad input is a named error. No test framework here.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidInputError } from '../../src/errors.ts';
import { createCatalogueScanner, topKOfScores } from '../../src/kernels/scanner.ts';
import { createSequenceEncoder } from '../../src/kernels/sequence_encoder.ts';
import type { SequenceEncoderKind } from '../../src/kernels/sequence_encoder.ts';
import { createRng } from '../../src/model/rng.ts';
import { createSequenceParams, encodeSequence, scoreSequence } from '../../src/model/sequence/encode.ts';
import type { SequenceConfig, SequenceParams } from '../../src/model/sequence/types.ts';

type Check = { ok: boolean; detail: Record<string, unknown> };

/** `h` is LayerNorm output (entries O(1)): 1e-3 absolute covers float32 op-order differences on every backend. */
export const SEQUENCE_TOLERANCE = 1e-3;
/** Scores are `h · itemEmb[j]` over dim ≤ 32 entries O(1): a rank may only swap items this close. */
const TOP_TOLERANCE = 1e-2;

const CONFIGS: Record<string, SequenceConfig> = {
  '2x2': { numItems: 300, dim: 32, maxLen: 40, blocks: 2, heads: 2, ffnDim: 64 },
  '1x1': { numItems: 120, dim: 16, maxLen: 24, blocks: 1, heads: 1, ffnDim: 16 },
};
/** Lengths around the padding buckets (16, 32) and past the window. */
const LENGTHS = [1, 7, 16, 17, 33, 40, 55];

/** Seeded parameters with every LayerNorm, bias and item bias perturbed, so each one is read. */
export function sequenceProblem(c: SequenceConfig, seed: number): SequenceParams {
  const p = createSequenceParams(c, seed);
  const rng = createRng(seed + 100);
  const jitter = (a: Float32Array): void => a.forEach((v, i) => (a[i] = v + rng.normal() * 0.3));
  for (const b of p.blocks) Object.values(b).forEach(jitter);
  p.itemBias = new Float32Array(c.numItems);
  [p.posEmb, p.lnfGamma, p.lnfBeta, p.itemBias].forEach(jitter);
  return p;
}

function history(n: number, numItems: number, seed: number): Int32Array {
  const rng = createRng(seed);
  return Int32Array.from({ length: n }, () => rng.int(numItems));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = a.length === b.length ? 0 : Infinity;
  for (let k = 0; k < a.length && k < b.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return Number.isNaN(m) ? Infinity : m;
}

/** `h` within SEQUENCE_TOLERANCE of the reference for each config and length, and the same top-10 by the scan. */
export async function checkSequenceForward(kind: SequenceEncoderKind): Promise<Check> {
  const diffs: Record<string, number> = {};
  const topMismatch: string[] = [];
  let backend = '';
  for (const [name, c] of Object.entries(CONFIGS)) {
    const p = sequenceProblem(c, 21);
    const enc = createSequenceEncoder(p, { kind });
    const scanner = createCatalogueScanner(p.itemEmb, p.itemBias!, c.dim);
    backend = enc.backend;
    for (const n of LENGTHS) {
      const items = history(n, c.numItems, 1000 + n);
      const ref = encodeSequence(p, items);
      const h = await enc.encode(items);
      diffs[`${name}/T${n}`] = maxAbsDiff(ref, h);
      const refScores = scoreSequence(p, ref);
      const want = topKOfScores(refScores, 10);
      const got = await scanner.topK(h, 10);
      // the same ranking, up to swaps of items whose reference scores tie within the tolerance
      if (!Array.from(got.indices).every((i, q) => Math.abs(refScores[i] - want.scores[q]) <= TOP_TOLERANCE)) topMismatch.push(`${name}/T${n}`);
    }
    enc.dispose();
    scanner.dispose();
  }
  const worst = Math.max(...Object.values(diffs));
  return { ok: worst <= SEQUENCE_TOLERANCE && topMismatch.length === 0, detail: { kind, backend, worst, topMismatch, diffs } };
}

/** `tf.memory().numTensors` flat over many encodes of changing length, and back to the start after dispose. */
export async function checkSequenceLeaks(kind: SequenceEncoderKind, calls = 24): Promise<Check> {
  const start = tf.memory().numTensors;
  const c = CONFIGS['2x2'];
  const enc = createSequenceEncoder(sequenceProblem(c, 5), { kind });
  for (const n of [1, 20, 40]) await enc.encode(history(n, c.numItems, n)); // every bucket's mask made once
  const warm = tf.memory().numTensors;
  let finite = true;
  for (let s = 0; s < calls; s++) finite &&= (await enc.encode(history(1 + (s % 45), c.numItems, s))).every(Number.isFinite);
  const after = tf.memory().numTensors;
  enc.dispose();
  const end = tf.memory().numTensors;
  return { ok: after === warm && end === start && finite, detail: { kind, calls, start, warm, after, end, finite } };
}

async function errorName(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'no error';
  } catch (e) {
    return e instanceof InvalidInputError ? 'InvalidInputError' : `${(e as Error)?.name}: ${(e as Error)?.message}`;
  }
}

/** Empty history, unknown index, a corrupt tensor and use after dispose: each an InvalidInputError. */
export async function checkSequenceBadInput(kind: SequenceEncoderKind): Promise<Check> {
  const c = CONFIGS['1x1'];
  const p = sequenceProblem(c, 9);
  const enc = createSequenceEncoder(p, { kind });
  const errors = {
    empty: await errorName(() => enc.encode(new Int32Array(0))),
    unknownItem: await errorName(() => enc.encode(Int32Array.of(3, c.numItems))),
    negativeItem: await errorName(() => enc.encode(Int32Array.of(-1))),
    badShape: await errorName(() => createSequenceEncoder({ ...p, posEmb: p.posEmb.subarray(1) }, { kind })),
  };
  const stillWorks = (await enc.encode(Int32Array.of(1, 2))).every(Number.isFinite);
  enc.dispose();
  const afterDispose = await errorName(() => enc.encode(Int32Array.of(1)));
  const all = { ...errors, afterDispose };
  return { ok: stillWorks && Object.values(all).every((e) => e === 'InvalidInputError'), detail: { kind, stillWorks, ...all } };
}

/** The checks by name, for `runContractSuite`. */
export function sequenceChecks(kinds: SequenceEncoderKind[] = tf.getBackend() === 'webgpu' ? ['wgsl', 'tfjs', 'plain'] : ['tfjs', 'plain']): [string, () => Promise<Check>][] {
  return [
    ...kinds.map((k): [string, () => Promise<Check>] => [`sequence-forward:${k}`, () => checkSequenceForward(k)]),
    ...kinds.filter((k) => k !== 'plain').flatMap((k): [string, () => Promise<Check>][] => [
      [`sequence-no-leaks:${k}`, () => checkSequenceLeaks(k)],
      [`sequence-bad-input:${k}`, () => checkSequenceBadInput(k)],
    ]),
  ];
}
