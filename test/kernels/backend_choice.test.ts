import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, InvalidInputError } from '../../src/errors.ts';
import { chooseBackend, createCatalogueScanner, createSparseTrainer } from '../../src/kernels/index.ts';
import { createParams } from '../../src/model/cf_model.ts';
import { DEFAULT_STEP } from '../../src/model/sparse_step.ts';

describe('chooseBackend in Node', () => {
  it('skips the GPU backends with a reason and lands on the first that works', async () => {
    const choice = await chooseBackend(['webgpu', 'webgl', 'cpu']);
    expect(choice.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(choice.skipped.map((s) => s.backend)).toEqual(['webgpu', 'webgl']);
    expect(choice.skipped[0].reason).toMatch(/navigator\.gpu/);
    expect(choice.skipped[1].reason).toMatch(/OffscreenCanvas/);
  });

  it('reports wasm details and honours a forced order', async () => {
    const choice = await chooseBackend(['wasm', 'cpu']);
    expect(choice).toMatchObject({ backend: 'wasm', skipped: [] });
    expect(typeof choice.details.simd).toBe('boolean');
  });

  it('refuses unknown names and impossible lists with BackendError', async () => {
    await expect(chooseBackend(['tpu' as never])).rejects.toBeInstanceOf(BackendError);
    await expect(chooseBackend(['webgpu'])).rejects.toThrow(/webgpu: no navigator\.gpu/);
  });
});

describe('wasm UnsortedSegmentSum (missing in TF.js wasm, registered by chooseBackend)', () => {
  it('sums rows per segment like the cpu backend', async () => {
    await chooseBackend(['wasm']);
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const ids = tf.tensor1d([2, 0, 2, 5], 'int32');
    const got = Array.from(await tf.unsortedSegmentSum(x, ids, 3).data());
    expect(got).toEqual([3, 4, 0, 0, 6, 8]); // id 5 is out of range: dropped, as on cpu
    await chooseBackend(['cpu']);
    const cpu = Array.from(await tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]), tf.tensor1d([2, 0, 2, 5], 'int32'), 3).data());
    expect(got).toEqual(cpu);
  });
});

describe('bad input gets named errors', () => {
  it('scanner: wrong query length, bad k, wrong mask length, bad table', async () => {
    await chooseBackend(['cpu']);
    const p = createParams({ numUsers: 1, numItems: 5, dim: 4 });
    const s = createCatalogueScanner(p.itemEmb, p.itemBias, 4);
    await expect(s.topK(new Float32Array(3), 2)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(s.topK(new Float32Array(4), -1)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(s.topK(new Float32Array(4), 2, new Uint8Array(4))).rejects.toBeInstanceOf(InvalidInputError);
    expect(() => createCatalogueScanner(p.itemEmb, p.itemBias, 3)).toThrow(InvalidInputError);
    expect((await s.topK(new Float32Array(4), 9)).indices.length).toBe(5);
    s.dispose();
  });

  it('trainer: mismatched arrays and BPR without negatives', async () => {
    await chooseBackend(['cpu']);
    const p = createParams({ numUsers: 2, numItems: 3, dim: 4 });
    await expect(createSparseTrainer({ ...p, dim: 5 }, DEFAULT_STEP)).rejects.toBeInstanceOf(InvalidInputError);
    const t = await createSparseTrainer(p, { ...DEFAULT_STEP, loss: 'bpr' });
    await expect(t.step({ users: Int32Array.of(0), items: Int32Array.of(1), labels: Float32Array.of(1) })).rejects.toBeInstanceOf(InvalidInputError);
    t.dispose();
  });
});
