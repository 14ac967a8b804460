/**
 * Many histories encoded at once on the active TF.js backend (validation and benchmarks): the batched training
 * forward without dropout, read at each history's newest position. Same numbers as `encodeSequence`, faster.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sequenceWindow } from '../../model/sequence/encode.ts';
import type { SequenceParams } from '../../model/sequence/types.ts';
import { createSequenceVariables, forwardSequences } from './tf_forward.ts';

/**
 * `h` of every history, `[histories.length, dim]` row-major. Histories are item indices oldest first (the newest
 * `maxLen` are read); an empty one or an unknown item throws InvalidInputError, as `encodeSequence` does.
 */
export function encodeHistoriesTf(params: SequenceParams, histories: readonly ArrayLike<number>[], batchSize = 256): Float32Array {
  const { dim } = params.config;
  const windows = histories.map((h) => sequenceWindow(h, params.config));
  const order = Array.from(windows.keys()).sort((a, b) => windows[a].length - windows[b].length);
  const out = new Float32Array(windows.length * dim);
  const vars = createSequenceVariables(params);
  try {
    for (let s = 0; s < order.length; s += batchSize) {
      const idx = order.slice(s, s + batchSize);
      const width = windows[idx[idx.length - 1]].length;
      const items = new Int32Array(idx.length * width);
      const valid = new Float32Array(idx.length * width);
      idx.forEach((u, r) => {
        const w = windows[u];
        items.set(w, r * width + width - w.length);
        valid.fill(1, r * width + width - w.length, (r + 1) * width);
      });
      const last = tf.tidy(() => {
        const hidden = forwardSequences(
          vars,
          params.config,
          tf.tensor2d(items, [idx.length, width], 'int32'),
          tf.tensor2d(valid, [idx.length, width]),
          { dropout: 0 },
        );
        return tf.slice(hidden, [0, width - 1, 0], [idx.length, 1, dim]);
      });
      const data = last.dataSync();
      last.dispose();
      idx.forEach((u, r) => out.set(data.subarray(r * dim, (r + 1) * dim), u * dim));
    }
  } finally {
    Object.values(vars).forEach((v) => v.dispose());
  }
  return out;
}
