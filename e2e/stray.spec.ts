/**
 * The stray-click signal on the built embed: a product page left within the window (`data-stray-ms`: hidden, then
 * pagehide) stores its view weighed 0; a page kept open longer stores a plain view. Each view is stored once.
 * The hand-over of a view to the next page (sessionStorage) is covered by test/embed_stray.test.ts.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { injectLoader, type TastebudWindow } from './embed_helpers.ts';

const MODEL = '/generated/model/model.json';
const TEST_PAGE = readFileSync(new URL('./fixtures/embed_test.html', import.meta.url), 'utf8');
const WINDOW_MS = 1500;

type Stored = { itemId: string; type: string; weight?: number; eventId?: string };

test.beforeEach(async ({ page }) => {
  await page.route('**/embed-test.html', (route) => route.fulfill({ body: TEST_PAGE, contentType: 'text/html; charset=utf-8' }));
});

/** A product page of the shop: the test page with the snippet (`data-stray-ms` = windowMs), ready. */
async function productPage(page: Page, windowMs: number): Promise<void> {
  await page.goto('/embed-test.html');
  await injectLoader(page, { model: MODEL, namespace: 'stray', strayMs: String(windowMs), backend: 'cpu' });
  await page.evaluate(() => new Promise((r) => (window as unknown as TastebudWindow).tastebud('ready', r)));
}

const viewItem = (page: Page, id: string): Promise<unknown> => page.evaluate((x) => (window as unknown as TastebudWindow).tastebud('track', 'view_item', { items: [{ item_id: x }] }), id);
const stored = (page: Page): Promise<Stored[]> => page.evaluate(async () => (((await (window as unknown as TastebudWindow).tastebud('export')) as { events: Stored[] } | undefined)?.events ?? []));

/** The item ids of the views held for the next page (sessionStorage), in order. */
const heldIds = (page: Page): Promise<string[]> =>
  page.evaluate(() => (JSON.parse(sessionStorage.getItem('tastebud:stray:views') ?? '[]') as { events: { itemId: string }[] }[]).flatMap((h) => h.events.map((e) => e.itemId)));

/** The shopper backs out: the tab is hidden, then the page is left (what a back navigation fires, in order). */
const backOut = (page: Page): Promise<void> =>
  page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
  });

test('a back-out within the window is stored weighed 0, a longer view as a view, each once', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A long window, so the slowest machine still backs out inside it.
  await productPage(page, 60_000);
  await viewItem(page, 'sku-00020');
  expect((await stored(page)).filter((e) => e.itemId === 'sku-00020'), 'held, not stored yet').toEqual([]);
  expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual(['tastebud:stray:views']); // for the next page
  await backOut(page);
  await expect.poll(async () => (await stored(page)).filter((e) => e.itemId === 'sku-00020')).toEqual([expect.objectContaining({ type: 'view', weight: 0 })]);
  // Stored, so the hand-over is cleared: the next page must not send it again (the store would drop a second
  // send by its event id, so counting stored events alone could not catch a hand-over that is never cleared).
  await expect.poll(() => heldIds(page), 'the hand-over is cleared once stored').toEqual([]);

  await productPage(page, WINDOW_MS); // the next page: nothing left over to store again
  await viewItem(page, 'sku-00021');
  expect(await heldIds(page), 'the next page holds its own view only').toEqual(['sku-00021']);
  await page.waitForTimeout(WINDOW_MS + 500);
  await expect.poll(async () => (await stored(page)).filter((e) => e.itemId === 'sku-00021')).toHaveLength(1);
  const all = await stored(page);
  const long = all.find((e) => e.itemId === 'sku-00021')!;
  expect(long.type).toBe('view');
  expect(long.weight, 'a view kept open past the window is a plain view').toBeUndefined();
  expect(all.filter((e) => e.itemId === 'sku-00020'), 'the stray view is stored once, still weighed 0').toEqual([expect.objectContaining({ type: 'view', weight: 0 })]);
  expect(errors).toEqual([]);
  await page.evaluate(() => (window as unknown as TastebudWindow).tastebud('forget'));
});

test('without consent nothing is held or stored, not even in sessionStorage', async ({ page }) => {
  await page.goto('/embed-test.html');
  await injectLoader(page, { model: MODEL, namespace: 'stray-consent', consent: 'required', backend: 'cpu' });
  await page.evaluate(() => new Promise((r) => (window as unknown as TastebudWindow).tastebud('ready', r)));
  await viewItem(page, 'sku-00022');
  expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('tastebud')))).toEqual([]);
  await page.goto('/embed-test.html');
  expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('tastebud')))).toEqual([]);
});
