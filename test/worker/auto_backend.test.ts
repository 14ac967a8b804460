import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Stats } from '../../src/engine/api.ts';
import { chooseAutoBackend, measureBackends, MeasurementStopped, preferenceFor, type AutoBackendCache, type AutoBackendReport, type ScanCandidate } from '../../src/worker/backend_timing.ts';
import { cachedAutoBackend, measureAutoBackend } from '../../src/worker/auto_backend.ts';
import { withoutSoftwareGpus } from '../../src/worker/backend_measure.ts';
import { RecommenderHost } from '../../src/worker/host.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import { createTinyModel } from '../../harness/engine_model.ts';

// The host test times candidates with injected numbers (the real timer is measured in bench/kernels).
const fake = vi.hoisted(() => ({ ms: {} as Record<string, number | Error>, calls: [] as string[], gate: null as Promise<void> | null }));
vi.mock('../../src/worker/backend_measure.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/worker/backend_measure.ts')>();
  return {
    ...m,
    scanCandidates: () => ['plain', 'cpu', 'wasm'],
    recommendTimer: () => async (c: string) => {
      fake.calls.push(c);
      await fake.gate;
      const t = fake.ms[c];
      if (t instanceof Error) throw t;
      return t ?? 1;
    },
  };
});

function timings(ms: Partial<Record<ScanCandidate, number | Error>>): { time: (c: ScanCandidate) => Promise<number>; calls: ScanCandidate[] } {
  const calls: ScanCandidate[] = [];
  return {
    calls,
    time: async (c) => {
      calls.push(c);
      const t = ms[c];
      if (t instanceof Error) throw t;
      if (t === undefined) throw new Error(`no timing for ${c}`);
      return t;
    },
  };
}

function memoryCache(): AutoBackendCache & { saved: AutoBackendReport[] } {
  const saved: AutoBackendReport[] = [];
  return { saved, load: async () => saved.at(-1), save: async (r) => void saved.push(structuredClone(r)) };
}

const base = { device: 'ua | cores 2 | gpu none', modelVersion: 'v1', numItems: 100 };

