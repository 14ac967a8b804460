import { describe, expect, it } from 'vitest';
import { decodeArtefact, encodeArtefact, fetchArtefact, validateManifest } from '../../src/artefact/index.ts';
import { fromFloat16Bits, toFloat16Bits } from '../../src/artefact/float16.ts';
import { ModelLoadError } from '../../src/errors.ts';
import type { GlobalModel } from '../../src/model/global_model.ts';
import { createRng } from '../../src/model/rng.ts';

function fixtureModel(numItems = 50, dim = 8, withProjection = true): GlobalModel {
  const rng = createRng(11);
  const f = (n: number, s = 1): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * s);
  const model: GlobalModel = {
    formatVersion: 1,
    modelVersion: 'v1',
    dim,
    itemIds: Array.from({ length: numItems }, (_, i) => `sku-${i}`),
    itemEmb: f(numItems * dim),
    itemBias: f(numItems, 0.5),
    w: f(dim),
    bias: -1.25,
    priorUser: f(dim, 0.1),
    popularity: Float32Array.from({ length: numItems }, (_, i) => (i * 37) % 101),
    hyperParameters: { dim, lr: 0.05 },
    trainingReport: { epochs: [{ epoch: 1, loss: 0.5 }] },
    itemAttributes: Array.from({ length: numItems }, (_, i) => ({ category: `c${i % 3}` })),
  };
  if (withProjection) model.attributeProjection = { vocab: ['category=c0', 'category=c1', 'category=c2'], weights: f(3 * dim), bias: f(3) };
  return model;
}

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, x, k) => Math.max(m, Math.abs(x - b[k])), 0);
const range = (a: Float32Array): number => Math.max(...a) - Math.min(...a);

