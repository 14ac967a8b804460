import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BackendError } from '../../src/errors.ts';
import { RecommenderHost } from '../../src/worker/host.ts';
import type { HostInitOptions } from '../../src/worker/host_api.ts';
import { createTinyModel } from '../../harness/engine_model.ts';

// The TF.js half of the worker, held back (or failing) until the test says so; `reached` resolves once the host
// is waiting at the gate.
const gate = vi.hoisted(() => ({ open: null as null | (() => void), closed: null as Promise<void> | null, fail: false, reach: null as null | (() => void), reached: null as Promise<void> | null }));
vi.mock('../../src/worker/tf_backend.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/worker/tf_backend.ts')>();
  return {
    ...m,
    chooseBackend: async (...args: Parameters<typeof m.chooseBackend>) => {
      gate.reach?.();
      await gate.closed;
      if (gate.fail) throw new BackendError('no TF.js backend works here: test');
      return m.chooseBackend(...args);
    },
  };
});

const model = createTinyModel({ numItems: 120 });
const options = (namespace: string, lazyBackend?: boolean): HostInitOptions => ({ namespace, modelData: model, backend: ['cpu'], consent: true, maxEvents: 100, multiTab: false, ...(lazyBackend !== undefined && { lazyBackend }) });

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  gate.closed = new Promise((resolve) => (gate.open = resolve));
  gate.reached = new Promise((resolve) => (gate.reach = resolve));
  gate.fail = false;
});

describe('lazyBackend: the host answers before TF.js is up', () => {
  it('answers from the plain scan while the backend loads, then moves to it with the same ranking', async () => {
    const host = new RecommenderHost();
    const report = await host.init(options('lazy', true)); // resolves although chooseBackend has not returned
    expect(report.backend).toBe('plain');
    await host.track([{ itemId: 'item-3' }, { itemId: 'item-7' }]);
    await vi.waitFor(async () => expect(((await host.stats()) as unknown as { learner: { learned: number } }).learner.learned).toBe(2));
    const before = await host.recommend({ k: 10 });
    expect(before).toHaveLength(10);
    expect(await host.stats()).toMatchObject({ backend: 'plain', backendLoading: true });
    let told = 0;
    await host.subscribe(() => void told++);
    gate.open!();
    expect((await host.backendReady()).backend).toBe('cpu');
    const s = await host.stats();
    expect(s.backend).toBe('cpu');
    expect(s.backendLoading).toBeUndefined();
    await vi.waitFor(() => expect(told).toBeGreaterThan(0));
    const after = await host.recommend({ k: 10 });
    expect(after.map((r) => r.itemId)).toEqual(before.map((r) => r.itemId));
    after.forEach((r, i) => expect(r.score).toBeCloseTo(before[i].score, 4));
    await host.close();
  });

  it('keeps the plain scan, and says why, when no backend starts', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    gate.fail = true;
    gate.open!();
    const host = new RecommenderHost();
    await host.init(options('lazy-fail', true));
    expect((await host.backendReady()).backend).toBe('plain');
    const s = await host.stats();
    expect(s.backend).toBe('plain');
    expect(s.backendLoading).toBeUndefined();
    expect(s.backendSkipped[0].reason).toMatch(/no TF.js backend works here/);
    expect(await host.recommend({ k: 5 })).toHaveLength(5);
    expect(warn.mock.calls.some(([m]) => /plain-TypeScript scan/.test(String(m)))).toBe(true);
    warn.mockRestore();
    await host.close();
  });

  it('without lazyBackend init waits for the backend, and a backend that cannot start fails it by name', async () => {
    const host = new RecommenderHost();
    let settled = false;
    const init = host.init(options('eager')).finally(() => (settled = true));
    await gate.reached; // the host waits for TF.js, held by the test: no timing guess
    // A clock that needs all the rest of init: the same init without waiting for the backend, run to the end on
    // a second host. Had the eager init not waited for the backend, it (started first) would be done by now.
    const clock = new RecommenderHost();
    expect((await clock.init(options('clock', true))).backend).toBe('plain');
    await clock.close();
    expect(settled).toBe(false);
    gate.open!();
    expect((await init).backend).toBe('cpu');
    await host.close();
    gate.fail = true;
    await expect(new RecommenderHost().init(options('eager-fail'))).rejects.toBeInstanceOf(BackendError);
  });
});
