/**
 * The demo shop's generated catalogue: deterministic (seeded), no external data. Items carry the attributes the
 * CLI's attribute projection learns from (category, brand, price band) and the display data the shop renders.
 */
import { createRng, type Rng } from '../../src/model/rng.ts';
import { ADJECTIVES, CATEGORIES, COLOURS, PRICE_BANDS } from './names.ts';

export interface CatalogueParams {
  seed: number;
  itemsPerCategory: number;
}

export interface Product {
  id: string;
  title: string;
  category: string;
  brand: string;
  priceBand: string;
  /** Euros, two decimals. */
  price: number;
  colour: string;
  /** Path of the generated SVG, relative to the site root. */
  image: string;
}

export interface Catalogue {
  params: CatalogueParams;
  categories: { id: string; label: string }[];
  items: Product[];
}

export const DEFAULT_CATALOGUE: CatalogueParams = { seed: 7, itemsPerCategory: 150 };

/**
 * A deliberately hostile product title for the tests (never in the default catalogue a visitor sees): the e2e
 * test serves it in place of one title and checks it stays text. Real catalogues contain whatever merchants
 * typed; the widget must never parse item data as HTML.
 */
export const HOSTILE_TITLE = '<img src=x onerror=alert(1)>';
export const HOSTILE_ITEM_ID = 'sku-00003';

/** Maps a price to its band label ("25-50"). */
export function priceBand(price: number): string {
  for (const [upper, label] of PRICE_BANDS) if (price < upper) return label;
  return PRICE_BANDS[PRICE_BANDS.length - 1][1];
}

/** Image path for a category and colour index; the files come from `renderProductSvg`. */
export function imagePath(category: string, colour: number): string {
  return `generated/img/${category}-${colour}.svg`;
}

function makeProduct(rng: Rng, index: number, catIndex: number): Product {
  const cat = CATEGORIES[catIndex];
  const colour = rng.int(COLOURS.length);
  const [lo, hi] = cat.price;
  // Log-uniform prices: most items cheap, a few premium ones, like real shelves.
  const price = Math.round(Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo))) * 100) / 100;
  const brand = cat.brands[rng.int(cat.brands.length)];
  const title = `${brand} ${ADJECTIVES[rng.int(ADJECTIVES.length)]} ${cat.nouns[rng.int(cat.nouns.length)]}, ${COLOURS[colour][0]}`;
  return {
    id: `sku-${String(index).padStart(5, '0')}`,
    title,
    category: cat.id,
    brand,
    priceBand: priceBand(price),
    price,
    colour: COLOURS[colour][0],
    image: imagePath(cat.id, colour),
  };
}

/**
 * Generates the catalogue: `itemsPerCategory` products in each of the 16 categories, ids interleaved across
 * categories so an id says nothing about its category.
 *
 * @example
 * const c = generateCatalogue({ seed: 7, itemsPerCategory: 150 });
 * c.items.length; // 2400
 */
export function generateCatalogue(params: CatalogueParams = DEFAULT_CATALOGUE): Catalogue {
  const rng = createRng(params.seed);
  const items: Product[] = [];
  for (let n = 0; n < params.itemsPerCategory * CATEGORIES.length; n++) {
    items.push(makeProduct(rng, n + 1, n % CATEGORIES.length));
  }
  return { params, categories: CATEGORIES.map(({ id, label }) => ({ id, label })), items };
}
