/**
 * The sequence encoder per TF.js backend: turns a shopper's history (catalogue indices, oldest first) into the
 * vector `h` that the catalogue scan ranks items by. Three implementations, held to the reference
 * `encodeSequence` by the contract suite:
 *   tfjs  — TF.js ops on the active backend (`sequence_encoder_tf.ts`), weights uploaded once per encoder;
 *   wgsl  — webgpu only: two hand-written WGSL programs per block (`sequence_encoder_wgsl.ts`);
 *   plain — float32 TypeScript (`sequence_encoder_plain.ts`), no TF.js at all.
 * `defaultSequenceEncoderKind` says which one a backend gets by default, from `npm run bench:sequence-latency`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidInputError } from '../errors.ts';
import { sequenceWindow, validateSequenceParams } from '../model/sequence/encode.ts';
import type { SequenceParams } from '../model/sequence/types.ts';
import { createPlainSequenceForward } from './sequence_encoder_plain.ts';
import { bucketLength, disposeSequenceTensors, encodeTensors, uploadSequenceTensors } from './sequence_encoder_tf.ts';
import type { BackendName } from './types.ts';
import { createWgslSequenceEncoder } from './sequence_encoder_webgpu.ts';

export type SequenceEncoderKind = 'plain' | 'tfjs' | 'wgsl';

/** Fills the engine's `SequenceEncoder` seam; `kind` and `backend` say what runs (for `stats()`). */
export interface BackendSequenceEncoder {
  readonly kind: SequenceEncoderKind;
  /** The TF.js backend the tensors live on, or 'none' for the plain path. */
  readonly backend: string;
  /** `h` of the newest `maxLen` items (the same window as `encodeSequence`). */
  encode(items: Int32Array): Promise<Float32Array>;
  dispose(): void;
}

export interface SequenceEncoderOptions {
  /** Force an implementation; default `defaultSequenceEncoderKind(tf.getBackend())`. */
  kind?: SequenceEncoderKind;
}

/**
 * The measured winner per backend (`npm run bench:sequence-latency`, bench/results/sequence_latency.md: histories
 * of 50 and 200 clicks, 10,000 items). Here WebGPU and WebGL are SwiftShader (the GPU emulated on the CPU), where
 * each dispatch costs more than the plain forward's arithmetic, and on wasm/cpu the TF.js op overhead does too:
 * plain TypeScript wins on every backend measured. On a real GPU the worker times the WGSL forward against the
 * plain one on the device itself (`src/worker/sequence_encoder_choice.ts`); `kind` forces one anywhere.
 */
export function defaultSequenceEncoderKind(backend: BackendName | string | undefined): SequenceEncoderKind {
  void backend;
  return 'plain';
}

function plainEncoder(p: SequenceParams): BackendSequenceEncoder {
  let forward: ((items: ArrayLike<number>) => Float32Array) | null = createPlainSequenceForward(p);
  return {
    kind: 'plain',
    backend: 'none',
    async encode(items) {
      if (!forward) throw new InvalidInputError('this sequence encoder was disposed');
      return forward(items);
    },
    dispose() {
      forward = null;
    },
  };
}

/** Left-padded input rows of the bucket and its key mask (MASKED on padding). */
function paddedInput(p: SequenceParams, win: Int32Array): { x0: Float32Array; keyMask: Float32Array } {
  const { dim, maxLen } = p.config;
  const T = win.length;
  const L = bucketLength(T, maxLen);
  const pad = L - T;
  const x0 = new Float32Array(L * dim);
  const scale = Math.sqrt(dim);
  for (let t = 0; t < T; t++) {
    const e = win[t] * dim;
    const pos = (maxLen - T + t) * dim;
    const o = (pad + t) * dim;
    for (let k = 0; k < dim; k++) x0[o + k] = p.itemEmb[e + k] * scale + p.posEmb[pos + k];
  }
  const keyMask = new Float32Array(L);
  keyMask.fill(-3e4, 0, pad);
  return { x0, keyMask };
}

function tfjsEncoder(p: SequenceParams): BackendSequenceEncoder {
  const backend = tf.getBackend();
  let tensors: ReturnType<typeof uploadSequenceTensors> | null = uploadSequenceTensors(p);
  return {
    kind: 'tfjs',
    backend,
    async encode(items) {
      if (!tensors) throw new InvalidInputError('this sequence encoder was disposed');
      if (tf.getBackend() !== backend) throw new InvalidInputError(`sequence encoder built on ${backend}, but ${tf.getBackend()} is active`);
      const { x0, keyMask } = paddedInput(p, sequenceWindow(items, p.config));
      const h = encodeTensors(tensors, p, x0, keyMask);
      try {
        return (await h.data()) as Float32Array; // never dataSync: it breaks the webgpu device (ENGINE_NOTES)
      } finally {
        h.dispose();
      }
    },
    dispose() {
      if (tensors) disposeSequenceTensors(tensors);
      tensors = null;
    },
  };
}

/**
 * An encoder for `params` on the active backend (call after `chooseBackend`). Throws InvalidInputError when the
 * parameters disagree with their config.
 *
 * @example
 * await chooseBackend(['webgpu', 'wasm']);
 * const enc = createSequenceEncoder(model.sequence, { kind: 'tfjs' });
 * const h = await enc.encode(Int32Array.of(12, 7, 301)); // then scanner.topK(h, 10, seen)
 * enc.dispose();
 */
export function createSequenceEncoder(params: SequenceParams, opts: SequenceEncoderOptions = {}): BackendSequenceEncoder {
  validateSequenceParams(params);
  const kind = opts.kind ?? defaultSequenceEncoderKind(tf.getBackend());
  if (kind === 'wgsl') return createWgslSequenceEncoder(params);
  return kind === 'tfjs' ? tfjsEncoder(params) : plainEncoder(params);
}
