/**
 * Where `<tastebud-recs>` elements find their recommender: instances register by namespace; an element without a
 * `namespace` attribute uses the first one. Lives in the runtime module, which the browser loads once per URL, so
 * both instances of a twice-loaded script share it.
 */
import type { Describe } from './catalogue.ts';
import type { RenderItem } from './render.ts';
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
  /** The shop catalogue's items, when loaded: sold-out flags and today's prices (widget_query.ts withCatalogue). */
  catalogue?: ItemInfo[];
  /** The widget's runtime half (shelf_live.ts); attached by registerRecommender. */
  live?: ShelfLive;
}

/** GA4 `item_list_id` / `item_list_name` of a shelf: placement and A/B arm. */
export interface ListInfo {
  id: string;
  name: string;
}

/** What the runtime's half of a shelf needs of the `<tastebud-recs>` element (widget.ts). */
export interface ShelfView extends HTMLElement {
  /** Renders `items` in place (and marks the first paint). */
  paint(items: RenderItem[], explain: (id: string, source?: string) => Promise<string>, onSelect?: (info: ItemInfo, n: number) => void): void;
  /** Where this shelf is kept on the device for the next page's warm start, if anywhere. */
  readonly key: string | undefined;
  /** The item ids last reported to the shop's analytics (a repaint of the same list is not a new view). */
  reported: string;
}

export interface ShelfLive {
  /** Asks the recommender and renders its answer in place; does nothing once `current()` turns false. */
  render(el: ShelfView, c: EmbedContext | undefined, current: () => boolean): Promise<void>;
}

/** What the loader knows about an instance before its runtime is up: enough to paint a shelf at once. */
export interface EmbedContext {
  namespace: string;
  /** URL of model.json; the cold-start list (trending.json) lies next to it. */
  model: string;
  catalogue?: string;
  itemUrl?: string;
  consent(): 'granted' | 'pending' | 'denied';
  /** Share of shoppers in the holdout arm (data-holdout), decided in holdout.ts. */
  holdout: number;
  /** Rules every widget of this instance applies (data-rules JSON, parsed by the runtime). */
  rules?: string;
  /** Sends a command through the instance (so consent applies), e.g. ['track', 'select_item', payload]. */
  run(command: string, args: unknown[]): Promise<unknown>;
  /**
   * trending.json's ids and the catalogue (or, without one, trending.json's display fields), fetched once per page
   * from the loader's start (widget.ts shippedList); `catalogue` is what loading the catalogue gave: its Describe,
   * or the error that says why it did not load.
   */
  shipped?: Promise<{ ids: unknown; describe: Describe; catalogue: unknown }>;
}

interface Shared {
  entries: Map<string, RegistryEntry>;
  waiting: { namespace: string | undefined; resolve: (e: RegistryEntry) => void }[];
  contexts: Map<string, EmbedContext>;
}

// The loader (tastebud.js) and the runtime are separate bundles, each with its own copy of this module: the
// state lives on the page's global so both see the same registry.
const KEY = Symbol.for('tastebud.registry');
const shared: Shared = ((globalThis as unknown as Record<symbol, Shared>)[KEY] ??= { entries: new Map(), waiting: [], contexts: new Map() });
const { entries, waiting } = shared;

/** The loader's context for a namespace (or the first one). */
export function contextOf(namespace?: string): EmbedContext | undefined {
  return namespace ? shared.contexts.get(namespace) : shared.contexts.values().next().value;
}

/** Called by the loader for each instance. */
export function registerContext(c: EmbedContext): void {
  shared.contexts.set(c.namespace, c);
}

/** Makes an entry available to widgets; use shelf_live.ts's registerRecommender, which adds the entry's `live`. */
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
