/**
 * The shop catalogue the widget renders titles, images, prices and links from (`data-catalogue`): a JSON array of
 * items with an `id`, or `{ items: [...] }`. Optional: without it the widget shows item ids.
 */
import type { ItemInfo } from './registry.ts';

/**
 * Fetches and indexes a catalogue; `itemUrl` (e.g. "/p/{id}") fills in links that the items lack.
 *
 * @example
 * const describe = await loadCatalogue('/catalogue.json', '#/p/{id}');
 * describe('sku-00001'); // { id: 'sku-00001', title: '…', url: '#/p/sku-00001', … }
 */
export type Describe = ((id: string) => ItemInfo) & { items: ItemInfo[] };

export async function loadCatalogue(url: string | undefined, itemUrl?: string): Promise<Describe> {
  const byId = new Map<string, ItemInfo>();
  if (url) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`catalogue ${url}: HTTP ${res.status}`);
    const json = (await res.json()) as unknown;
    const items = Array.isArray(json) ? json : (json as { items?: unknown }).items;
    if (Array.isArray(items)) {
      for (const it of items) if (it && typeof it === 'object' && 'id' in it) byId.set(String(it.id), it as ItemInfo);
    }
  }
  const describe = (id: string): ItemInfo => {
    const info = byId.get(id) ?? { id };
    if (info.url || !itemUrl) return info;
    return { ...info, url: itemUrl.replace('{id}', encodeURIComponent(id)) };
  };
  return Object.assign(describe, { items: [...byId.values()] });
}
