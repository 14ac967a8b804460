/**
 * Generated product images: one small SVG per category and colour (16 x 8 files), so 2,400 products share 128
 * cacheable files and the page needs no `data:` URLs (a strict CSP can keep `img-src 'self'`).
 */
import { CATEGORIES, COLOURS } from './names.ts';
import { imagePath } from './catalogue.ts';

/**
 * The SVG text for one category icon on a colour tile.
 *
 * @example
 * renderProductSvg('shoes', '#d94c4c').startsWith('<svg'); // true
 */
export function renderProductSvg(category: string, hex: string): string {
  const spec = CATEGORIES.find((c) => c.id === category);
  if (!spec) throw new Error(`unknown category ${category}`);
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="256" height="256">',
    `<rect width="64" height="64" rx="6" fill="${hex}" opacity="0.18"/>`,
    `<circle cx="32" cy="32" r="26" fill="${hex}" opacity="0.25"/>`,
    `<path d="${spec.icon}" fill="none" stroke="${hex}" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>`,
    '</svg>',
  ].join('');
}

/** Every image file of the catalogue: relative path → SVG text. */
export function allProductImages(): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of CATEGORIES) COLOURS.forEach(([, hex], i) => out.set(imagePath(c.id, i), renderProductSvg(c.id, hex)));
  return out;
}
