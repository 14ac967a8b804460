/**
 * Fault suite, the supervisor (src/client/supervisor.ts): a killed or stuck worker never leaves a call pending
 * past its deadline; pending calls reject with named errors; a new worker starts with the state from storage;
 * and through a loop of kills every acknowledged event is stored exactly once (retries included).
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createClient, type Recommender } from '../../src/client/recommender.ts';
import { Supervisor, type Timeouts } from '../../src/client/supervisor.ts';
import { TastebudError, TimeoutError, WorkerLostError } from '../../src/errors.ts';
import type { HostApi, HostInitOptions } from '../../src/worker/host_api.ts';
import { createTinyModel } from '../../harness/engine_model.ts';
import { killableHosts, sleep } from './harness.ts';

const model = createTinyModel({ numItems: 120 });
const init = (): HostInitOptions => ({ namespace: 'faults', modelData: model, backend: ['cpu'], consent: true, maxEvents: 100_000, multiTab: false });
// Every host shares this process's event loop: a heartbeat much shorter than this mistakes load for death.
const FAST: Timeouts = { initMs: 5_000, callMs: 3_000, heartbeatMs: 500 };

async function supervised(hosts: ReturnType<typeof killableHosts>, t: Timeouts = FAST): Promise<Recommender> {
  return createClient(await Supervisor.start(() => hosts.connect(), t), {});
}

/** Settles `p` and says how, with the time it took. */
async function settle(p: Promise<unknown>): Promise<{ ok: boolean; error?: unknown; ms: number }> {
  const t0 = performance.now();
  try {
    await p;
    return { ok: true, ms: performance.now() - t0 };
  } catch (error) {
    return { ok: false, error, ms: performance.now() - t0 };
  }
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('fault: worker killed', () => {
  it('rejects the pending calls with WorkerLostError, restarts, and restores the state from storage', async () => {
    const hosts = killableHosts(init);
    const r = await supervised(hosts);
    for (const itemId of ['item-2', 'item-6', 'item-10']) await r.track({ itemId });
    const before = await r.exportData();
    hosts.kill();
    // exportData is retried on the new worker: the caller sees the same data, not the crash
    const after = await r.exportData();
    expect(after.events.map((e) => e.itemId)).toEqual(before.events.map((e) => e.itemId));
    expect(after.userVector).toEqual(before.userVector);
    expect(hosts.started).toBe(2);
    expect((await r.stats()).workerRestarts).toBe(1);
    // forget is not repeated on a new worker: the caller hears WorkerLostError and decides
    hosts.kill();
    const f = await settle(r.forget());
    expect(f.error).toBeInstanceOf(WorkerLostError);
    expect(f.ms).toBeLessThan(FAST.callMs);
    await r.close();
  });

  it('tells subscribers on the new worker', async () => {
    const hosts = killableHosts(init);
    const r = await supervised(hosts);
    let updates = 0;
    r.subscribe(() => void updates++);
    hosts.kill();
    await r.stats(); // finds the loss, restarts
    const seen = updates;
    expect(seen).toBeGreaterThan(0); // told once after the restart
    await r.track({ itemId: 'item-3' });
    await r.exportData();
    await sleep(30);
    expect(updates).toBeGreaterThan(seen); // and still subscribed on the new worker
    await r.close();
  });
});

describe('fault: start-up that never finishes', () => {
  it('a model download that never answers rejects createRecommender with TimeoutError at initMs, and ends the worker', async () => {
    let disposed = 0;
    const connect = async () => ({ host: {} as HostApi, started: new Promise<never>(() => undefined), dispose: () => void disposed++ });
    const t0 = performance.now();
    const err = await Supervisor.start(connect, { ...FAST, initMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(disposed).toBe(1);
  });
});

describe('fault: worker stuck', () => {
  it('a host that stops answering entirely (ping too) is replaced; the call rejects or is answered by the new one', async () => {
    let stuck = false;
    const hang = <T>(): Promise<T> => new Promise<T>(() => undefined);
    const hosts = killableHosts(init, (h) =>
      new Proxy(h, { get: (t, k) => (k === 'init' || !stuck ? (t[k as keyof HostApi] as (...a: unknown[]) => unknown)?.bind?.(t) ?? t[k as keyof HostApi] : hang) }),
    );
    const r = await supervised(hosts);
    stuck = true;
    const out = await settle(r.recommend({ k: 3 }));
    // the first host hangs for good; the retry on the restarted host (also stuck: `stuck` is shared) hits the deadline
    expect(out.ok).toBe(false);
    expect(out.error).toBeInstanceOf(TastebudError);
    expect(['WorkerLostError', 'TimeoutError']).toContain((out.error as Error).name);
    expect(out.ms).toBeLessThan(FAST.callMs + 200);
    expect(hosts.started).toBeGreaterThanOrEqual(2);
    stuck = false;
    expect(await r.recommend({ k: 3 })).toHaveLength(3);
    await r.close().catch(() => undefined);
  });

  it('one slow call on a live host rejects with TimeoutError at its deadline; the worker is kept', async () => {
    const hosts = killableHosts(init, (h) => new Proxy(h, { get: (t, k) => (k === 'explain' ? () => new Promise(() => undefined) : (t[k as keyof HostApi] as () => unknown).bind(t)) }));
    const r = await supervised(hosts);
    const out = await settle(r.explain('item-1'));
    expect(out.error).toBeInstanceOf(TimeoutError);
    expect(out.ms).toBeGreaterThanOrEqual(FAST.callMs - 50);
    expect(out.ms).toBeLessThan(FAST.callMs + 500);
    expect(hosts.started).toBe(1);
    expect(await r.recommend({ k: 2 })).toHaveLength(2);
    await r.close();
  });
});

describe('fault: kill loop', () => {
  it('through repeated kills mid-track, acknowledged events are stored once: 0 lost, 0 doubled', async () => {
    const hosts = killableHosts(init);
    const r = await supervised(hosts);
    const KILLS = process.env.TASTEBUD_FAULTS_FULL === '1' ? 60 : 12;
    const PER_ROUND = 8;
    const acked = new Set<string>();
    let retries = 0;
    for (let round = 0; round < KILLS; round++) {
      const events = Array.from({ length: PER_ROUND }, (_, i) => ({ itemId: `item-${(round * PER_ROUND + i) % 120}`, eventId: `r${round}-e${i}` }));
      const calls = events.map(async (e) => {
        // the caller's retry loop: the same event object again until acknowledged
        for (let attempt = 0; ; attempt++) {
          try {
            await r.track(e);
            acked.add(e.eventId);
            return;
          } catch (err) {
            expect(err).toBeInstanceOf(TastebudError);
            retries++;
            if (attempt > 5) throw err;
          }
        }
      });
      await sleep(round % 3); // kill at different points: before, during, after the writes
      hosts.kill();
      await Promise.all(calls);
    }
    const stored = (await r.exportData()).events.map((e) => e.eventId!);
    const lost = [...acked].filter((id) => !stored.includes(id)).length;
    const doubled = stored.length - new Set(stored).size;
    console.log(`fault suite | kill loop (Node, comlink): ${KILLS} kills, ${hosts.started - 1} restarts, ${acked.size} acknowledged, ${stored.length} stored, ${retries} caller retries, ${lost} lost, ${doubled} doubled`);
    expect(acked.size).toBe(KILLS * PER_ROUND);
    expect(lost).toBe(0);
    expect(doubled).toBe(0);
    expect(stored.length).toBe(acked.size);
    await r.close();
  });
});
