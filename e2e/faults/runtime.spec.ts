/**
 * Fault suite in real Chromium (real Worker, IndexedDB, WebGPU/WebGL on SwiftShader), against the built harness
 * page: a worker crashed again and again while tracking, a stalled worker, device loss on WebGPU and WebGL,
 * consent withdrawn and reloaded, and page kills while tracking. `TASTEBUD_FAULTS_FULL=1` (npm run test:faults)
 * runs the loops longer. Each test prints its counts.
 */
import { expect, test, type Page } from '@playwright/test';
import type { Outcome, Tb } from '../harness_helpers.ts';

const FULL = process.env.TASTEBUD_FAULTS_FULL === '1';
const HARNESS = '/harness/engine.html';
const QUICK = { initMs: 60_000, callMs: 20_000, heartbeatMs: 500 };

/** The harness driver with the fault page's own calls. */
interface FaultTb extends Tb {
  fault(kind: string, ms?: number): Promise<Outcome>;
  crashLoop(rounds: number, perRound: number): Promise<{ acked: string[]; retries: number; errors: string[] }>;
}
declare const tb: FaultTb;

async function open(page: Page): Promise<void> {
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.log(`[page ${m.type()}] ${m.text()}`);
  });
  await page.goto(HARNESS);
  await expect(page.getByTestId('status')).toHaveText('idle');
}

async function call<T>(page: Page, verb: string, ...args: unknown[]): Promise<T> {
  const out = await page.evaluate(([v, a]) => tb.call(v as string, ...(a as unknown[])), [verb, args] as const);
  expect(out, `${verb}: ${JSON.stringify(out)}`).toMatchObject({ ok: true });
  return out.value as T;
}

async function create(page: Page, o: Record<string, unknown>): Promise<Outcome> {
  const out = await page.evaluate((x) => tb.create(x), { synthetic: { numItems: 200 }, timeouts: QUICK, ...o });
  expect(out, JSON.stringify(out)).toMatchObject({ ok: true });
  return out;
}

test('worker crashed mid-track, again and again: every acknowledged event stored once', async ({ page }) => {
  await open(page);
  await create(page, { namespace: 'crash', backend: ['wasm', 'cpu'] });
  const rounds = FULL ? 30 : 6;
  const { acked, retries, errors } = await page.evaluate(([r, n]) => tb.crashLoop(r, n), [rounds, 10] as const);
  const stored = (await page.evaluate(() => tb.rawEvents('crash'))).map((e) => e.eventId!);
  const lost = acked.filter((id) => !stored.includes(id)).length;
  const doubled = stored.length - new Set(stored).size;
  const { workerRestarts } = await call<{ workerRestarts: number }>(page, 'stats');
  console.log(`fault suite | worker crash loop (Chromium): ${rounds} crashes, ${workerRestarts} restarts, ${acked.length} acknowledged, ${stored.length} stored, ${retries} caller retries (${errors.join(', ') || 'none'}), ${lost} lost, ${doubled} doubled`);
  expect(workerRestarts).toBe(rounds);
  expect(acked).toHaveLength(rounds * 10);
  expect(lost).toBe(0);
  expect(doubled).toBe(0);
  expect(errors.every((n) => ['WorkerLostError', 'TimeoutError'].includes(n))).toBe(true);
});

test('a stalled worker: the pending call rejects by name within its deadline, a new worker answers', async ({ page }) => {
  await open(page);
  await create(page, { namespace: 'stall', backend: ['wasm', 'cpu'] });
  await call(page, 'track', { itemId: 'item-3' });
  const stalled = await page.evaluate(() => tb.fault('stall', 5000));
  console.log(`fault suite | stalled worker: ${stalled.name} after ${stalled.ms.toFixed(0)} ms (heartbeat ${QUICK.heartbeatMs} ms)`);
  expect(stalled).toMatchObject({ ok: false, name: 'WorkerLostError' });
  expect(stalled.ms).toBeLessThan(QUICK.callMs);
  expect(await call<unknown[]>(page, 'recommend', { k: 5 })).toHaveLength(5);
  expect(await call(page, 'stats')).toMatchObject({ eventsStored: 1, workerRestarts: 1 });
});

