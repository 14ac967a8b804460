import { describe, expect, it } from 'vitest';
import { decodeTensor, encodeTensor } from '../../src/artefact/quantize.ts';
import { createRng } from '../../src/model/rng.ts';
import { scanTopK } from '../../src/model/top_k.ts';
import { scanTopKUint8 } from '../../src/model/top_k_uint8.ts';

function table(n: number, d: number, seed: number) {
  const rng = createRng(seed);
  const emb = Float32Array.from({ length: n * d }, () => rng.normal() * 0.3);
  const bias = Float32Array.from({ length: n }, () => rng.normal() * 0.1);
  const z = Float32Array.from({ length: d }, () => rng.normal());
  const enc = encodeTensor(emb, 'uint8');
  return { emb, bias, z, codes: enc.bytes, min: enc.quantization!.min!, scale: enc.quantization!.scale! };
}

describe('uint8 catalogue scan', () => {
  it('ranks as the float32 scan of the dequantised table, scores within float rounding', () => {
    for (const [n, d, seed] of [[5000, 64, 1], [777, 13, 2], [3, 5, 3]]) {
      const t = table(n, d, seed);
      const exclude = Uint8Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 1 : 0));
      const want = scanTopK(decodeTensor(t.codes, n * d, { dtype: 'uint8', min: t.min, scale: t.scale }), t.bias, t.z, 10, exclude);
      const got = scanTopKUint8(t, t.bias, t.z, 10, exclude);
      expect(got.indices.length).toBe(Math.min(10, want.indices.length));
      for (let r = 0; r < want.indices.length; r++) {
        expect(Math.abs(got.scores[r] - want.scores[r])).toBeLessThan(1e-4);
        // a different item only where two scores tie within that rounding
        if (got.indices[r] !== want.indices[r]) expect(Math.abs(want.scores[r] - want.scores[r + 1 < want.scores.length ? r + 1 : r - 1])).toBeLessThan(1e-4);
      }
      for (const i of got.indices) expect(exclude[i]).toBe(0);
    }
  });

  it('gives the float32 top-10 of the original table up to ties within the quantisation error', () => {
    const t = table(20_000, 64, 4);
    const want = scanTopK(t.emb, t.bias, t.z, 10);
    const got = scanTopKUint8(t, t.bias, t.z, 10);
    // each weight is off by at most scale / 2, so each score by at most scale / 2 · Σ|z|
    const err = (t.scale / 2) * t.z.reduce((s, x) => s + Math.abs(x), 0);
    const tenth = want.scores[9];
    const exact = (i: number): number => t.bias[i] + t.z.reduce((s, x, j) => s + x * t.emb[i * 64 + j], 0);
    for (const i of got.indices) if (!want.indices.includes(i)) expect(exact(i)).toBeGreaterThanOrEqual(tenth - 2 * err);
    for (const i of want.indices) if (!got.indices.includes(i)) expect(exact(i)).toBeLessThanOrEqual(got.scores[9] + 2 * err);
    const overlap = [...got.indices].filter((i) => want.indices.includes(i)).length;
    expect(overlap).toBeGreaterThanOrEqual(8);
  });

  it('refuses a table whose size does not match', () => {
    const t = table(10, 4, 5);
    expect(() => scanTopKUint8(t, new Float32Array(9), t.z, 3)).toThrow(/codes for 9 items/);
  });
});
