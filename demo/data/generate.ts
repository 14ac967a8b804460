/**
 * Writes the demo shop's generated data: `catalogue.json`, `clicks.csv` (the CLI's input) and the product SVGs.
 * Run: `npx tsx demo/data/generate.ts [outDir]` (default `public/generated`). Deterministic: same params, same bytes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_CATALOGUE, generateCatalogue, type CatalogueParams } from './catalogue.ts';
import { clickLogCsv, DEFAULT_CLICK_LOG, generateClickLog, type ClickLogParams } from './click_log.ts';
import { allProductImages } from './svg.ts';

export interface GenerateParams {
  catalogue: CatalogueParams;
  clickLog: ClickLogParams;
}

export const DEFAULT_PARAMS: GenerateParams = { catalogue: DEFAULT_CATALOGUE, clickLog: DEFAULT_CLICK_LOG };

/**
 * Short hash of the params, used to cache the pretrained model: a change of generator params retrains.
 *
 * @example
 * paramsHash(DEFAULT_PARAMS); // e.g. "3f9a0c12"
 */
export function paramsHash(params: GenerateParams, extra = ''): string {
  return createHash('sha256').update(JSON.stringify(params) + extra).digest('hex').slice(0, 8);
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * Generates everything into `outDir`; returns the counts written.
 *
 * @example
 * generateAll('public/generated'); // { items: 2400, clicks: 118000, images: 128 }
 */
export function generateAll(outDir: string, params: GenerateParams = DEFAULT_PARAMS): { items: number; clicks: number; images: number } {
  const catalogue = generateCatalogue(params.catalogue);
  const log = generateClickLog(catalogue, params.clickLog);
  write(join(outDir, 'catalogue.json'), JSON.stringify(catalogue));
  write(join(outDir, 'clicks.csv'), clickLogCsv(log));
  // Item attributes for the CLI's attribute projection (`--attributes`: {"item": [attr, ...]}).
  const attrs = Object.fromEntries(catalogue.items.map((p) => [p.id, [`category=${p.category}`, `brand=${p.brand}`, `priceBand=${p.priceBand}`]]));
  write(join(outDir, 'attributes.json'), JSON.stringify(attrs));
  const images = allProductImages();
  // Image paths are site-relative (`generated/img/...`) and outDir is what the site serves as `generated/`.
  for (const [path, svg] of images) write(join(outDir, path.replace(/^generated\//, '')), svg);
  return { items: catalogue.items.length, clicks: log.length, images: images.size };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = process.argv[2] ?? 'public/generated';
  const t0 = Date.now();
  const counts = generateAll(outDir);
  console.log(`generated ${counts.items} items, ${counts.clicks} clicks, ${counts.images} images in ${outDir} (${Date.now() - t0} ms)`);
}