describe('auto backend: the fastest measured candidate wins', () => {
  it('keeps the fastest, whatever the fixed order would have said', async () => {
    const t = timings({ plain: 0.7, cpu: 1.9, wasm: 0.5, webgl: 2.3, webgpu: 12.5 });
    const r = await measureBackends(['plain', 'cpu', 'wasm', 'webgl', 'webgpu'], t.time);
    expect(r.choice).toBe('wasm');
    expect(r.ms).toEqual({ plain: 0.7, cpu: 1.9, wasm: 0.5, webgl: 2.3, webgpu: 12.5 });
    expect(r.failed).toEqual([]);
    expect((await measureBackends(['webgpu', 'plain'], timings({ webgpu: 0.1, plain: 0.7 }).time)).choice).toBe('webgpu');
  });

  it('skips a failing backend and names it, with the reason', async () => {
    const t = timings({ plain: 3, webgl: new Error('context lost'), webgpu: 1 });
    const r = await measureBackends(['plain', 'webgl', 'webgpu'], t.time);
    expect(r.choice).toBe('webgpu');
    expect(r.failed).toEqual([{ backend: 'webgl', reason: 'Error: context lost' }]);
    expect(r.ms).not.toHaveProperty('webgl');
    await expect(measureBackends(['cpu'], timings({ cpu: new Error('broken') }).time)).rejects.toThrow(/cpu: Error: broken/);
    await expect(measureBackends(['cpu'], timings({ cpu: Number.NaN }).time)).rejects.toThrow(/timing returned NaN/);
  });

  it('splits the time budget between the candidates', async () => {
    const budgets: number[] = [];
    await measureBackends(['plain', 'cpu', 'wasm'], async (_c, b) => (budgets.push(b), 1), 300);
    expect(budgets).toEqual([100, 100, 100]);
  });

  it('caches per device and model version: a hit skips the measurement', async () => {
    const cache = memoryCache();
    const first = timings({ plain: 2, cpu: 1 });
    const r1 = await chooseAutoBackend({ ...base, candidates: ['plain', 'cpu'], time: first.time, cache, now: () => 42 });
    expect(r1).toMatchObject({ choice: 'cpu', source: 'measured', measuredAt: 42, ms: { plain: 2, cpu: 1 } });
    expect(cache.saved).toHaveLength(1);
    const second = timings({ plain: 2, cpu: 1 });
    const r2 = await chooseAutoBackend({ ...base, candidates: ['plain', 'cpu'], time: second.time, cache });
    expect(second.calls).toEqual([]);
    expect(r2).toMatchObject({ choice: 'cpu', source: 'cached', ms: { plain: 2, cpu: 1 }, measuredAt: 42 });
  });

  it('measures again after a model version change, on another device, or when the cached backend is gone', async () => {
    const cache = memoryCache();
    await chooseAutoBackend({ ...base, candidates: ['plain', 'cpu'], time: timings({ plain: 2, cpu: 1 }).time, cache });
    const newModel = timings({ plain: 0.5, cpu: 1 });
    expect(await chooseAutoBackend({ ...base, modelVersion: 'v2', candidates: ['plain', 'cpu'], time: newModel.time, cache })).toMatchObject({ choice: 'plain', source: 'measured', modelVersion: 'v2' });
    expect(newModel.calls).toEqual(['plain', 'cpu']);
    const otherDevice = timings({ plain: 3, cpu: 1 });
    expect((await chooseAutoBackend({ ...base, modelVersion: 'v2', device: 'ua2', candidates: ['plain', 'cpu'], time: otherDevice.time, cache })).source).toBe('measured');
    const gone = timings({ plain: 3 });
    expect(await chooseAutoBackend({ ...base, modelVersion: 'v2', device: 'ua2', candidates: ['plain'], time: gone.time, cache })).toMatchObject({ choice: 'plain', source: 'measured' });
  });

  it('a stopped measurement throws and caches nothing, even after a candidate ran', async () => {
    const cache = memoryCache();
    let stop = false;
    const t = timings({ plain: 1, cpu: 2 });
    const time = async (c: ScanCandidate): Promise<number> => {
      stop = true; // the host closes while the first candidate runs
      return t.time(c);
    };
    await expect(chooseAutoBackend({ ...base, candidates: ['plain', 'cpu'], time, cache, stopped: () => stop })).rejects.toBeInstanceOf(MeasurementStopped);
    expect(t.calls).toEqual(['plain']);
    expect(cache.saved).toEqual([]);
  });

  it('a failing cache costs only the measurement', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const broken: AutoBackendCache = { load: () => Promise.reject(new Error('quota')), save: () => Promise.reject(new Error('quota')) };
    expect((await chooseAutoBackend({ ...base, candidates: ['cpu'], time: timings({ cpu: 1 }).time, cache: broken })).choice).toBe('cpu');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('measures again'));
    warn.mockRestore();
  });

  it('starts a cached winner first; a plain winner keeps the lightest TF.js backend', () => {
    expect(preferenceFor('wasm')).toEqual(['wasm', 'webgpu', 'webgl', 'cpu']);
    expect(preferenceFor('plain')).toEqual(['cpu', 'wasm', 'webgl', 'webgpu']);
  });
});

