/**
 * The worker answers its first query before TF.js loads (issue 16: "load what is needed first, the rest
 * lazily"). The chunks the worker can only import on demand (TF.js core, kernels, each backend, wasm) are held
 * back by a route until the shelf has shown the runtime's first answer: had the worker waited for them, that
 * answer would never come. Then they are let through, the backend takes over, and the ranking stays the same
 * within the backends' tolerance. Also checks the JS the worker fetched before that answer (<= 60 KB gzipped).
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { embedChunks, gzipOfAssets } from '../bench/lib/chunks.ts';
import { injectLoader, type TastebudWindow } from './embed_helpers.ts';

const DIST = resolve(process.env.TASTEBUD_DIST || 'dist');
const TEST_PAGE = readFileSync(new URL('./fixtures/embed_test.html', import.meta.url), 'utf8');
const BUDGET = 60 * 1024;

type Win = TastebudWindow & { firstAnswer?: number };
interface Rec { itemId: string; score: number }

for (const backend of ['auto', 'wasm']) {
  test(`backend ${backend}: the first answer comes before any TF.js chunk, from <= 60 KB of worker JS`, async ({ page }) => {
    const chunks = embedChunks(DIST);
    const upFront = new Set([...chunks.runtime, ...chunks.workerStatic].map((f) => basename(f)));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const held: string[] = [];
    const fetched: string[] = [];
    let answered = false;
    // Fetched = the response arrived (a held request is asked for but not fetched).
    page.on('requestfinished', (r) => {
      const path = new URL(r.url()).pathname;
      if (/\/assets\/.*\.(js|wasm)$/.test(path)) fetched.push(answered ? `after:${basename(path)}` : basename(path));
    });
    await page.route(/\/assets\/[^/]+\.(js|wasm)$/, async (route) => {
      const name = basename(new URL(route.request().url()).pathname);
      if (!upFront.has(name)) {
        held.push(name);
        await released; // what the worker loads lazily waits until the first answer is on the page
      }
      await route.continue();
    });
    await page.route('**/embed-test.html', (route) => route.fulfill({ body: TEST_PAGE, contentType: 'text/html; charset=utf-8' }));
    await page.addInitScript(() => {
      document.addEventListener('tastebud:render', () => ((window as unknown as Win).firstAnswer ??= performance.now()));
    });
    await page.goto('/embed-test.html');
    await injectLoader(page, { model: '/generated/model/model.json', catalogue: '/generated/catalogue.json', namespace: `first-${Math.random().toString(36).slice(2)}`, ...(backend !== 'auto' && { backend }) });

    await page.waitForFunction(() => (window as unknown as Win).firstAnswer !== undefined, null, { timeout: 90_000 });
    answered = true;
    const before = fetched.filter((n) => !n.startsWith('after:'));
    const workerBytes = gzipOfAssets(DIST, before.filter((n) => chunks.workerAll.has(resolve(DIST, 'assets', n))));
    const stats = (await page.evaluate(() => (window as unknown as Win).tastebud('stats'))) as { backend: string; backendLoading?: boolean };
    const first = (await page.evaluate(() => (window as unknown as Win).tastebud('recommend', { k: 10 }))) as Rec[];
    console.log(`first answer | ${backend}: worker JS before it ${(workerBytes / 1024).toFixed(1)} KB gz (${before.join(', ')}); held back: ${held.join(', ') || 'none'}`);
    expect(before).toContain(basename(chunks.worker)); // the worker's own requests are seen here
    expect(workerBytes).toBeLessThanOrEqual(BUDGET);
    expect(stats).toMatchObject({ backend: 'plain', backendLoading: true });

    release();
    // auto: the backend measured fastest here takes over (the plain scan itself may be it, docs/shop.md).
    await expect.poll(async () => ((await page.evaluate(() => (window as unknown as Win).tastebud('stats'))) as { backendLoading?: boolean }).backendLoading, { timeout: 90_000 }).toBeUndefined();
    expect(held.length).toBeGreaterThan(0); // TF.js did load, after the answer
    const s = (await page.evaluate(() => (window as unknown as Win).tastebud('stats'))) as { backend: string; autoBackend?: { state: string; choice: string } };
    if (backend !== 'auto') expect(s.backend).toBe(backend);
    else expect(s.autoBackend).toMatchObject({ state: 'done', choice: s.backend });
    const after = (await page.evaluate(() => (window as unknown as Win).tastebud('recommend', { k: 10 }))) as Rec[];
    // Same scores rank by rank (items of equal score may trade places between float paths).
    expect(after.map((r) => r.score)).toEqual(first.map((r) => expect.closeTo(r.score, 3)));
  });
}