describe('artefact encode/decode', () => {
  it('round-trips float32 bit-exactly, with metadata', () => {
    const m = fixtureModel();
    const enc = encodeArtefact(m);
    const json = JSON.parse(JSON.stringify(enc.modelJson));
    const back = decodeArtefact(json, enc.shards.map((s) => s.data));
    for (const k of ['itemEmb', 'itemBias', 'w', 'priorUser', 'popularity'] as const) expect(back[k]).toEqual(m[k]);
    expect(back.bias).toBe(m.bias);
    expect(back.attributeProjection).toEqual(m.attributeProjection);
    expect(back.itemIds).toEqual(m.itemIds);
    expect(back.itemAttributes).toEqual(m.itemAttributes);
    expect(back.hyperParameters).toEqual(m.hyperParameters);
    expect(back.trainingReport).toEqual(m.trainingReport);
    expect(back.modelVersion).toBe('v1');
  });

  it('bounds the error of float16 and uint8, keeps w/bias/prior and counts exact', () => {
    const m = fixtureModel();
    for (const dtype of ['float16', 'uint8'] as const) {
      const enc = encodeArtefact(m, { dtype });
      const back = decodeArtefact(enc.modelJson, enc.weights);
      const tol = dtype === 'float16' ? 4 * 2 ** -11 : range(m.itemEmb) / 255 / 2 + 1e-6;
      expect(maxAbsDiff(back.itemEmb, m.itemEmb)).toBeLessThanOrEqual(tol);
      expect(maxAbsDiff(back.itemEmb, m.itemEmb)).toBeGreaterThan(0);
      expect(back.w).toEqual(m.w);
      expect(back.priorUser).toEqual(m.priorUser);
      expect(back.popularity).toEqual(m.popularity);
      expect(back.bias).toBe(m.bias);
    }
  });

  it('shrinks uint8 to under a quarter of float32 weights', () => {
    const m = fixtureModel(2000, 64, false);
    const f32 = encodeArtefact(m).weights.byteLength;
    const u8 = encodeArtefact(m, { dtype: 'uint8' }).weights.byteLength;
    expect(f32 / u8).toBeGreaterThan(3.5);
  });

  it('writes TF.js-style shards whose bytes concatenate to the weights', () => {
    const enc = encodeArtefact(fixtureModel(), { shardBytes: 500 });
    expect(enc.shards.length).toBe(Math.ceil(enc.weights.byteLength / 500));
    expect(enc.modelJson.weightsManifest[0].paths[0]).toBe(`group1-shard1of${enc.shards.length}.bin`);
    const back = decodeArtefact(enc.modelJson, enc.shards.map((s) => s.data));
    expect(back.itemEmb).toEqual(fixtureModel().itemEmb);
  });

  it('stores attributes by column, keeping absent fields absent', () => {
    const m = fixtureModel(3, 2, false);
    m.itemAttributes = [{ category: 'a', brand: 'x' }, {}, { category: 'b', priceBand: '10-25' }];
    const enc = encodeArtefact(m);
    expect(enc.modelJson.tastebud.items.attributeColumns).toEqual({ brand: ['x', null, null], category: ['a', null, 'b'], priceBand: [null, null, '10-25'] });
    expect(decodeArtefact(enc.modelJson, enc.weights).itemAttributes).toEqual(m.itemAttributes);
    const bad = JSON.parse(JSON.stringify(enc.modelJson));
    bad.tastebud.items.attributeColumns.brand.pop();
    expect(() => decodeArtefact(bad, enc.weights)).toThrow(/one value per item/);
  });

  it('dictionary-codes low-cardinality attribute fields and refuses codes out of range by name', () => {
    const m = fixtureModel(8, 2, false);
    m.itemAttributes = Array.from({ length: 8 }, (_, i) => (i === 3 ? { sku: 's3' } : { brand: i % 2 ? 'acme' : 'zenith', sku: `s${i}` }));
    const enc = encodeArtefact(m);
    expect(enc.modelJson.tastebud.items.attributeCodes).toEqual({ brand: { values: ['zenith', 'acme'], codes: [0, 1, 0, -1, 0, 1, 0, 1] } });
    expect(enc.modelJson.tastebud.items.attributeColumns).toEqual({ sku: ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7'] });
    expect(decodeArtefact(enc.modelJson, enc.weights).itemAttributes).toEqual(m.itemAttributes);
    const bad = JSON.parse(JSON.stringify(enc.modelJson));
    bad.tastebud.items.attributeCodes.brand.codes[2] = 2;
    expect(() => decodeArtefact(bad, enc.weights)).toThrow(ModelLoadError);
    expect(() => decodeArtefact(bad, enc.weights)).toThrow(/code outside -1\.\.1/);
  });

  it('converts float16 like IEEE 754', () => {
    expect(toFloat16Bits(1.5)).toBe(0x3e00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(fromFloat16Bits(toFloat16Bits(2 ** -20))).toBe(2 ** -20);
    expect(fromFloat16Bits(toFloat16Bits(0.1))).toBeCloseTo(0.1, 3);
  });
});

describe('artefact validation', () => {
  const good = (): { json: ReturnType<typeof encodeArtefact>['modelJson']; w: ArrayBuffer } => {
    const enc = encodeArtefact(fixtureModel());
    return { json: JSON.parse(JSON.stringify(enc.modelJson)), w: enc.weights };
  };
  const rejects = (mutate: (j: ReturnType<typeof good>['json']) => void, w?: ArrayBuffer, msg?: RegExp): void => {
    const g = good();
    mutate(g.json);
    const run = (): unknown => decodeArtefact(g.json, w ?? g.w);
    expect(run).toThrow(ModelLoadError);
    if (msg) expect(run).toThrow(msg);
  };

  it('rejects truncated or padded weights', () => {
    const g = good();
    rejects(() => {}, g.w.slice(0, g.w.byteLength - 4), /truncated/);
    const padded = new Uint8Array(g.w.byteLength + 4);
    rejects(() => {}, padded.buffer, /bytes/);
  });
  it('rejects shapes that disagree with dims', () => rejects((j) => (j.weightsManifest[0].weights[0].shape = [50, 9]), undefined, /item_emb/));
  it('rejects absurd sizes before allocating', () => rejects((j) => { j.tastebud.numItems = 1e9; }, undefined, /numItems/));
  it('rejects huge tensor shapes', () => rejects((j) => (j.weightsManifest[0].weights[0].shape = [2 ** 20, 2 ** 20]), undefined, /size limit/));
  it('rejects a newer format version', () => rejects((j) => (j.tastebud.formatVersion = 99), undefined, /newer/));
  it('rejects a non-tastebud model.json', () => rejects((j) => ((j as { format: string }).format = 'layers-model'), undefined, /format/));
  it('rejects missing weights and unknown dtypes', () => {
    rejects((j) => j.weightsManifest[0].weights.splice(2, 1));
    rejects((j) => ((j.weightsManifest[0].weights[0] as { dtype: string }).dtype = 'int32'), undefined, /dtype/);
  });
  it('rejects duplicate ids and unsafe shard paths', () => {
    rejects((j) => (j.tastebud.items.ids![1] = j.tastebud.items.ids![0]), undefined, /twice/);
    rejects((j) => (j.weightsManifest[0].paths = ['../../etc/passwd']), undefined, /plain file name/);
  });
  it('rejects non-finite weights', () => {
    const g = good();
    new Float32Array(g.w, 0, 1)[0] = NaN;
    expect(() => decodeArtefact(g.json, g.w)).toThrow(/non-finite/);
  });
  it('rejects garbage', () => {
    expect(() => validateManifest(null)).toThrow(ModelLoadError);
    expect(() => validateManifest({ format: 'tastebud-global-model' })).toThrow(/metadata/);
  });
});

describe('fetchArtefact', () => {
  const serve = (files: Record<string, string | ArrayBuffer>): typeof fetch =>
    (async (input: string | URL | Request) => {
      const url = String(input);
      const body = files[url];
      return body === undefined ? new Response('nope', { status: 404 }) : new Response(body);
    }) as typeof fetch;

  it('loads model.json and its shards relative to the URL', async () => {
    const enc = encodeArtefact(fixtureModel(), { dtype: 'float16', shardBytes: 700 });
    const files: Record<string, string | ArrayBuffer> = { 'https://cdn.example/m/v1/model.json': JSON.stringify(enc.modelJson) };
    for (const s of enc.shards) files[`https://cdn.example/m/v1/${s.path}`] = s.data;
    const model = await fetchArtefact('https://cdn.example/m/v1/model.json', { fetch: serve(files) });
    expect(model.itemIds.length).toBe(50);
  });

  it('turns HTTP errors and bad JSON into ModelLoadError', async () => {
    await expect(fetchArtefact('https://x.example/model.json', { fetch: serve({}) })).rejects.toThrow(/HTTP 404/);
    await expect(fetchArtefact('https://x.example/model.json', { fetch: serve({ 'https://x.example/model.json': '{oops' }) })).rejects.toThrow(ModelLoadError);
  });
});