describe('auto backend: GPU backends on an emulated GPU are not timed', () => {
  const all: ScanCandidate[] = ['plain', 'cpu', 'wasm', 'webgl', 'webgpu'];
  const swiftshaderGl = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';

  it('leaves out webgpu on a SwiftShader adapter and webgl on a software renderer, naming them', () => {
    const r = withoutSoftwareGpus(all, 'ua | cores 2 | gpu google/swiftshader//', () => swiftshaderGl);
    expect(r.candidates).toEqual(['plain', 'cpu', 'wasm']);
    expect(r.skipped.map((x) => x.backend)).toEqual(['webgl', 'webgpu']);
    expect(r.skipped[0].reason).toBe(`software GPU (${swiftshaderGl})`);
    expect(r.skipped[1].reason).toBe('software GPU (google/swiftshader//)');
    expect(withoutSoftwareGpus(all, 'ua | cores 8 | gpu none', () => 'llvmpipe (LLVM 15.0.7, 256 bits)').skipped.map((x) => x.backend)).toEqual(['webgl']);
    expect(withoutSoftwareGpus(all, 'ua | gpu none', () => 'Microsoft Basic Render Driver').candidates).not.toContain('webgl');
  });

  it('keeps hardware GPUs, unknown renderers and everything that is not a GPU backend', () => {
    const hw = withoutSoftwareGpus(all, 'ua | cores 8 | gpu nvidia/ampere//', () => 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)');
    expect(hw).toEqual({ candidates: all, skipped: [] });
    expect(withoutSoftwareGpus(all, 'ua | cores 8 | gpu apple/metal-3//', () => '')).toEqual({ candidates: all, skipped: [] });
    // no WebGL candidate: no context is made to ask
    const renderer = vi.fn(() => swiftshaderGl);
    expect(withoutSoftwareGpus(['plain', 'cpu'], 'ua | gpu google/swiftshader//', renderer).candidates).toEqual(['plain', 'cpu']);
    expect(renderer).not.toHaveBeenCalled();
  });

  it('reports them in the measurement and keeps them in the cache with it', async () => {
    const cache = memoryCache();
    const skipped = [{ backend: 'webgpu' as const, reason: 'software GPU (google/swiftshader//)' }];
    const t = timings({ plain: 0.5, cpu: 0.4 });
    const r = await chooseAutoBackend({ ...base, candidates: ['plain', 'cpu'], skipped, time: t.time, cache });
    expect(t.calls).toEqual(['plain', 'cpu']);
    expect(r).toMatchObject({ choice: 'cpu', source: 'measured', skipped });
    expect(cache.saved[0].skipped).toEqual(skipped);
    expect((await chooseAutoBackend({ ...base, candidates: ['plain', 'cpu'], time: t.time })).skipped, 'none skipped: no field').toBeUndefined();
  });
});

