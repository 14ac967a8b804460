/**
 * The shop catalogue the widget renders titles, images, prices and links from (`data-catalogue`): a JSON array of
 * items with an `id`, or `{ items: [...] }`. Optional: without it (or when its request fails) the widget shows the
 * display fields trending.json carries for its items (`pretrain --catalogue`), else item ids.
 */
import type { ItemInfo } from './registry.ts';

export type Describe = ((id: string) => ItemInfo) & { items: ItemInfo[] };

/**
 * Indexes items (`{ id, … }` objects; anything else, e.g. a missing list, is skipped); `itemUrl` (e.g. "/p/{id}")
 * fills in links that the items lack. Also trending.json's `display` (the same rows, written by
 * `pretrain --catalogue`; older files have none, and then each card shows its id).
 *
 * @example
 * const describe = describeItems([{ id: 'sku-1', title: 'Red shoe' }], '/p/{id}');
 * describe('sku-1'); // { id: 'sku-1', title: 'Red shoe', url: '/p/sku-1' }
 */
export function describeItems(items: unknown, itemUrl?: string): Describe {
  const byId = new Map<string, ItemInfo>();
  if (Array.isArray(items)) {
    for (const it of items) if (it && typeof it === 'object' && 'id' in it) byId.set(String(it.id), it as ItemInfo);
  }
  const describe = (id: string): ItemInfo => {
    const info = byId.get(id) ?? { id };
    if (info.url || !itemUrl) return info;
    return { ...info, url: itemUrl.replace('{id}', encodeURIComponent(id)) };
  };
  return Object.assign(describe, { items: [...byId.values()] });
}

/**
 * Fetches and indexes a catalogue (none without a URL).
 *
 * @example
 * const describe = await loadCatalogue('/catalogue.json', '#/p/{id}');
 * describe('sku-00001'); // { id: 'sku-00001', title: '…', url: '#/p/sku-00001', … }
 */
export async function loadCatalogue(url: string | undefined, itemUrl?: string): Promise<Describe> {
  let items: unknown;
  if (url) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`catalogue ${url}: HTTP ${res.status}`);
    const json = (await res.json()) as { items?: unknown }; // an array, or { items: [...] }
    items = json.items ?? json;
  }
  return describeItems(items, itemUrl);
}
