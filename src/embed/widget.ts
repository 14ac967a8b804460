/**
 * `<tastebud-recs kind="for-you|similar|recently-viewed|trending|frequently-bought-together|cart" k="8" item="sku"
 * cart="sku-1,sku-2" boost="brand=acme" bury="…" pin="sku-9@1" max-per="category=2" price-min price-max
 * namespace heading currency>`: a shelf. Defined by the loader, so it paints at once: the last shelf of this
 * placement kept on the device (warm), else the trending list shipped with the model (cold), in the space the
 * last shelf took; the runtime's answer then replaces it in place. Each answer is reported to the shop's own
 * analytics (list_events.ts) and fires `tastebud:render`. Failures render nothing (and clear `aria-busy`) and warn once per distinct problem; never throw.
 */
import { describeItems, loadCatalogue, type Describe } from './catalogue.ts';
import { contextOf, whenRecommender, type EmbedContext, type ItemInfo, type ShelfView } from './registry.ts';
import { renderRecommendations, type RenderItem } from './render.ts';
import { readShelf, shelfKey } from './shelf_cache.ts';
import { warnOnce } from './warn_once.ts';
import { HEADINGS, placementOf } from './widget_query.ts';

/** Each distinct problem once (a broken `k` on one widget must not hide an unknown item on another). */
const warn = (e: unknown): void => warnOnce(e, '<tastebud-recs> could not render');

/**
 * trending.json and the catalogue, fetched once per instance however many shelves paint from them; the runtime
 * reuses the catalogue (one download and one parse of it per page, not one per bundle). Without a catalogue (none
 * given, or its request failed) items are described by trending.json's display fields, else by their ids.
 */
export function shippedList(c: EmbedContext): NonNullable<EmbedContext['shipped']> {
  // a missing or malformed list only means no cold-start shelf; it must not fail the catalogue the runtime reuses
  const list = (): Promise<{ items?: unknown; display?: unknown }> => fetch(new URL('trending.json', new URL(c.model, location.href))).then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  // nor does a failed (or absent, or empty) catalogue fail the list: the cards then come from trending.json's own
  // display rows (not the shop's catalogue: the runtime does not filter shelves by their `items`)
  return (c.shipped ??= Promise.all([list(), loadCatalogue(c.catalogue, c.itemUrl).catch((e: unknown) => e)]).then(([l, cat]) => ({ ids: l.items, describe: (cat as Partial<Describe>).items?.length ? (cat as Describe) : describeItems(l.display, c.itemUrl), catalogue: cat })));
}

function firstPaintMark(): void {
  if (!performance.getEntriesByName('tastebud:first-paint').length) performance.mark('tastebud:first-paint');
}

export class TastebudRecs extends HTMLElement implements ShelfView {
  static observedAttributes = ['k', 'kind', 'item', 'cart', 'namespace', 'boost', 'bury', 'pin', 'max-per', 'price-min', 'price-max'];
  private seq = 0;
  private painted = false;
  reported = '';
  private unsubscribe: (() => void) | undefined;

  connectedCallback(): void {
    if (!this.querySelector(':scope > .tb-recs')) this.setAttribute('aria-busy', 'true');
    this.style.display ||= 'block';
    this.paintStored();
    void this.attach();
  }

  disconnectedCallback(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.seq++;
  }

  attributeChangedCallback(): void {
    if (this.isConnected && this.unsubscribe) void this.refresh();
  }

  private get ns(): string | undefined {
    return this.getAttribute('namespace') ?? undefined;
  }

  get key(): string | undefined {
    const c = contextOf(this.ns);
    return c && shelfKey(c.namespace, placementOf(this), this.getAttribute('item') ?? this.getAttribute('cart') ?? '');
  }

  /** Warm start: the last shelf of this placement, from localStorage, before anything else loads. */
  private paintStored(): void {
    const key = this.key;
    const shelf = key ? readShelf(key) : undefined;
    if (!shelf) return;
    this.style.minHeight = `${shelf.height}px`;
    this.paint(shelf.items.map((info) => ({ info, score: 0 })), async () => 'Updating…');
  }

  /** Cold start: the non-personal list the CLI wrote next to the model (trending.json). */
  private async paintShipped(c: EmbedContext): Promise<void> {
    try {
      const { ids, describe } = await shippedList(c);
      if (this.painted || !Array.isArray(ids)) return;
      const k = Number(this.getAttribute('k')) || 8;
      const items = ids.filter((id): id is string => typeof id === 'string' && id !== this.getAttribute('item')).map(describe);
      this.paint(items.filter((it) => it.available !== false).slice(0, k).map((info) => ({ info, score: 0, source: 'trending' })), async () => 'Trending in this shop right now.');
    } catch {
      // the runtime's answer paints instead
    }
  }

  paint(items: RenderItem[], explain: (id: string, source?: string) => Promise<string>, onSelect?: (info: ItemInfo, n: number) => void): void {
    const kind = placementOf(this);
    renderRecommendations(this, items, { heading: this.getAttribute('heading') ?? HEADINGS[kind], currency: this.getAttribute('currency') ?? 'EUR', explain, onSelect });
    this.painted = true;
    firstPaintMark();
  }

  private async attach(): Promise<void> {
    const c = contextOf(this.ns);
    if (c && !this.painted) void this.paintShipped(c);
    const entry = await whenRecommender(this.ns);
    if (!this.isConnected || this.unsubscribe) return;
    try {
      this.unsubscribe = entry.recommender.subscribe(() => void this.refresh());
    } catch (e) {
      warn(e);
    }
    await this.refresh();
  }

  /** Re-queries and re-renders in place (shelf_live.ts, in the runtime); a newer call supersedes an older one. */
  async refresh(): Promise<void> {
    const seq = ++this.seq;
    try {
      await (await whenRecommender(this.ns)).live!.render(this, contextOf(this.ns), () => seq === this.seq);
    } catch (e) {
      if (seq === this.seq) this.setAttribute('aria-busy', 'false'); // failed is not busy: assistive tech stops waiting
      warn(e);
    }
  }
}

/**
 * Defines `<tastebud-recs>` once (the loader and the runtime both call it; the first wins).
 *
 * @example
 * defineTastebudRecs();
 * document.body.append(Object.assign(document.createElement('tastebud-recs'), {}));
 */
export function defineTastebudRecs(): void {
  if (!customElements.get('tastebud-recs')) customElements.define('tastebud-recs', TastebudRecs);
}