describe('auto backend in the host', () => {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
    fake.calls.length = 0;
    fake.gate = null;
  });

  async function settled(host: RecommenderHost): Promise<Stats> {
    await vi.waitFor(async () => expect((await host.stats()).autoBackend?.state).not.toBe('measuring'), { timeout: 10_000 });
    return host.stats();
  }

  it('measures in the background, moves the scans to the winner, names a failing backend, and reuses it on the next load', async () => {
    fake.ms = { plain: 3, cpu: 0.4, wasm: new Error('no SIMD') };
    const model = createTinyModel();
    const opts = { namespace: 'auto-host', modelData: model, backend: 'auto' as const, consent: true, maxEvents: 100, multiTab: false };
    const host = new RecommenderHost();
    await host.init(opts);
    const s = await settled(host);
    expect(s.autoBackend).toMatchObject({ state: 'done', choice: 'cpu', source: 'measured', ms: { plain: 3, cpu: 0.4 }, failed: [{ backend: 'wasm', reason: 'Error: no SIMD' }], modelVersion: model.modelVersion });
    expect(s.backend).toBe('cpu');
    expect(await host.recommend({ k: 3 })).toHaveLength(3);
    await host.close();

    fake.calls.length = 0;
    const again = new RecommenderHost();
    const report = await again.init(opts);
    expect(report.backend).toBe('cpu'); // started on the cached winner, no fixed order
    const s2 = await settled(again);
    expect(fake.calls).toEqual([]);
    expect(s2.autoBackend).toMatchObject({ state: 'done', choice: 'cpu', source: 'cached' });
    expect(s2.backend).toBe('cpu');
    await again.close();
  });

  it('a cache miss takes the device fingerprint (a WebGPU adapter request) once, for the measurement too', async () => {
    fake.ms = { plain: 2, cpu: 1, wasm: 3 };
    let adapters = 0;
    vi.stubGlobal('navigator', { userAgent: 'ua', hardwareConcurrency: 2, gpu: { requestAdapter: async () => (adapters++, { info: { vendor: 'v', architecture: 'a' } }) } });
    try {
      const store = createMemoryStore('auto-once');
      const model = createTinyModel();
      expect(await cachedAutoBackend(store, model.modelVersion)).toBeUndefined();
      const report = await measureAutoBackend({ model, store, stopped: () => false });
      expect(adapters).toBe(1);
      expect(report).toMatchObject({ choice: 'cpu', source: 'measured', device: 'ua | cores 2 | gpu v/a//' });
      expect(await cachedAutoBackend(store, model.modelVersion)).toMatchObject({ choice: 'cpu', source: 'cached' });
      expect(adapters).toBe(2);
      await measureAutoBackend({ model, store, stopped: () => false }); // a hit hands nothing on: the measurement takes its own
      expect(adapters).toBe(3);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('a plain-TypeScript winner scans without TF.js; an explicit backend list measures nothing', async () => {
    fake.ms = { plain: 0.2, cpu: 0.9, wasm: 0.8 };
    const host = new RecommenderHost();
    await host.init({ namespace: 'auto-plain', modelData: createTinyModel(), backend: 'auto', consent: true, maxEvents: 100, multiTab: false });
    const s = await settled(host);
    expect([s.autoBackend?.choice, s.backend]).toEqual(['plain', 'plain']);
    const recs = await host.recommend({ k: 4 });
    expect(recs.map((r) => r.itemId)).toHaveLength(4);
    await host.close();

    fake.calls.length = 0;
    const pinned = new RecommenderHost();
    await pinned.init({ namespace: 'auto-none', modelData: createTinyModel(), backend: ['cpu'], consent: true, maxEvents: 100, multiTab: false });
    expect((await pinned.stats()).autoBackend).toBeUndefined();
    expect(fake.calls).toEqual([]);
    await pinned.close();
  });

  it('lazy boot: the plain scan answers first, the measurement runs where the backend starts, a later load starts the cached winner', async () => {
    fake.ms = { plain: 2, cpu: 0.3, wasm: 0.9 };
    const model = createTinyModel();
    const opts = { namespace: 'auto-lazy', modelData: model, backend: 'auto' as const, consent: true, maxEvents: 100, multiTab: false, lazyBackend: true };
    const host = new RecommenderHost();
    expect((await host.init(opts)).backend).toBe('plain');
    const before = await host.stats();
    expect([before.backend, before.backendLoading, before.autoBackend]).toEqual(['plain', true, undefined]);
    expect(await host.recommend({ k: 3 })).toHaveLength(3); // answered before anything was timed
    expect(fake.calls).toEqual([]);
    expect((await host.backendReady()).backend).toBe('cpu');
    expect(fake.calls).toEqual(['plain', 'cpu', 'wasm']);
    const s = await host.stats();
    expect(s).toMatchObject({ backend: 'cpu', autoBackend: { state: 'done', choice: 'cpu', source: 'measured', ms: { plain: 2, cpu: 0.3, wasm: 0.9 }, numItems: model.itemBias.length } });
    expect(s.backendLoading).toBeUndefined();
    await host.close();

    fake.calls.length = 0;
    const again = new RecommenderHost();
    await again.init(opts);
    await again.recommend({ k: 3 });
    expect((await again.backendReady()).backend).toBe('cpu');
    expect(fake.calls).toEqual([]);
    expect((await again.stats()).autoBackend).toMatchObject({ state: 'done', choice: 'cpu', source: 'cached' });
    await again.close();
  });

  it('lazy boot: a plain winner keeps the plain scan; closing mid-measurement caches nothing', async () => {
    fake.ms = { plain: 0.1, cpu: 0.5, wasm: 0.6 };
    let open!: () => void;
    fake.gate = new Promise<void>((resolve) => (open = resolve));
    const opts = { namespace: 'auto-lazy-plain', modelData: createTinyModel(), backend: 'auto' as const, consent: true, maxEvents: 100, multiTab: false, lazyBackend: true };
    const host = new RecommenderHost();
    await host.init(opts);
    await host.recommend({ k: 2 });
    await vi.waitFor(() => expect(fake.calls).toEqual(['plain']), { timeout: 10_000 }); // TF.js cpu starts first
    expect((await host.stats()).autoBackend).toEqual({ state: 'measuring' });
    const closing = host.close();
    open();
    await closing;
    expect(fake.calls).toEqual(['plain']); // stopped before the next candidate

    fake.gate = null;
    fake.calls.length = 0;
    const again = new RecommenderHost();
    await again.init(opts);
    await again.recommend({ k: 2 });
    expect((await again.backendReady()).backend).toBe('plain');
    expect(fake.calls).toEqual(['plain', 'cpu', 'wasm']); // measured afresh: the cut-short run was not kept
    const s = await again.stats();
    expect([s.backend, s.autoBackend?.choice, s.autoBackend?.source]).toEqual(['plain', 'plain', 'measured']);
    expect((await again.recommend({ k: 4 })).map((r) => r.itemId)).toHaveLength(4);
    await again.close();
  });
});
