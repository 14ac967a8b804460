import { describe, expect, it } from 'vitest';
import { decodeArtefact, encodeArtefact } from '../../src/artefact/index.ts';
import { ModelLoadError } from '../../src/errors.ts';
import { encodeSequence } from '../../src/model/sequence/encode.ts';
import { BLOCK_KEYS } from '../../src/model/sequence/types.ts';
import { sequenceFixture } from './fixture.ts';

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, x, k) => Math.max(m, Math.abs(x - b[k])), 0);
const norm = (a: Float32Array): number => Math.sqrt(a.reduce((s, x) => s + x * x, 0));

describe('sequence artefact', () => {
  it('round-trips float32 bit-exactly and shares the item table', () => {
    const m = sequenceFixture();
    const enc = encodeArtefact(m);
    const names = enc.modelJson.weightsManifest[0].weights.map((w) => w.name);
    expect(names).toContain('seq/pos_emb');
    expect(names).toContain('seq/block1/w2');
    expect(names).toContain('seq/lnf_beta');
    expect(names.filter((n) => n.startsWith('seq/'))).toHaveLength(3 + 2 * BLOCK_KEYS.length);
    const back = decodeArtefact(JSON.parse(JSON.stringify(enc.modelJson)), enc.shards.map((s) => s.data));
    const seq = back.sequence!;
    expect(seq.itemEmb).toBe(back.itemEmb);
    expect(seq.config).toEqual(m.sequence!.config);
    expect(seq.posEmb).toEqual(m.sequence!.posEmb);
    for (let b = 0; b < 2; b++) for (const k of BLOCK_KEYS) expect(seq.blocks[b][k]).toEqual(m.sequence!.blocks[b][k]);
    expect(seq.lnfBeta).toEqual(m.sequence!.lnfBeta);
    expect(encodeSequence(seq, [1, 2, 3])).toEqual(encodeSequence(m.sequence!, [1, 2, 3]));
  });

  it('float16 and uint8 keep the encoder output close and LayerNorm/bias vectors exact', () => {
    const m = sequenceFixture();
    const ref = encodeSequence(m.sequence!, [4, 9, 1, 30]);
    for (const [dtype, tol] of [['float16', 0.01], ['uint8', 0.15]] as const) {
      const enc = encodeArtefact(m, { dtype });
      const back = decodeArtefact(enc.modelJson, enc.weights).sequence!;
      expect(back.blocks[0].bq).toEqual(m.sequence!.blocks[0].bq);
      expect(back.blocks[1].ln2Gamma).toEqual(m.sequence!.blocks[1].ln2Gamma);
      expect(maxAbsDiff(back.blocks[0].wq, m.sequence!.blocks[0].wq)).toBeGreaterThan(0);
      const h = encodeSequence(back, [4, 9, 1, 30]);
      expect(h.every(Number.isFinite)).toBe(true);
      const rel = norm(h.map((x, j) => x - ref[j])) / norm(ref);
      expect(rel).toBeLessThan(tol);
    }
  });

  it('uint8 writes about a quarter of the float32 bytes', () => {
    const m = sequenceFixture({ numItems: 400, dim: 16, maxLen: 20, ffnDim: 32 });
    const f32 = encodeArtefact(m).weights.byteLength;
    const u8 = encodeArtefact(m, { dtype: 'uint8' }).weights.byteLength;
    expect(u8).toBeLessThan(0.3 * f32);
  });

  const rejects = (mutate: (j: ReturnType<typeof encodeArtefact>['modelJson']) => void, pattern: RegExp): void => {
    const enc = encodeArtefact(sequenceFixture());
    const json = JSON.parse(JSON.stringify(enc.modelJson)) as typeof enc.modelJson;
    mutate(json);
    expect(() => decodeArtefact(json, enc.weights)).toThrow(ModelLoadError);
    expect(() => decodeArtefact(json, enc.weights)).toThrow(pattern);
  };
  const weight = (j: ReturnType<typeof encodeArtefact>['modelJson'], name: string) => j.weightsManifest[0].weights.find((w) => w.name === name)!;

  it('names a block tensor whose shape disagrees with the config', () =>
    rejects((j) => (weight(j, 'seq/block1/w1').shape = [8, 12]), /seq\/block1\/w1.*\[8,12\].*expected \[8,16\]/));
  it('names a config that disagrees with the tensors', () => rejects((j) => (j.tastebud.sequence!.maxLen = 7), /seq\/pos_emb/));
  it('rejects a config whose dims disagree with the artefact', () => {
    rejects((j) => (j.tastebud.sequence!.dim = 16), /sequence.*dim/);
    rejects((j) => (j.tastebud.sequence!.numItems = 39), /sequence.*numItems/);
    rejects((j) => (j.tastebud.sequence!.heads = 3), /heads/);
    rejects((j) => ((j.tastebud.sequence as unknown as Record<string, unknown>).blocks = 'two'), /blocks/);
  });
  it('rejects a missing block tensor and sequence tensors without a config', () => {
    rejects((j) => (j.weightsManifest[0].weights = j.weightsManifest[0].weights.filter((w) => w.name !== 'seq/block0/wv')), /seq\/block0\/wv.*missing/);
    rejects((j) => delete j.tastebud.sequence, /sequence tensor.*"tastebud.sequence" is missing/);
  });
  it('refuses to encode a sequence whose item table is not the model\'s', () => {
    const m = sequenceFixture();
    m.sequence = { ...m.sequence!, itemEmb: m.itemEmb.map((x) => x + 1) };
    expect(() => encodeArtefact(m)).toThrow(/shared/);
  });
});
