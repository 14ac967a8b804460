/**
 * The platform in real Chromium: a real Worker behind comlink, real IndexedDB, Web Locks and BroadcastChannel,
 * against the built harness page (harness/engine.html). The model is synthetic (built in the page) or a tiny
 * artefact encoded here and served through a route — nothing from ../shared/data.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { encodeArtefact } from '../src/artefact/encode.ts';
import { createTinyModel } from '../harness/engine_model.ts';
import type { Outcome, Tb } from './harness_helpers.ts';

const HARNESS = '/harness/engine.html';
const FAST = ['wasm', 'cpu'];

declare const tb: Tb;

async function open(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.log(`[page ${m.type()}] ${m.text()}`);
  });
  await page.goto(HARNESS);
  await expect(page.getByTestId('status')).toHaveText('idle');
  return page;
}

async function create(page: Page, opts: Record<string, unknown>): Promise<Outcome> {
  const out = await page.evaluate((o) => tb.create(o), opts);
  expect(out, JSON.stringify(out)).toMatchObject({ ok: true });
  return out;
}

async function call<T>(page: Page, verb: string, ...args: unknown[]): Promise<T> {
  const out = await page.evaluate(([v, a]) => tb.call(v as string, ...(a as unknown[])), [verb, args] as const);
  expect(out, `${verb}: ${JSON.stringify(out)}`).toMatchObject({ ok: true });
  return out.value as T;
}

/** Median wall time of `n` sequential calls of a verb (logged, never asserted: speed belongs to benchmarks). */
async function medianMs(page: Page, verb: string, n: number, arg: (i: number) => unknown): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const out = await page.evaluate(([v, a]) => tb.call(v as string, a), [verb, arg(i)] as const);
    expect(out.ok, JSON.stringify(out)).toBe(true);
    ms.push(out.ms);
  }
  return ms.sort((a, b) => a - b)[n >> 1];
}

