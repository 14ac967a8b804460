import { describe, expect, it } from 'vitest';
import { createGrowable, grown } from '../../src/data/growable.ts';

describe('growable typed arrays', () => {
  it('keeps an array long enough, and doubles a short one with its new entries filled', () => {
    const a = Int32Array.of(1, 2, 3);
    expect(grown(a, 3)).toBe(a);
    const b = grown(Float64Array.of(1, 2), 3, -Infinity);
    expect([...b]).toEqual([1, 2, -Infinity, -Infinity]);
    expect(grown(new Uint8Array(2), 9)).toHaveLength(9);
  });

  it('grows a column to any index it is asked for and hands back its first n entries, unset ones as fill', () => {
    const c = createGrowable((n) => new Int16Array(n), -1);
    c.at(3)[3] = 7;
    c.at(5000)[5000] = 9;
    expect(c.at(5000).length).toBeGreaterThan(5000);
    const out = c.take(5002);
    expect(out).toBeInstanceOf(Int16Array);
    expect([out[0], out[3], out[5000], out[5001]]).toEqual([-1, 7, 9, -1]);
    expect([...c.take(2)]).toEqual([-1, -1]);
  });
});
