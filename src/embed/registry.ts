/**
 * Where `<tastebud-recs>` elements find their recommender: instances register by namespace; an element without a
 * `namespace` attribute uses the first one. Lives in the runtime module, which the browser loads once per URL, so
 * both instances of a twice-loaded script share it.
 */
import type { EmbedRecommender } from './runtime_types.ts';

/** Display data of one item, as the shop's catalogue gives it; every value is rendered as text. */
export interface ItemInfo {
  id: string;
  title?: string;
  url?: string;
  image?: string;
  price?: number | string;
  [field: string]: unknown;
}

export interface RegistryEntry {
  namespace: string;
  recommender: EmbedRecommender;
  describe(itemId: string): ItemInfo;
}

const entries = new Map<string, RegistryEntry>();
const waiting: { namespace: string | undefined; resolve: (e: RegistryEntry) => void }[] = [];

/**
 * Makes a recommender available to widgets.
 *
 * @example
 * registerRecommender({ namespace: 'shop', recommender: rec, describe: (id) => ({ id, title: titles[id] }) });
 */
export function registerRecommender(entry: RegistryEntry): void {
  entries.set(entry.namespace, entry);
  for (let i = waiting.length - 1; i >= 0; i--) {
    const w = waiting[i];
    if (!w.namespace || w.namespace === entry.namespace) {
      waiting.splice(i, 1);
      w.resolve(entry);
    }
  }
}

/**
 * The entry of a namespace (or the first registered), waiting until it exists.
 *
 * @example
 * const { recommender } = await whenRecommender('shop');
 */
export function whenRecommender(namespace?: string): Promise<RegistryEntry> {
  const found = namespace ? entries.get(namespace) : entries.values().next().value;
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => waiting.push({ namespace, resolve }));
}
