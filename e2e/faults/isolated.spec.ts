/**
 * Fault suite, shop pages that are cross-origin isolated (`Cross-Origin-Opener-Policy: same-origin` +
 * `Cross-Origin-Embedder-Policy: require-corp`, e.g. for SharedArrayBuffer or memory measurement), on the built
 * embed. Two ways a shop sets them:
 * - on every response (the worker is isolated too): TF.js's wasm backend then sees SharedArrayBuffer and would pick
 *   its threaded build, whose pthread workers the bundle cannot start — the backend must still load, single-threaded;
 * - on its pages only: the browser refuses the worker script (no COEP header of its own), so the worker dies at boot.
 *   That, and a worker script that throws at boot, must end in the documented fallback: the shelf shows the
 *   non-personal list (trending.json), is not left busy, and nothing throws into the page.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { injectLoader, type TastebudWindow } from '../embed_helpers.ts';

const TEST_PAGE = readFileSync(new URL('../fixtures/embed_test.html', import.meta.url), 'utf8');
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
/** A flag only TF.js's webgpu / webgl backend package registers: identifies their chunks in the build. */
const GPU_BACKEND_FLAGS = ['WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', 'WEBGL_FORCE_F16_TEXTURES'];

interface Stats { backend: string; backendLoading?: boolean; autoBackend?: { state: string; choice?: string; ms?: Record<string, number>; failed?: { backend: string }[] }; backendSkipped: { backend: string; reason: string }[]; workerRestarts?: number; eventsStored: number }

/** Console warnings and uncaught errors of the page (its workers' uncaught errors reach it as `pageerror`). */
function watch(page: Page): { errors: string[]; warnings: string[] } {
  const seen = { errors: [] as string[], warnings: [] as string[] };
  page.on('pageerror', (e) => seen.errors.push(e.message || String(e)));
  page.on('console', (m) => m.type() === 'warning' && seen.warnings.push(m.text()));
  return seen;
}

// A test can end while a script or the model is still fetched through openIsolated's route; its late
// `route.fulfill` on the closed page would otherwise be reported as the test's failure.
test.afterEach(async ({ page }) => {
  await page.unrouteAll({ behavior: 'ignoreErrors' });
});

/**
 * The embed test page, isolated; `scope: 'site'` puts the headers on every response (scripts, wasm, JSON) too,
 * and `block` fails the scripts whose text it matches.
 */
async function openIsolated(page: Page, scope: 'site' | 'page', backend: string, namespace: string, block?: (js: string) => boolean): Promise<void> {
  if (scope === 'site') {
    await page.route(/^http:\/\/localhost:\d+\//, async (route) => {
      const response = await route.fetch();
      const body = await response.body();
      if (block && route.request().url().endsWith('.js') && block(body.toString('utf8'))) return route.abort('failed');
      await route.fulfill({ response, body, headers: { ...response.headers(), ...ISOLATION } });
    });
  }
  await page.route('**/embed-test.html', (route) => route.fulfill({ body: TEST_PAGE, contentType: 'text/html; charset=utf-8', headers: ISOLATION }));
  await page.goto('/embed-test.html');
  expect(await page.evaluate(() => crossOriginIsolated), 'the page is cross-origin isolated').toBe(true);
  await injectLoader(page, { model: '/generated/model/model.json', catalogue: '/generated/catalogue.json', namespace, ...(backend !== 'auto' && { backend }) });
  await page.waitForFunction(() => Array.isArray((window as unknown as { tastebud: { i?: unknown } }).tastebud.i)); // the loader replaced the snippet's stub
}

const stats = (page: Page): Promise<Stats> => page.evaluate(() => (window as unknown as TastebudWindow).tastebud('stats') as Promise<Stats>);

