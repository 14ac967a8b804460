/**
 * The demo page's HTML holds the listing's for-you shelf, as a server-rendered shop page would, so the shelf kept
 * on the device paints as soon as the loader runs; the shop bundle's view then puts its own for-you shelf in the
 * same spot. Both must be the same shelf (same placement, size and rules), or the swap would change what shows.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const html = read('index.html');

describe('demo page', () => {
  it('has the listing shelf in the HTML, with the attributes the bundle gives it', () => {
    const tag = /<tastebud-recs ([^>]*)>/.exec(html)?.[1] ?? '';
    const attrs = Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const forYou = /shelf\('for-you', \{ ([^}]*) \}/.exec(read('demo/shop.ts'))?.[1] ?? '';
    const fromBundle = Object.fromEntries([...forYou.matchAll(/'?([\w-]+)'?: '([^']*)'/g)].map((m) => [m[1], m[2]]));
    expect(Object.keys(fromBundle)).toEqual(expect.arrayContaining(['kind', 'k', 'heading', 'max-per']));
    const { 'data-testid': testid, ...rest } = attrs;
    expect(rest).toEqual(fromBundle);
    expect(testid).toBe('for-you');
  });

  it('hides that shelf on product routes before the body is parsed (the classic snippet script, then the CSS)', () => {
    expect(html.indexOf('<script src="/snippet.js">')).toBeLessThan(html.indexOf('<body>'));
    expect(read('public/snippet.js')).toMatch(/dataset\.route = .*'product'/);
    expect(read('demo/style.css')).toMatch(/html\[data-route='product'\] \.catalogue\.early \{ display: none; \}/);
  });
});

describe('demo cache policy (demo/cache_policy.ts, sent by vite preview and the benches’ server)', () => {
  it('caches the loader and the snippet briefly, hashed assets for good, and revalidates pages, runtime and model', async () => {
    const { cacheControlFor } = await import('../../demo/cache_policy.ts');
    expect(cacheControlFor('/tastebud.js')).toBe('public, max-age=300');
    expect(cacheControlFor('/snippet.js')).toBe('public, max-age=300');
    expect(cacheControlFor('/assets/main-Dk2fA1.js')).toBe('public, max-age=31536000, immutable');
    for (const p of ['/', '/index.html', '/tastebud-runtime.js', '/generated/model/model.json', '/generated/catalogue.json'])
      expect(cacheControlFor(p)).toBe('no-cache');
  });
});
