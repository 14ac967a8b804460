/**
 * The part of a shelf that only matters once the runtime is up, kept out of the ≤ 5 KB loader: the widget's
 * attributes turned into `recommend` options, the answer rendered in place, the per-item "Why this?" text, the
 * shelf kept on the device for the next warm start, and the reports to the shop's own analytics.
 * `registerRecommender` (index.ts, runtime.ts) attaches it to each registry entry.
 */
import type { Recommendation } from '../engine/api.ts';
import { explanationText, sourceText } from './explain_text.ts';
import { listInfo, reportListView, reportSelect } from './list_events.ts';
import { registerRecommender as register, type EmbedContext, type ItemInfo, type ListInfo, type RegistryEntry, type ShelfLive, type ShelfView } from './registry.ts';
import { writeShelf } from './shelf_cache.ts';
import { paintKeepingPlace, shelfSignature } from './shelf_place.ts';
import { placementOf, queryOptions, withCatalogue } from './widget_query.ts';
import { decideArm, type Arm } from './holdout.ts';
import { InvalidInputError } from '../errors.ts';

/** data-rules: the instance's default rules, JSON; a typo is named, not ignored. */
function parseRules(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // named below
  }
  throw new InvalidInputError(`data-rules must be a JSON object of recommend options like {"diversity":{"category":2}}, got ${text.slice(0, 60)}`);
}

function createLive(entry: RegistryEntry): ShelfLive {
  const title = (id: string): string => String(entry.describe(id).title ?? id);
  const arms = new Map<EmbedContext, Arm>();
  // decided once per page: kept on the device only while the shopper consents (holdout.ts)
  const armOf = (c: EmbedContext | undefined): Arm => {
    if (!c) return 'personal';
    if (!arms.has(c)) arms.set(c, decideArm(c.namespace, c.holdout, c.consent() === 'granted'));
    return arms.get(c)!;
  };
  const query = (el: Element, c: EmbedContext | undefined): Promise<Recommendation[]> => {
    const o = withCatalogue(queryOptions(el, parseRules(c?.rules)), entry.catalogue);
    return entry.recommender.recommend({ ...o, ...(armOf(c) === 'holdout' && { personal: false }) });
  };
  const explain = async (id: string, source: string | undefined, about: string | undefined): Promise<string> => {
    const fixed = sourceText(source, about ? `“${title(about)}”` : undefined);
    if (fixed) return fixed;
    const e = await entry.recommender.explain(id);
    const target = entry.describe(id);
    // the shop's catalogue names what the item shares with each click (the model's affinity may be off)
    const because = e.because.map((b) => {
      const other = entry.describe(b.itemId);
      const shared = ['brand', 'category'].filter((f) => target[f] != null && target[f] === other[f]).map((f) => `${f}=${String(target[f])}`);
      return b.shared?.length || !shared.length ? b : { ...b, shared };
    });
    return explanationText({ ...e, because }, title);
  };
  const selected = (info: ItemInfo, n: number, list: ListInfo, c: EmbedContext | undefined): void => {
    reportSelect(window, info, n, list);
    // through the loader's instance where there is one, so consent applies; a bundled embed tracks directly
    if (c) void c.run('track', ['select_item', { items: [{ item_id: info.id }] }]);
    else void entry.recommender.track({ itemId: info.id, type: 'select' }).catch(() => undefined);
  };
  return {
    async render(el: ShelfView, c: EmbedContext | undefined, current: () => boolean): Promise<void> {
      const recs = await query(el, c);
      if (!current()) return;
      const list = listInfo(placementOf(el), armOf(c));
      const items = recs.map((r) => ({ info: entry.describe(r.itemId), score: r.score, source: r.source }));
      const about = el.getAttribute('item') ?? undefined;
      // Nothing to show (no model, nothing left after filters): no empty heading, just nothing.
      if (items.length === 0) el.querySelector(':scope > .tb-recs')?.remove();
      else paintKeepingPlace(el, shelfSignature(items, [placementOf(el), el.getAttribute('heading'), el.getAttribute('currency')]), () => el.paint(items, (id, source) => explain(id, source, about), (info, n) => selected(info, n, list, c)));
      el.setAttribute('aria-busy', 'false');
      el.style.minHeight = '';
      const key = el.key;
      if (key && c?.consent() === 'granted') writeShelf(key, items.map((x) => x.info), el.getBoundingClientRect().height);
      const shown = recs.map((r) => r.itemId).join();
      if (shown !== el.reported) reportListView(window, items.map((x) => x.info), list);
      el.reported = shown;
      if (!performance.getEntriesByName('tastebud:first-render').length) performance.mark('tastebud:first-render');
      el.dispatchEvent(new CustomEvent('tastebud:render', { bubbles: true, detail: { items: recs.map((r) => r.itemId), list: list.id } }));
    },
  };
}

/**
 * Makes a recommender available to widgets.
 *
 * @example
 * registerRecommender({ namespace: 'shop', recommender: rec, describe: (id) => ({ id, title: titles[id] }) });
 */
export function registerRecommender(entry: RegistryEntry): void {
  register({ ...entry, live: entry.live ?? createLive(entry) });
}