for (const backend of ['wasm', 'auto']) {
  test(`isolated on every response, backend ${backend}: the shelf fills and TF.js wasm loads single-threaded`, async ({ page }) => {
    const seen = watch(page);
    // auto: the GPU backends' chunks fail, so the measurement times plain, cpu and wasm
    const block = backend === 'auto' ? (js: string) => GPU_BACKEND_FLAGS.some((f) => js.includes(f)) : undefined;
    await openIsolated(page, 'site', backend, `iso-${backend}-${Math.random().toString(36).slice(2)}`, block);
    await expect(page.locator('#plain')).toHaveAttribute('aria-busy', 'false', { timeout: 90_000 });
    await expect(page.locator('#plain .tb-item')).toHaveCount(4);
    // The backend takes over from the plain scan; had the threaded build been picked, it would stay 'plain' forever.
    // Under auto the measurement decides which backend runs: wasm must have been timed, not have failed.
    if (backend === 'auto') {
      await expect.poll(async () => (await stats(page)).autoBackend?.state, { timeout: 90_000 }).toBe('done');
      const auto = (await stats(page)).autoBackend!;
      expect(Number.isFinite(auto.ms?.wasm), `wasm timed: ${JSON.stringify(auto)}`).toBe(true);
      expect((auto.failed ?? []).map((f) => f.backend)).not.toContain('wasm');
      await expect.poll(async () => (await stats(page)).backend, { timeout: 90_000 }).toBe(auto.choice);
    } else {
      await expect.poll(async () => (await stats(page)).backend, { timeout: 90_000 }).toBe('wasm');
    }
    const s = await stats(page);
    console.log(`fault suite | isolated page (every response), ${backend}: backend ${s.backend}, skipped ${s.backendSkipped.map((x) => x.backend).join(', ') || 'none'}, ${s.workerRestarts ?? 0} worker restarts, ${seen.errors.length} page errors`);
    expect(s.backendLoading).toBeUndefined();
    expect(s.workerRestarts ?? 0).toBe(0);
    expect((await page.evaluate(() => (window as unknown as TastebudWindow).tastebud('recommend', { k: 5 })) as unknown[]).length).toBe(5);
    expect(seen.errors).toEqual([]);
  });
}

const BOOT_FAULTS: [string, (page: Page) => Promise<void>][] = [
  ['the page is isolated but the worker script has no COEP header (the browser refuses it)', async () => undefined],
  ['the worker script throws at boot', async (page) => void (await page.route(/\/assets\/worker-[\w-]+\.js$/, (r) => r.fulfill({ body: 'throw new Error("boom at boot")', contentType: 'text/javascript', headers: ISOLATION })))],
];

for (const [what, fault] of BOOT_FAULTS) {
  test(`worker dies at boot (${what}): the non-personal list, not busy, one warning, no error in the page`, async ({ page, request }) => {
    const trending = ((await (await request.get('/generated/model/trending.json')).json()) as { items: string[] }).items;
    const seen = watch(page);
    await fault(page);
    const ns = `boot-${Math.random().toString(36).slice(2)}`;
    await openIsolated(page, 'page', 'auto', ns);
    const stuck = await page.evaluate(() => (window as unknown as TastebudWindow).tastebud('stats') as Promise<Stats>);
    console.log(`fault suite | worker dies at boot (${what}): backend ${stuck.backend}, ${stuck.backendSkipped.map((x) => x.reason).join('; ')}`);
    expect(stuck.backend).toBe('none');
    await expect(page.locator('#plain')).toHaveAttribute('aria-busy', 'false');
    const shelf = await page.locator('#plain .tb-item').evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset.itemId, (e as HTMLElement).dataset.source]));
    expect(shelf).toEqual(trending.slice(0, 4).map((id) => [id, 'trending']));
    expect(await page.evaluate(() => (window as unknown as TastebudWindow).tastebud('recommend', { k: 3 }))).toEqual(trending.slice(0, 3).map((itemId) => expect.objectContaining({ itemId, source: 'trending' })));
    // clicks are still kept on the device for a later page whose worker starts
    expect(await page.evaluate(() => (window as unknown as TastebudWindow).tastebud('track', 'select_item', { item_id: 'sku-00002' }))).toEqual({ stored: 1, ignored: 0 });
    expect(seen.warnings.filter((w) => w.startsWith('tastebud:'))).toHaveLength(1);
    expect(seen.errors).toEqual([]);
  });
}