/** Serves a tiny artefact at /tb-model/ and counts requests per file. */
async function serveArtefact(context: BrowserContext, version: string): Promise<Map<string, number>> {
  const a = encodeArtefact(createTinyModel({ numItems: 300, modelVersion: version }), { shardBytes: 8192 });
  const files = new Map<string, Buffer>([['model.json', Buffer.from(JSON.stringify(a.modelJson))]]);
  for (const s of a.shards) files.set(s.path, Buffer.from(s.data));
  const hits = new Map<string, number>();
  await context.route('**/tb-model/**', async (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop()!;
    hits.set(name, (hits.get(name) ?? 0) + 1);
    const body = files.get(name);
    await (body ? route.fulfill({ body, contentType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream' }) : route.fulfill({ status: 404 }));
  });
  return hits;
}

test('state and the cached model survive a reload; the shards are not downloaded again', async ({ context }) => {
  const hits = await serveArtefact(context, 'routed-1');
  const page = await open(context);
  const first = await create(page, { model: '/tb-model/model.json', namespace: 'reload', backend: FAST });
  expect(first.value).toMatchObject({ modelVersion: 'routed-1', modelSource: 'network', storage: 'indexeddb' });
  const shards = [...hits.keys()].filter((k) => k.endsWith('.bin'));
  expect(shards.length).toBeGreaterThan(1);
  for (const itemId of ['item-1', 'item-5', 'item-9', 'item-13', 'item-17']) await call(page, 'track', { itemId });
  const trackMs = await medianMs(page, 'track', 20, (i) => ({ itemId: `item-${(4 * i + 21) % 300}` }));
  const recommendMs = await medianMs(page, 'recommend', 20, () => ({ k: 10 }));
  const before = await call<{ events: unknown[]; userVector: number[] }>(page, 'exportData');
  const recsBefore = await call(page, 'recommend', { k: 10 });
  hits.clear();
  await page.reload();
  await expect(page.getByTestId('status')).toHaveText('idle');
  const second = await create(page, { model: '/tb-model/model.json', namespace: 'reload', backend: FAST });
  expect(second.value).toMatchObject({ modelVersion: 'routed-1', modelSource: 'cache' });
  console.log(`timings (ms, through the worker): create from network ${first.ms.toFixed(0)}, from cache ${second.ms.toFixed(0)}; track median ${trackMs.toFixed(2)}; recommend median ${recommendMs.toFixed(2)}`);
  expect([...hits.entries()]).toEqual([['model.json', 1]]);
  const after = await call<{ events: unknown[]; userVector: number[] }>(page, 'exportData');
  expect(after.events).toEqual(before.events);
  expect(after.userVector).toEqual(before.userVector);
  expect(await call(page, 'recommend', { k: 10 })).toEqual(recsBefore);
});

test('refreshModel() moves an open page to a newly published model version, keeping the events', async ({ context }) => {
  await serveArtefact(context, 'live-1');
  const page = await open(context);
  await create(page, { model: '/tb-model/model.json', namespace: 'live', backend: 'auto' });
  for (const itemId of ['item-1', 'item-5', 'item-9']) await call(page, 'track', { itemId });
  expect(await call(page, 'refreshModel')).toEqual({ updated: false, modelVersion: 'live-1', previousVersion: 'live-1' });
  const hits = await serveArtefact(context, 'live-2'); // the shop publishes; the newest route answers
  const updates = await page.evaluate(() => tb.updates());
  expect(await call(page, 'refreshModel')).toEqual({ updated: true, modelVersion: 'live-2', previousVersion: 'live-1' });
  expect(hits.get('model.json')).toBe(1);
  expect(await call(page, 'stats')).toMatchObject({ modelVersion: 'live-2', eventsStored: 3 });
  expect((await call<{ events: { itemId: string }[] }>(page, 'exportData')).events.map((e) => e.itemId)).toEqual(['item-1', 'item-5', 'item-9']);
  expect(await call<unknown[]>(page, 'recommend', { k: 10 })).toHaveLength(10);
  await expect.poll(() => page.evaluate(() => tb.updates())).toBeGreaterThan(updates);
});

test('stats().persistent reports the browser\'s answer to the persistence request', async ({ context }) => {
  const page = await open(context);
  await create(page, { synthetic: { numItems: 50 }, namespace: 'persist', backend: FAST });
  await expect.poll(async () => (await call<{ persistent: boolean | null }>(page, 'stats')).persistent).toBe(await page.evaluate(() => navigator.storage.persisted()));
  const { persistent } = await call<{ persistent: unknown }>(page, 'stats');
  console.log(`persistent storage granted in this Chromium: ${String(persistent)}`);
  expect(typeof persistent).toBe('boolean');
});

test('forget() leaves no tastebud data in IndexedDB', async ({ context }) => {
  const page = await open(context);
  await create(page, { synthetic: { numItems: 200 }, namespace: 'forget', backend: FAST });
  await call(page, 'track', [{ itemId: 'item-3' }, { itemId: 'item-7', type: 'purchase' }]);
  await call(page, 'exportData');
  const names = async () => (await page.evaluate(() => tb.databases())).map((d) => d.name ?? '');
  expect(await names()).toContain('tastebud/forget');
  await call(page, 'forget');
  expect((await names()).filter((n) => n.startsWith('tastebud'))).toEqual([]);
  // Reading afterwards (stats, recommend) must not recreate the database.
  expect(await call(page, 'stats')).toMatchObject({ eventsStored: 0 });
  await call(page, 'recommend', { k: 5 });
  expect((await names()).filter((n) => n.startsWith('tastebud'))).toEqual([]);
});

test('errors keep their class across the worker boundary', async ({ context }) => {
  const page = await open(context);
  const missing = await page.evaluate(() => tb.create({ model: '/no-such-model/model.json', namespace: 'errors', backend: ['cpu'] }));
  expect(missing).toMatchObject({ ok: false, name: 'ModelLoadError', instanceOfOwnClass: true, instanceOfTastebudError: true });
  const ready = await create(page, { synthetic: { numItems: 100 }, namespace: 'errors', backend: 'auto' });
  console.log('backend chosen by auto in the worker:', JSON.stringify(ready.value));
  expect(['webgpu', 'webgl', 'wasm', 'cpu', 'plain']).toContain((ready.value as { backend: string }).backend);
  const cases: [string, unknown[], string][] = [
    ['similarItems', ['no-such-item'], 'UnknownItemError'],
    ['recommend', [{ k: -1 }], 'InvalidInputError'],
    ['track', [{ itemId: 'item-1', type: 'stare' }], 'InvalidInputError'],
    ['track', [{ itemId: 'x'.repeat(100_000) }], 'InvalidInputError'],
  ];
  for (const [verb, args, name] of cases) {
    const out = await page.evaluate(([v, a]) => tb.call(v as string, ...(a as unknown[])), [verb, args] as const);
    expect(out, verb).toMatchObject({ ok: false, name, instanceOfOwnClass: true, instanceOfTastebudError: true });
  }
  expect(await call(page, 'stats')).toMatchObject({ eventsStored: 0 });
  await call(page, 'track', { itemId: 'item-4' });
  const stored = await call<{ events: unknown[]; userVector: number[] }>(page, 'exportData');
  await call(page, 'close');
  const closed = await page.evaluate(() => tb.call('recommend'));
  expect(closed).toMatchObject({ ok: false, name: 'ClosedError', instanceOfOwnClass: true });
  // A malformed artefact for the same namespace: ModelLoadError, and the shopper's stored state is untouched.
  await context.route('**/bad-model/model.json', (route) => route.fulfill({ body: '{"format":"tastebud-global-model","weightsManifest":[]}', contentType: 'application/json' }));
  const bad = await page.evaluate(() => tb.create({ model: '/bad-model/model.json', namespace: 'errors', backend: ['cpu'] }));
  expect(bad).toMatchObject({ ok: false, name: 'ModelLoadError', instanceOfOwnClass: true });
  await create(page, { synthetic: { numItems: 100 }, namespace: 'errors', backend: ['cpu'] });
  const again = await call<{ events: unknown[]; userVector: number[] }>(page, 'exportData');
  expect([again.events, again.userVector]).toEqual([stored.events, stored.userVector]);
});

async function leaderOf(pages: Page[]): Promise<number> {
  let who = -1;
  await expect
    .poll(async () => {
      const flags = await Promise.all(pages.map(async (p) => (await call<{ leader: boolean }>(p, 'stats')).leader));
      who = flags.indexOf(true);
      return flags.filter(Boolean).length;
    })
    .toBe(1);
  return who;
}

const clicks = (tab: number, n: number) => Array.from({ length: n }, (_, i) => ({ itemId: `item-${(tab + 4 * i) % 200}`, timestamp: 1_000_000 * tab + i }));

test('two tabs clicking concurrently store every event exactly once and show the same recommendations', async ({ context }) => {
  const pages = [await open(context), await open(context)];
  for (const p of pages) await create(p, { synthetic: { numItems: 200 }, namespace: 'tabs', backend: FAST });
  const leader = await leaderOf(pages);
  const N = 20;
  await Promise.all(pages.map((p, t) => p.evaluate((evs) => Promise.all(evs.map((e) => tb.call('track', e))), clicks(t + 1, N))));
  const raw = await pages[0].evaluate(() => tb.rawEvents('tabs'));
  const key = (e: { itemId: string; timestamp: number }) => `${e.itemId}@${e.timestamp}`;
  expect(raw.map(key).sort()).toEqual([...clicks(1, N), ...clicks(2, N)].map(key).sort());
  // Every event got an id where it was tracked (the dedupe key across retries and tabs); each id is stored once.
  const ids = raw.flatMap((e) => (e.eventId ? [e.eventId] : []));
  expect([ids.length, new Set(ids).size]).toEqual([2 * N, 2 * N]);
  await expect
    .poll(async () => {
      const [a, b] = await Promise.all(pages.map((p) => call(p, 'recommend', { k: 10 })));
      return JSON.stringify(a) === JSON.stringify(b);
    })
    .toBe(true);
  const viaLeader = await medianMs(pages[1 - leader], 'track', 10, (i) => ({ itemId: `item-${i}`, timestamp: 5_000_000 + i }));
  const direct = await medianMs(pages[leader], 'track', 10, (i) => ({ itemId: `item-${i}`, timestamp: 6_000_000 + i }));
  console.log(`track median (ms): in the leading tab ${direct.toFixed(2)}, forwarded from the other tab ${viaLeader.toFixed(2)}`);
});

test('when the leading tab closes mid-stream another takes over and no event is lost or doubled', async ({ context }) => {
  const pages = [await open(context), await open(context)];
  for (const p of pages) await create(p, { synthetic: { numItems: 200 }, namespace: 'handover', backend: FAST });
  const leader = await leaderOf(pages);
  const survivor = pages[1 - leader];
  const N = 24;
  const streaming = survivor.evaluate(async (evs) => {
    const out = [];
    for (const e of evs) {
      out.push(await tb.call('track', e));
      await new Promise((r) => setTimeout(r, 15));
    }
    return out;
  }, clicks(3, N));
  await survivor.waitForTimeout(120);
  await pages[leader].close();
  const results = await streaming;
  expect(results.every((r) => r.ok)).toBe(true);
  expect(await leaderOf([survivor])).toBe(0);
  const raw = await survivor.evaluate(() => tb.rawEvents('handover'));
  expect(raw.map((e) => e.timestamp).sort((a, b) => a - b)).toEqual(clicks(3, N).map((e) => e.timestamp));
});