for (const [backend, next] of [['webgpu', 'webgl'], ['webgl', 'wasm']] as const) {
  test(`device lost on ${backend}: BackendError recorded, ${next} takes over, listeners told, no raw error`, async ({ page }) => {
    await open(page);
    const order = backend === 'webgpu' ? ['webgpu', 'webgl', 'wasm', 'cpu'] : ['webgl', 'wasm', 'cpu'];
    const ready = await create(page, { namespace: `lost-${backend}`, backend: order });
    test.skip((ready.value as { backend: string }).backend !== backend, `${backend} is not available in this Chromium (got ${(ready.value as { backend: string }).backend}); nothing to lose`);
    for (const itemId of ['item-2', 'item-6', 'item-10']) await call(page, 'track', { itemId });
    const before = await call<{ itemId: string }[]>(page, 'recommend', { k: 10 });
    const updates = await page.evaluate(() => tb.updates());
    expect(await page.evaluate(() => tb.fault('lose-device'))).toMatchObject({ ok: true, value: true });
    const after = await page.evaluate(() => tb.call('recommend', { k: 10 }));
    expect(after, JSON.stringify(after)).toMatchObject({ ok: true });
    expect((after.value as { itemId: string }[]).map((x) => x.itemId)).toEqual(before.map((x) => x.itemId));
    const s = await call<{ backend: string; backendLost: { backend: string; reason: string }[] }>(page, 'stats');
    console.log(`fault suite | device lost on ${backend}: recommend answered in ${after.ms.toFixed(0)} ms by ${s.backend}; ${JSON.stringify(s.backendLost)}`);
    expect(s.backend).toBe(next);
    expect(s.backendLost[0].backend).toBe(backend);
    expect(s.backendLost[0].reason).toMatch(/lost/i);
    await expect.poll(() => page.evaluate(() => tb.updates())).toBeGreaterThan(updates);
  });
}

test('consent withdrawn: the non-personal list at once, and after a reload', async ({ page }) => {
  await open(page);
  await create(page, { namespace: 'consent', backend: ['wasm', 'cpu'] });
  const cold = (await call<{ itemId: string }[]>(page, 'recommend', { k: 10 })).map((x) => x.itemId);
  for (const itemId of ['item-1', 'item-5', 'item-9', 'item-13', 'item-17']) await call(page, 'track', { itemId });
  await call(page, 'exportData');
  expect((await call<{ itemId: string }[]>(page, 'recommend', { k: 10 })).map((x) => x.itemId)).not.toEqual(cold);
  await call(page, 'setConsent', false);
  expect((await call<{ itemId: string }[]>(page, 'recommend', { k: 10 })).map((x) => x.itemId)).toEqual(cold);
  await page.reload();
  await expect(page.getByTestId('status')).toHaveText('idle');
  await create(page, { namespace: 'consent', backend: ['wasm', 'cpu'] });
  expect(await call(page, 'stats')).toMatchObject({ consent: false, eventsStored: 5 });
  expect((await call<{ itemId: string }[]>(page, 'recommend', { k: 10 })).map((x) => x.itemId)).toEqual(cold);
});

test('page killed while tracking: every acknowledged event survives the reload, none doubled', async ({ page }) => {
  await open(page);
  const rounds = FULL ? 12 : 3;
  const acked: string[] = [];
  for (let round = 0; round < rounds; round++) {
    await create(page, { namespace: 'pagekill', backend: ['wasm', 'cpu'] });
    await page.evaluate(([round]) => {
      const w = window as unknown as { acked: string[] };
      w.acked = [];
      for (let i = 0; i < 40; i++) {
        const eventId = `p${round}-${i}`;
        void tb.call('track', { itemId: `item-${i}`, eventId }).then((o) => o.ok && w.acked.push(eventId));
      }
    }, [round] as const);
    await page.waitForTimeout(20 + 15 * round);
    acked.push(...(await page.evaluate(() => (window as unknown as { acked: string[] }).acked)));
    await page.reload(); // the page and its worker go, mid-flight
    await expect(page.getByTestId('status')).toHaveText('idle');
  }
  const stored = (await page.evaluate(() => tb.rawEvents('pagekill'))).map((e) => e.eventId!);
  const lost = acked.filter((id) => !stored.includes(id)).length;
  const doubled = stored.length - new Set(stored).size;
  console.log(`fault suite | page kill loop (Chromium): ${rounds} reloads mid-track, ${acked.length} acknowledged, ${stored.length} stored, ${lost} lost, ${doubled} doubled`);
  expect(lost).toBe(0);
  expect(doubled).toBe(0);
});
