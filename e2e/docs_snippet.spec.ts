/**
 * The docs' embed examples, taken from the Markdown as it stands (so they cannot diverge), run in Chromium against
 * the production build: README.md's snippet (script tags + widgets) on a plain page, hosted the way the docs say —
 * the embed folder under /tastebud/, the model under /model/, the catalogue at /catalogue.json (routes onto the
 * build's files and the demo's generated model) — then docs/integrate.md's command examples on the same page.
 * Also checks the promise in docs/privacy.md: no request carries the item the shopper clicked.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { codeBlocks } from '../scripts/docs/markdown.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const integrate = readFileSync(new URL('../docs/integrate.md', import.meta.url), 'utf8');
const privacy = readFileSync(new URL('../docs/privacy.md', import.meta.url), 'utf8');

function block(markdown: string, lang: string, needle: string): string {
  const found = codeBlocks(markdown, lang).filter((b) => b.code.includes(needle));
  expect(found, `one ${lang} block with ${needle}`).toHaveLength(1);
  return found[0].code;
}

const PAGE = (snippet: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>docs snippet</title></head>
<body><h1>A shop page</h1>
${snippet}
</body></html>`;

// A test can end while the worker still fetches the model through a remap below; without this, Playwright reports
// that handler's late `route.fulfill` on the closed page ("Fetch response has been disposed") as the test's failure.
test.afterEach(async ({ page }) => {
  await page.context().unrouteAll({ behavior: 'ignoreErrors' });
});

/** Serves the page and maps the docs' hosting layout onto the build (dist/ and its generated demo model). */
async function hostAsDocumented(page: Page, html: string): Promise<string[]> {
  const requests: string[] = [];
  page.context().on('request', (r) => requests.push(`${r.method()} ${r.url()} ${r.postData() ?? ''}`));
  const remap = (from: RegExp, to: string) =>
    page.context().route(from, async (route) => {
      const response = await route.fetch({ url: route.request().url().replace(from, to) });
      await route.fulfill({ response });
    });
  await page.route('**/docs-snippet.html', (route) => route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' }));
  await remap(/\/tastebud\//, '/');
  await remap(/\/model\//, '/generated/model/');
  await remap(/\/catalogue\.json$/, '/generated/catalogue.json');
  return requests;
}

test("README's embed snippet renders both widgets from the built files, and integrate.md's own markup", async ({ page }) => {
  const snippet = block(readme, 'html', 'data-model') + block(integrate, 'html', '<template>');
  const requests = await hostAsDocumented(page, PAGE(snippet));
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && m.text().startsWith('tastebud') && warnings.push(m.text()));
  page.on('pageerror', (e) => warnings.push(`page error: ${e.message}`));
  await page.goto('/docs-snippet.html');

  const forYou = page.locator('tastebud-recs').nth(0);
  const similar = page.locator('tastebud-recs').nth(1);
  await expect(forYou.locator('li.tb-item')).toHaveCount(8);
  await expect(similar.locator('li.tb-item')).toHaveCount(6);
  // titles and links come from the catalogue and data-item-url, not bare ids
  await expect(forYou.locator('.tb-title').first()).not.toHaveText(/^sku-/);
  expect(await similar.locator('li.tb-item').evaluateAll((li) => li.map((x) => (x as HTMLElement).dataset.itemId))).not.toContain('sku-00042');
  const href = await forYou.locator('a.tb-link').first().getAttribute('href');
  expect(href).toMatch(/\/product\/sku-\d+$/);
  const custom = page.locator('tastebud-recs').nth(2);
  await expect(custom.locator('h3')).toHaveCount(4);
  await expect(custom.locator('h3').first()).not.toHaveText(/^(sku-.*)?$/);
  expect(requests.some((r) => r.includes('/tastebud/tastebud-runtime.js'))).toBe(true);
  // the shelves may paint from the shipped trending list first; the runtime still loads the model itself
  await expect.poll(() => requests.some((r) => r.includes('/model/model.json'))).toBe(true);
  expect(warnings).toEqual([]);
});

test("docs/integrate.md's commands run on that page, and no request carries a clicked item", async ({ page }) => {
  const requests = await hostAsDocumented(page, PAGE(block(readme, 'html', 'data-model')));
  const logs: string[] = [];
  const warnings: string[] = [];
  page.on('console', (m) => (m.type() === 'warning' && m.text().startsWith('tastebud') ? warnings.push(m.text()) : logs.push(m.text())));
  await page.goto('/docs-snippet.html');
  await expect(page.locator('tastebud-recs').nth(0).locator('li.tb-item')).toHaveCount(8);

  const commands = block(integrate, 'js', "tastebud('track'");
  const seen = requests.length;
  await page.evaluate(commands);
  await expect.poll(() => logs.includes('running') && logs.includes('recommendations changed'), { timeout: 60_000 }).toBe(true);
  await page.evaluate(block(privacy, 'js', "tastebud('export'"));
  await expect.poll(() => logs.some((l) => l.startsWith('{') && JSON.parse(l).namespace === 'my-shop'), { timeout: 30_000 }).toBe(true);
  expect(logs.some((l) => /^(webgpu|webgl|wasm|cpu|plain) (indexeddb|memory)$/.test(l))).toBe(true); // stats ('plain' while TF.js still loads: the worker answers before it)
  expect(warnings).toEqual([]);
  // privacy.md: nothing the shopper did is sent anywhere (the only later request is refresh's model.json check)
  const later = requests.slice(seen);
  expect(later.filter((r) => r.includes('sku-00042') || r.includes('select_item'))).toEqual([]);
  expect(later.every((r) => r.startsWith('GET '))).toBe(true);
});
