/**
 * Fault suite, the fallback shelf when the shop's catalogue request fails (404, network, CSP) and the worker dies
 * at boot too, on the built embed: trending.json still loaded, so the shelf shows the trending list as cards — the
 * title, link, image and price the CLI wrote into trending.json (`pretrain --catalogue`) — not busy, no page error.
 * An older trending.json with ids only still fills the shelf (with the ids as titles).
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

const TEST_PAGE = readFileSync(new URL('../fixtures/embed_test.html', import.meta.url), 'utf8');
type Win = Window & { tastebud: (...a: unknown[]) => Promise<unknown> };
interface CatalogueItem { id: string; title: string; price: number; image: string }
interface Trending { items: string[]; display?: { id: string; title?: string }[] }

/** Console warnings and uncaught errors of the page (its workers' uncaught errors reach it as `pageerror`). */
function watch(page: Page): { errors: string[]; warnings: string[] } {
  const seen = { errors: [] as string[], warnings: [] as string[] };
  page.on('pageerror', (e) => seen.errors.push(e.message || String(e)));
  page.on('console', (m) => m.type() === 'warning' && seen.warnings.push(m.text()));
  return seen;
}

/** The test page with the snippet; the catalogue request fails and the worker script throws at boot. */
async function openBroken(page: Page, namespace: string): Promise<void> {
  await page.route('**/embed-test.html', (route) => route.fulfill({ body: TEST_PAGE, contentType: 'text/html; charset=utf-8' }));
  await page.route('**/generated/catalogue.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.route(/\/assets\/worker-[\w-]+\.js$/, (r) => r.fulfill({ body: 'throw new Error("boom at boot")', contentType: 'text/javascript' }));
  await page.goto('/embed-test.html');
  await page.evaluate((ns) => {
    const s = document.createElement('script');
    s.async = true;
    s.src = '/tastebud.js';
    Object.assign(s.dataset, { model: '/generated/model/model.json', catalogue: '/generated/catalogue.json', namespace: ns });
    document.head.append(s);
  }, namespace);
}

const shelfOf = (page: Page) =>
  page.locator('#plain .tb-item').evaluateAll((els) =>
    els.map((e) => ({
      id: (e as HTMLElement).dataset.itemId,
      source: (e as HTMLElement).dataset.source,
      title: e.querySelector('.tb-title')?.textContent,
      price: e.querySelector('.tb-price')?.textContent ?? null,
      image: e.querySelector('img')?.getAttribute('src') ?? null,
    })),
  );

test('no catalogue and no worker: the trending shelf renders as cards from trending.json', async ({ page, request }) => {
  const trending = (await (await request.get('/generated/model/trending.json')).json()) as Trending;
  const catalogue = ((await (await request.get('/generated/catalogue.json')).json()) as { items: CatalogueItem[] }).items;
  const byId = new Map(catalogue.map((it) => [it.id, it]));
  const seen = watch(page);
  await openBroken(page, `nocat-${Math.random().toString(36).slice(2)}`);
  await expect(page.locator('#plain')).toHaveAttribute('aria-busy', 'false');
  await expect(page.locator('#plain .tb-item')).toHaveCount(4);
  const shelf = await shelfOf(page);
  console.log(`fault suite | no catalogue, worker dead at boot: ${shelf.length} trending cards, ${shelf.filter((x) => x.title !== x.id).length} with titles, ${seen.errors.length} page errors`);
  expect(shelf.map((x) => [x.id, x.source])).toEqual(trending.items.slice(0, 4).map((id) => [id, 'trending']));
  for (const card of shelf) {
    const want = byId.get(card.id!)!;
    expect(card.title, `${card.id}: the catalogue's title, shipped in trending.json`).toBe(want.title);
    expect(card.image).toBe(new URL(want.image, page.url()).href); // resolved against the page, as from the catalogue
    expect(card.price).toMatch(String(Math.floor(want.price)));
  }
  expect(seen.errors).toEqual([]);
});

test('an older trending.json (ids only) still fills the shelf when the catalogue fails', async ({ page, request }) => {
  const trending = (await (await request.get('/generated/model/trending.json')).json()) as Trending;
  await page.route('**/generated/model/trending.json', (route) => route.fulfill({ json: { modelVersion: 'old', items: trending.items } }));
  const seen = watch(page);
  await openBroken(page, `nocat-old-${Math.random().toString(36).slice(2)}`);
  await expect(page.locator('#plain')).toHaveAttribute('aria-busy', 'false');
  await expect(page.locator('#plain .tb-item')).toHaveCount(4);
  const shelf = await shelfOf(page);
  expect(shelf.map((x) => [x.id, x.source, x.title])).toEqual(trending.items.slice(0, 4).map((id) => [id, 'trending', id]));
  expect(await page.evaluate(() => (window as unknown as Win).tastebud('recommend', { k: 3 }))).toEqual(trending.items.slice(0, 3).map((itemId) => expect.objectContaining({ itemId, source: 'trending' })));
  expect(seen.errors).toEqual([]);
});
