import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CatalogueScanner } from '../../src/kernels/types.ts';
import { RecommenderHost } from '../../src/worker/host.ts';
import { warmScanner } from '../../src/worker/warm_up.ts';
import { createTinyModel } from '../../harness/engine_model.ts';

// Counts the queries on every scanner the host creates, and when init resolved relative to them.
const seen = vi.hoisted(() => ({ queries: [] as { dim: number; k: number; zeros: boolean }[] }));
vi.mock('../../src/kernels/index.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/kernels/index.ts')>();
  return {
    ...m,
    createCatalogueScanner: (...args: Parameters<typeof m.createCatalogueScanner>) => {
      const s = m.createCatalogueScanner(...args);
      const topK = s.topK.bind(s);
      s.topK = (z, k, exclude) => {
        seen.queries.push({ dim: z.length, k, zeros: z.every((x) => x === 0) });
        return topK(z, k, exclude);
      };
      return s;
    },
  };
});

function fakeScanner(topK: CatalogueScanner['topK']): CatalogueScanner & { disposed: number } {
  return { numItems: 4, dim: 3, topK, setItems: async () => undefined, disposed: 0, dispose() { this.disposed++; } };
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  seen.queries.length = 0;
});

describe('warmScanner', () => {
  it('runs one throwaway query and keeps the scanner', async () => {
    const topK = vi.fn(async (_z: Float32Array, _k: number) => ({ indices: new Int32Array(1), scores: new Float32Array(1) }));
    const s = fakeScanner(topK);
    expect(await warmScanner(s)).toBe(s);
    expect(topK).toHaveBeenCalledTimes(1);
    expect(topK.mock.calls[0][0]).toEqual(new Float32Array(3));
    expect(s.disposed).toBe(0);
  });

  it('disposes a scanner that fails its first query and falls back to the plain scan (null)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const s = fakeScanner(async () => {
      throw new Error('shader compile failed');
    });
    expect(await warmScanner(s)).toBeNull();
    expect(s.disposed).toBe(1);
    expect(warn.mock.calls[0][0]).toMatch(/shader compile failed/);
    warn.mockRestore();
    expect(await warmScanner(null)).toBeNull();
  });

  it('the host has queried its backend scanner once before init resolves', async () => {
    const host = new RecommenderHost();
    const model = createTinyModel({ numItems: 50 });
    await host.init({ namespace: 'warm', modelData: model, backend: ['cpu'], consent: true, maxEvents: 100, multiTab: false });
    expect(seen.queries).toEqual([{ dim: model.dim, k: 1, zeros: true }]);
    const recs = await host.recommend({ k: 5 });
    expect(recs).toHaveLength(5);
    expect(seen.queries).toHaveLength(2); // the real query reuses the same (warm) scanner
    await host.close();
  });
});
