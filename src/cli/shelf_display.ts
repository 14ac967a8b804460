/**
 * `pretrain --catalogue`: the few display fields (title, url, image, price, currency) of the shipped trending
 * items, written into trending.json, so the embed's cold-start and fallback shelves render cards even when the
 * shop's catalogue request fails (or the page has no `data-catalogue`). The catalogue is the file the embed
 * loads (a JSON array of items, or `{ "items": [...] }`), or CSV / TSV / JSON lines with an id column.
 */
import { InvalidInputError } from '../errors.ts';
import { readCatalogue } from '../import/catalogue.ts';
import { readLines } from './lines.ts';

/** What a shelf card shows besides the id; `name` in the catalogue counts as `title`. */
export interface ItemDisplay {
  title?: string;
  url?: string;
  image?: string;
  price?: number | string;
  currency?: string;
}

const TEXT_FIELDS = ['title', 'url', 'image', 'currency'] as const;
/** Longer values are left out: trending.json stays a small first request. */
const MAX_TEXT = 1000;

/** The display fields of one catalogue row; null when it has none. */
function displayOf(row: Record<string, unknown>): ItemDisplay | null {
  const out: ItemDisplay = {};
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' && v.length <= MAX_TEXT ? v : undefined);
  for (const f of TEXT_FIELDS) {
    const v = text(row[f]) ?? (f === 'title' ? text(row.name) : undefined);
    if (v !== undefined) out[f] = v;
  }
  const price = row.price;
  if (typeof price === 'number' && Number.isFinite(price)) out.price = price;
  else if (typeof price === 'string' && price.trim() !== '') out.price = Number.isFinite(Number(price)) ? Number(price) : price.slice(0, 40);
  return Object.keys(out).length ? out : null;
}

async function readWholeJson(path: string): Promise<unknown[]> {
  const lines: string[] = [];
  for await (const line of readLines(path, { maxLineLength: 256 * 2 ** 20 })) lines.push(line);
  let json: unknown;
  try {
    json = JSON.parse(lines.join('\n'));
  } catch (e) {
    throw new InvalidInputError(`${path}: not valid JSON (${(e as Error).message}); give the catalogue the embed loads (an array of items or { "items": [...] }), or JSON lines as .jsonl`);
  }
  const items = Array.isArray(json) ? json : (json as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) throw new InvalidInputError(`${path}: expected an array of items or { "items": [...] }`);
  return items;
}

/**
 * Item id → display fields, for every catalogue item that has any.
 *
 * @example
 * const display = await readShelfDisplay('public/catalogue.json'); // Map { 'sku-1' => { title: 'Red shoe', price: 49 } }
 */
export async function readShelfDisplay(path: string): Promise<Map<string, ItemDisplay>> {
  const out = new Map<string, ItemDisplay>();
  if (/\.json(\.gz)?$/i.test(path)) {
    for (const it of await readWholeJson(path)) {
      if (!it || typeof it !== 'object' || !('id' in it)) continue;
      const d = displayOf(it as Record<string, unknown>);
      if (d) out.set(String((it as { id: unknown }).id), d);
    }
    return out;
  }
  const rows = await readCatalogue(path, [...TEXT_FIELDS, 'name', 'price']);
  for (const [id, attrs] of rows.attributes) {
    const d = displayOf(attrs);
    if (d) out.set(id, d);
  }
  return out;
}

/**
 * trending.json's content: the ids (what every version of the embed reads) and, with a catalogue, `display`:
 * those of them it describes, as catalogue rows (`{ id, title, … }`), in trending order.
 *
 * @example
 * trendingJson('v1', ['sku-1'], display); // '{"modelVersion":"v1","items":["sku-1"],"display":[{"id":"sku-1","title":"Red shoe"}]}'
 */
export function trendingJson(modelVersion: string, ids: string[], display?: Map<string, ItemDisplay>): string {
  const shown = ids.filter((id) => display?.has(id)).map((id) => ({ id, ...display!.get(id) }));
  return JSON.stringify({ modelVersion, items: ids, ...(shown.length && { display: shown }) });
}
