/**
 * The shop's catalogue for an import: which item ids exist, their attributes (category, brand, price band…)
 * and, when it has a column for it, popularity. CSV, TSV or JSON lines with an id column (`id`, `item_id`,
 * `sku`, … as for logs).
 */
import { InvalidInputError } from '../errors.ts';
import { readLines } from '../cli/lines.ts';
import { HEADER_ALIASES } from '../data/columns.ts';
import { splitDelimited } from '../data/parsers.ts';
import type { ItemAttributes } from '../model/global_model.ts';

export interface Catalogue {
  attributes: Map<string, ItemAttributes>;
  /** Present when the catalogue has a `popularity` (or `count`, `sales`) column. */
  popularity?: Map<string, number>;
}

const ID_NAMES = ['id', ...HEADER_ALIASES.item];
const POPULARITY_NAMES = ['popularity', 'count', 'sales', 'views', 'interactions'];

/**
 * @example
 * const c = await readCatalogue('catalogue.csv', ['category', 'brand']); // c.attributes.get('sku-1')
 */
export async function readCatalogue(path: string, attributeColumns: string[]): Promise<Catalogue> {
  const attributes = new Map<string, ItemAttributes>();
  let popularity: Map<string, number> | undefined;
  let lineNo = 0;
  let head: string[] | null = null;
  const json = /\.(jsonl|ndjson|json)(\.gz)?$/i.test(path);
  const delimiter = /\.tsv(\.gz)?$/i.test(path) ? '\t' : ',';
  for await (const line of readLines(path)) {
    lineNo++;
    if (line.trim() === '') continue;
    let row: Record<string, unknown>;
    if (json) row = parseLine(line, `${path}:${lineNo}`);
    else {
      const f = splitDelimited(line.replace(/\r$/, ''), delimiter);
      if (!head) {
        head = f.map((s) => s.trim());
        continue;
      }
      row = Object.fromEntries(head.map((h, k) => [h, f[k]]));
    }
    const idKey = Object.keys(row).find((k) => ID_NAMES.includes(k.toLowerCase()));
    if (!idKey || row[idKey] === undefined || row[idKey] === '') throw new InvalidInputError(`${path}:${lineNo}: no item id column (name it id, item_id or sku)`);
    const id = String(row[idKey]);
    const attrs: ItemAttributes = {};
    for (const c of attributeColumns) if (row[c] !== undefined && row[c] !== '' && row[c] !== null) attrs[c] = String(row[c]);
    attributes.set(id, attrs);
    const popKey = Object.keys(row).find((k) => POPULARITY_NAMES.includes(k.toLowerCase()));
    if (popKey) {
      const n = Number(row[popKey]);
      if (!(n >= 0 && Number.isFinite(n))) throw new InvalidInputError(`${path}:${lineNo}: ${popKey} "${String(row[popKey])}" is not a count >= 0`);
      (popularity ??= new Map()).set(id, n);
    }
  }
  return { attributes, popularity };
}

function parseLine(line: string, where: string): Record<string, unknown> {
  try {
    const v = JSON.parse(line) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new InvalidInputError(`${where}: not a JSON object line`);
}

/**
 * Source id → shop item id, from a two-column file (`spark_id,item_id`; a header line is skipped).
 *
 * @example
 * await readIdMap('ids.csv'); // Map { '0' => 'sku-17', … }
 */
export async function readIdMap(path: string): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  let lineNo = 0;
  for await (const line of readLines(path)) {
    lineNo++;
    if (line.trim() === '') continue;
    const f = line.includes('\t') ? line.split('\t') : splitDelimited(line.replace(/\r$/, ''), ',');
    if (f.length < 2) throw new InvalidInputError(`${path}:${lineNo}: expected "source id, item id"`);
    const [from, to] = [f[0].trim(), f[1].trim()];
    if (lineNo === 1 && !/^-?\d+$/.test(from)) continue; // header
    if (map.has(from)) throw new InvalidInputError(`${path}:${lineNo}: source id ${from} is mapped twice`);
    map.set(from, to);
  }
  if (map.size === 0) throw new InvalidInputError(`${path}: no id pairs`);
  return map;
}
