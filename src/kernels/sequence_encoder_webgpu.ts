/**
 * The WGSL sequence encoder on tfjs-backend-webgpu: the weights in one buffer uploaded once, the rows in a
 * scratch buffer updated in place by `sequence_encoder_wgsl.ts`'s programs (2 dispatches per block), `h` read
 * back with `await data()` (never `dataSync()`, which destroys the device here: ENGINE_NOTES).
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, InvalidInputError } from '../errors.ts';
import { sequenceWindow } from '../model/sequence/encode.ts';
import type { SequenceParams } from '../model/sequence/types.ts';
import type { BackendSequenceEncoder } from './sequence_encoder.ts';
import { blockLayout, packSequenceWeights, scratchSize, SEQ_UNIFORMS, sequenceProgram, workgroupFloats } from './sequence_encoder_wgsl.ts';
import type { SequenceProgram } from './sequence_encoder_wgsl.ts';

interface WebGpuBackend {
  runWebGPUProgram(p: SequenceProgram, inputs: tf.TensorInfo[], dtype: 'float32', uniforms: { type: string; data: number[] }[], out: tf.TensorInfo): tf.TensorInfo;
  tensorMap: { get(id: unknown): { values: unknown } | undefined };
}

/**
 * @example
 * await chooseBackend(['webgpu']);
 * const enc = createWgslSequenceEncoder(model.sequence);
 * const h = await enc.encode(Int32Array.of(12, 7, 301));
 */
export function createWgslSequenceEncoder(p: SequenceParams): BackendSequenceEncoder {
  if (tf.getBackend() !== 'webgpu') throw new BackendError(`the WGSL sequence encoder needs the webgpu backend, not ${tf.getBackend()}`);
  const c = p.config;
  if (c.blocks === 0) throw new InvalidInputError('the WGSL sequence encoder needs at least one block');
  if (workgroupFloats(c) > 4000) throw new BackendError(`sequence model too wide for one WGSL workgroup (${workgroupFloats(c)} floats of shared memory)`);
  const backend = tf.backend() as unknown as WebGpuBackend;
  const lay = blockLayout(c);
  let W: tf.Tensor1D | null = tf.tensor1d(packSequenceWeights(p));
  let S: tf.Tensor1D | null = tf.zeros([scratchSize(c)]);
  const oH = c.maxLen * c.dim * 4;
  const run = (phase: 'qkv' | 'attn', groups: number, x0: tf.Tensor, u: Record<(typeof SEQ_UNIFORMS)[number][0], number>): void => {
    const uniforms = SEQ_UNIFORMS.map(([n]) => ({ type: 'int32', data: [u[n]] }));
    backend.runWebGPUProgram(sequenceProgram(phase, c, groups), [W!, x0], 'float32', uniforms, S!);
    // In-place writes are invisible to reads while the backend keeps a CPU copy of S (ENGINE_NOTES): drop it.
    const td = backend.tensorMap.get(S!.dataId);
    if (td) td.values = null;
  };
  return {
    kind: 'wgsl',
    backend: 'webgpu',
    async encode(items) {
      if (!W || !S) throw new InvalidInputError('this sequence encoder was disposed');
      const win = sequenceWindow(items, c);
      const T = win.length;
      const x0 = new Float32Array(c.maxLen * c.dim); // fixed shape: one pipeline for every history length
      const scale = Math.sqrt(c.dim);
      for (let t = 0; t < T; t++) {
        const e = win[t] * c.dim;
        const pos = (c.maxLen - T + t) * c.dim;
        for (let k = 0; k < c.dim; k++) x0[t * c.dim + k] = p.itemEmb[e + k] * scale + p.posEmb[pos + k];
      }
      const I = tf.tensor1d(x0);
      try {
        for (let b = 0; b < c.blocks; b++) {
          const last = b === c.blocks - 1 ? 1 : 0;
          const u = { T, first: 0, oBlk: b * lay.size, blk0: b === 0 ? 1 : 0, last, oLnf: c.blocks * lay.size };
          run('qkv', T, I, u);
          run('attn', last ? 1 : T, I, { ...u, first: last ? T - 1 : 0 });
        }
      } finally {
        I.dispose();
      }
      const h = tf.slice(S, oH, c.dim);
      try {
        return new Float32Array((await h.data()) as Float32Array);
      } finally {
        h.dispose();
      }
    },
    dispose() {
      W?.dispose();
      S?.dispose();
      W = S = null;
    },
  };
}
