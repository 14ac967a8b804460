/**
 * Fault suite, the embed's lazy boot when the TF.js chunks cannot be fetched (network error, 404, a CSP that
 * blocks them), on the built embed: every chunk the worker imports on demand fails. The shelf still fills from
 * the plain-TypeScript scan, `stats()` names why TF.js is absent, `tastebud('refresh')` still answers, and
 * nothing throws into the page. (The same fault in Node, with a new model after refreshModel:
 * test/faults/lazy_tf_missing.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { embedChunks } from '../../bench/lib/chunks.ts';

const DIST = resolve(process.env.TASTEBUD_DIST || 'dist');
const TEST_PAGE = readFileSync(new URL('../fixtures/embed_test.html', import.meta.url), 'utf8');
type Win = Window & { tastebud: (...a: unknown[]) => Promise<unknown> };
interface Stats { backend: string; backendLoading?: boolean; backendSkipped: { backend: string; reason: string }[]; workerRestarts?: number }

test('the TF.js chunks fail to load: the plain scan keeps the shelf, stats() says why, nothing throws', async ({ page }) => {
  const chunks = embedChunks(DIST);
  const upFront = new Set([...chunks.runtime, ...chunks.workerStatic].map((f) => basename(f)));
  const failed: string[] = [];
  await page.route(/\/assets\/[^/]+\.(js|wasm)$/, (route) => {
    const name = basename(new URL(route.request().url()).pathname);
    if (upFront.has(name)) return route.continue();
    failed.push(name);
    return route.fulfill({ status: 404, body: 'not found' });
  });
  await page.route('**/embed-test.html', (route) => route.fulfill({ body: TEST_PAGE, contentType: 'text/html; charset=utf-8' }));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message || String(e)));
  await page.goto('/embed-test.html');
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.async = true;
    s.src = '/tastebud.js';
    Object.assign(s.dataset, { model: '/generated/model/model.json', catalogue: '/generated/catalogue.json', namespace: `notf-${Math.random().toString(36).slice(2)}` });
    document.head.append(s);
  });
  await expect(page.locator('#plain')).toHaveAttribute('aria-busy', 'false', { timeout: 90_000 });
  await expect(page.locator('#plain .tb-item')).toHaveCount(4);
  const stats = (): Promise<Stats> => page.evaluate(() => (window as unknown as Win).tastebud('stats') as Promise<Stats>);
  await expect.poll(async () => (await stats()).backendLoading, { timeout: 90_000 }).toBeUndefined();
  const s = await stats();
  console.log(`fault suite | TF.js chunks fail (${failed.length} refused): backend ${s.backend}, ${s.backendSkipped.map((x) => x.reason).join('; ')}, ${errors.length} page errors`);
  expect(failed.length).toBeGreaterThan(0); // the worker did ask for TF.js
  expect(s.backend).toBe('plain');
  expect(s.backendSkipped).toEqual([{ backend: 'tfjs', reason: expect.stringMatching(/^BackendError: the TF\.js chunk did not load/) }]);
  expect(s.workerRestarts ?? 0).toBe(0);
  expect(await page.evaluate(() => (window as unknown as Win).tastebud('refresh'))).toMatchObject({ updated: false });
  expect(((await page.evaluate(() => (window as unknown as Win).tastebud('recommend', { k: 5 }))) as unknown[]).length).toBe(5);
  expect(errors).toEqual([]);
});
