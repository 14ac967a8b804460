import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../../src/kernels/index.ts';
import { createSequenceEncoder } from '../../src/kernels/sequence_encoder.ts';
import { bucketLength } from '../../src/kernels/sequence_encoder_tf.ts';
import { encodeSequence } from '../../src/model/sequence/encode.ts';
import { RecommenderHost } from '../../src/worker/host.ts';
import { sequenceEncoderChooser } from '../../src/worker/sequence_encoder_choice.ts';
import { sequenceFixture } from '../sequence/fixture.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('sequence encoder choice in the worker', () => {
  it('uses the measured default (plain) on wasm and says why', async () => {
    await chooseBackend(['wasm', 'cpu']);
    const params = sequenceFixture().sequence!;
    const chooser = sequenceEncoderChooser({ backend: 'wasm', skipped: [], details: {} });
    expect(chooser.report).toBeNull();
    const enc = await chooser.create(params);
    expect(enc.kind).toBe('plain');
    expect(chooser.report).toMatchObject({ kind: 'plain', backend: 'none', reason: expect.stringContaining('bench:sequence-latency') });
    expect(Array.from(await enc.encode(Int32Array.of(1, 2, 3)))).toEqual(Array.from(encodeSequence(params, [1, 2, 3])).map((v) => expect.closeTo(v, 5)));
  });

  it('times the WGSL forward on a real GPU, and falls back to plain (saying why) when it cannot run', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const chooser = sequenceEncoderChooser({ backend: 'webgpu', skipped: [], details: { adapter: 'nvidia/ampere' } });
    const enc = await chooser.create(sequenceFixture().sequence!); // Node has no webgpu backend: wgsl throws
    expect(enc.kind).toBe('plain');
    expect(chooser.report?.reason).toMatch(/wgsl sequence encoder failed on nvidia\/ampere/);
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });

  it('reports the encoder in the host stats() under a sequence model, and ranks with it', async () => {
    const host = new RecommenderHost();
    await host.init({ namespace: 'seq-choice', modelData: sequenceFixture(), backend: ['cpu'], consent: true, maxEvents: 100, multiTab: false });
    await host.track([{ type: 'view', itemId: 'sku-3' }, { type: 'view', itemId: 'sku-4' }]);
    expect(await host.recommend({ k: 5 })).toHaveLength(5);
    const s = await host.stats();
    expect(s.sequenceEncoder).toMatchObject({ kind: 'plain', backend: 'none' });
    await host.close();
  });
});

describe('TF.js sequence encoder', () => {
  it('pads to few shapes: 16, 32, 64 … capped at the window', () => {
    expect([1, 16, 17, 50, 64, 65, 199, 200].map((t) => bucketLength(t, 200))).toEqual([16, 16, 32, 64, 64, 128, 200, 200]);
    expect(bucketLength(5, 6)).toBe(6);
  });

  it('keeps tf.memory() flat across encodes and frees everything on dispose (cpu)', async () => {
    await chooseBackend(['cpu']);
    const start = tf.memory().numTensors;
    const enc = createSequenceEncoder(sequenceFixture().sequence!, { kind: 'tfjs' });
    await enc.encode(Int32Array.of(1, 2));
    const warm = tf.memory().numTensors;
    for (let k = 0; k < 20; k++) await enc.encode(Int32Array.of(1, 2, k % 40));
    expect(tf.memory().numTensors).toBe(warm);
    enc.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
