import { describe, expect, it } from 'vitest';
import { decodeArtefact, encodeArtefact, encodeSealedArtefact, loadArtefact, validateManifest } from '../../src/artefact/index.ts';
import { CODE_IDS_FROM, decodeIds, encodeIds, IdCodingError } from '../../src/artefact/id_coding.ts';
import { ModelLoadError } from '../../src/errors.ts';
import type { GlobalModel } from '../../src/model/global_model.ts';
import { createRng } from '../../src/model/rng.ts';

const utf8 = (s: string): number => new TextEncoder().encode(s).length;

function model(ids: string[], dim = 4): GlobalModel {
  const n = ids.length;
  return {
    formatVersion: 2,
    modelVersion: 'v1',
    dim,
    itemIds: ids,
    itemEmb: Float32Array.from({ length: n * dim }, (_, k) => ((k * 7919) % 1000) / 1000 - 0.5),
    itemBias: Float32Array.from({ length: n }, (_, k) => (k % 13) / 13),
    w: new Float32Array(dim).fill(0.5),
    bias: 0,
    priorUser: new Float32Array(dim),
    popularity: Float32Array.from({ length: n }, (_, k) => k % 50),
    hyperParameters: { dim },
  };
}

const skus = (n: number): string[] => Array.from({ length: n }, (_, i) => `sku-${String(i).padStart(7, '0')}`);

describe('front-coded item ids', () => {
  it('round-trips any ids, in their order: unicode, surrogate pairs, shared prefixes, ids that are prefixes of others', () => {
    const rng = createRng(3);
    const alphabet = ['a', 'b', '-', '0', '1', 'é', '😀', '"', '\\', '\n', 'Ω', '𝄞'];
    const ids = new Set<string>(['x', 'xy', 'x', 'xyz', '😀', '😁', '😀a', 'sku-1', 'sku-10', 'sku-1']);
    while (ids.size < 3000) {
      const len = 1 + rng.int(40);
      ids.add(Array.from({ length: len }, () => alphabet[rng.int(alphabet.length)]).join(''));
    }
    const list = [...ids];
    const coded = encodeIds(list);
    expect(decodeIds(coded, list.length)).toEqual(list);
    // the coded string survives JSON and never holds a lone surrogate of its own making
    expect(decodeIds(JSON.parse(JSON.stringify(coded)) as string, list.length)).toEqual(list);
    expect(coded).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(decodeIds(encodeIds([]), 0)).toEqual([]);
  });

  it('stores catalogue-style SKUs in a fifth of the bytes of a JSON array', () => {
    const ids = skus(100_000);
    const plain = utf8(JSON.stringify(ids));
    const coded = utf8(JSON.stringify(encodeIds(ids)));
    expect(coded).toBeLessThan(plain / 4);
    expect(coded / ids.length).toBeLessThan(3.2);
  });

  it('refuses a truncated, padded or garbled string with the position', () => {
    const ids = skus(50);
    const coded = encodeIds(ids);
    expect(() => decodeIds(coded.slice(0, -1), 50)).toThrow(IdCodingError);
    expect(() => decodeIds(coded, 51)).toThrow(/bad length|past the end/);
    expect(() => decodeIds(coded + '0', 50)).toThrow(/left after 50 ids/);
    expect(() => decodeIds('z' + coded.slice(1), 50)).toThrow(IdCodingError);
    expect(() => decodeIds('a0' + coded.slice(2), 50)).toThrow(/shares 10 characters/);
    expect(() => decodeIds('!!', 1)).toThrow(/bad length at character 0/);
  });
});

describe('artefacts with front-coded ids', () => {
  it('large catalogues are written coded (format 2) and load with the same ids; small ones stay plain (format 1)', () => {
    const big = model(skus(CODE_IDS_FROM));
    const enc = encodeArtefact(big, { dtype: 'uint8' });
    expect(enc.modelJson.tastebud.formatVersion).toBe(2);
    expect(enc.modelJson.tastebud.items.ids).toBeUndefined();
    expect(typeof enc.modelJson.tastebud.items.idsCoded).toBe('string');
    const back = decodeArtefact(JSON.parse(JSON.stringify(enc.modelJson)), enc.weights);
    expect(back.itemIds).toEqual(big.itemIds);
    const plain = encodeArtefact(big, { dtype: 'uint8', ids: 'plain' });
    expect(utf8(JSON.stringify(enc.modelJson))).toBeLessThan(utf8(JSON.stringify(plain.modelJson)) - 8 * CODE_IDS_FROM);

    const small = encodeArtefact(model(skus(CODE_IDS_FROM - 1)));
    expect(small.modelJson.tastebud.formatVersion).toBe(1);
    expect(small.modelJson.tastebud.items.ids).toHaveLength(CODE_IDS_FROM - 1);
    // ids that share no prefix still take no more bytes coded: two length digits replace the quotes and comma
    const rng = createRng(9);
    const random = Array.from({ length: 5000 }, (_, i) => `${String.fromCharCode(97 + (i % 26))}${rng.int(1e9).toString(36)}${i.toString(36)}`);
    expect(utf8(JSON.stringify(encodeIds(random)))).toBeLessThanOrEqual(utf8(JSON.stringify(random)));
    expect(() => encodeArtefact(big, { ids: 'zip' as 'auto' })).toThrow(/ids must be auto, plain or coded/);
  });

  it('refuses both forms at once, coded ids in a format-1 file, duplicates and a hand-edited string', () => {
    const enc = encodeArtefact(model(skus(30)), { ids: 'coded' });
    const json = (): ReturnType<typeof structuredClone<typeof enc.modelJson>> => structuredClone(enc.modelJson);
    expect(validateManifest(json()).meta.items.ids).toEqual(skus(30));
    const both = json();
    both.tastebud.items.ids = skus(30);
    expect(() => validateManifest(both)).toThrow(/both "ids" and "idsCoded"/);
    const old = json();
    old.tastebud.formatVersion = 1;
    expect(() => validateManifest(old)).toThrow(/needs format version 2/);
    const dup = json();
    dup.tastebud.items.idsCoded = encodeIds([...skus(29), 'sku-0000003']);
    expect(() => validateManifest(dup)).toThrow(/appears twice/);
    const cut = json();
    cut.tastebud.items.idsCoded = cut.tastebud.items.idsCoded!.slice(0, -3);
    expect(() => validateManifest(cut)).toThrow(ModelLoadError);
    expect(() => validateManifest(cut)).toThrow(/truncated or edited/);
    const notString = json() as unknown as { tastebud: { items: { idsCoded: unknown } } };
    notString.tastebud.items.idsCoded = [1, 2];
    expect(() => validateManifest(notString)).toThrow(/must be a string/);
  });

  it('the integrity hash covers the coded ids: a re-keyed id in a sealed artefact is refused', async () => {
    const sealed = await encodeSealedArtefact(model(skus(40)), { ids: 'coded' });
    const shards = sealed.shards.map((s) => s.data);
    await expect(loadArtefact(structuredClone(sealed.modelJson), shards)).resolves.toMatchObject({ integrity: 'verified' });
    const edited = structuredClone(sealed.modelJson);
    edited.tastebud.items.idsCoded = encodeIds(skus(40).map((id, i) => (i === 7 ? 'sku-x' : id)));
    await expect(loadArtefact(edited, shards)).rejects.toThrow(/item table/);
  });
});
