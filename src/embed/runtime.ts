/**
 * The lazily loaded half of the embed (`tastebud-runtime.js`): creates the recommender (worker, storage, TF.js
 * backend), loads the shop catalogue, defines `<tastebud-recs>` and registers the instance for widgets.
 * The loader imports it with a dynamic `import()` once the page is idle.
 */
import { createRecommender, InvalidInputError, type BackendName, type Recommender } from '../index.ts';
import { createDegradedRecommender } from './degraded.ts';
import { describeItems, loadCatalogue, type Describe } from './catalogue.ts';
import { parseLearnerOption } from './learner_option.ts';
import type { EmbedOptions } from './options.ts';
import { registerRecommender } from './shelf_live.ts';
import type { EmbedRecommender } from './runtime_types.ts';
import { DEFAULT_STRAY_MS, withStrayViews } from './stray.ts';
import { contextOf, type ItemInfo } from './registry.ts';
import { defineTastebudRecs, shippedList } from './widget.ts';

/** The client as the embed sees it; `setConsent` is fire-and-forget here (the loader never awaits it). */
function asEmbed(inner: Recommender): EmbedRecommender {
  return {
    track: (e) => inner.track(e),
    recommend: (o) => inner.recommend(o),
    similarItems: (id, o) => inner.similarItems(id, o),
    explain: (id) => inner.explain(id),
    stats: () => inner.stats(),
    exportData: () => inner.exportData(),
    forget: () => inner.forget(),
    close: () => inner.close(),
    subscribe: (l) => inner.subscribe(() => l()),
    setConsent: (g) => void inner.setConsent(g).catch(() => undefined),
    refreshModel: () => inner.refreshModel(),
  };
}

/** `data-stray-ms`, checked: a mistake warns and keeps the default (the embed never throws into the page). */
function strayWindow(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_STRAY_MS;
  const ms = Number(raw);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  console.warn(`tastebud: data-stray-ms must be a number of milliseconds >= 0 (0: off), got ${JSON.stringify(raw)}; using ${DEFAULT_STRAY_MS}`);
  return DEFAULT_STRAY_MS;
}

/**
 * Starts one embed instance.
 *
 * @example
 * const rec = await start({ model: '/model.json', namespace: 'shop', runtime: '', consent: 'granted' });
 * await rec.recommend({ k: 8 });
 */
export async function start(options: EmbedOptions): Promise<EmbedRecommender> {
  defineTastebudRecs();
  const backend = options.backend ? (options.backend.split(',').map((b) => b.trim()) as BackendName[]) : 'auto';
  // The loader's context has both lists on their way already (widget.ts shippedList); a bundled embed has none.
  const context = contextOf(options.namespace);
  const noCatalogue = (e: unknown, what: string): void => console.warn(`tastebud: ${e instanceof Error ? e.message : String(e)}; widgets show ${what}`);
  // `items`: the shop catalogue's rows (sold-out flags, today's prices), none where it did not load
  const catalogue: Promise<{ describe: Describe; items: ItemInfo[] }> = context
    ? shippedList(context).then((s) => {
        const loaded = typeof s.catalogue === 'function';
        if (!loaded) noCatalogue(s.catalogue, 'the titles, links, images and prices trending.json carries, else item ids');
        return { describe: s.describe, items: loaded ? (s.catalogue as Describe).items : [] };
      })
    : loadCatalogue(options.catalogue, options.itemUrl).then(
        (d) => ({ describe: d, items: d.items }),
        (e: unknown) => (noCatalogue(e, 'item ids'), { describe: describeItems([], options.itemUrl), items: [] }),
      );
  const learner = parseLearnerOption(options.learner);
  let recommender: EmbedRecommender;
  try {
    // lazyBackend: the worker answers from the plain scan while TF.js loads, so the personalised shelf waits for no backend
    const inner = await createRecommender({ model: options.model, namespace: options.namespace, backend, consent: options.consent === 'granted', lazyBackend: true, ...(learner && { learner }) });
    recommender = asEmbed(inner);
  } catch (e) {
    if (e instanceof InvalidInputError) throw e; // a mistake in the tag: warned by name, nothing starts
    // Degrade, don't disappear: clicks are kept for later, widgets show the non-personal list rather than stay busy.
    const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    console.warn(`tastebud: ${reason}; clicks are still kept on this device; shelves show the non-personal list until tastebud can start`);
    recommender = createDegradedRecommender(options.namespace, reason, async () => (context ? ((await shippedList(context)).ids as string[]) : []));
  }
  recommender = withStrayViews(recommender, { namespace: options.namespace, windowMs: strayWindow(options.strayMs), consent: options.consent === 'granted' });
  const { describe, items } = await catalogue;
  registerRecommender({ namespace: options.namespace, recommender, describe, catalogue: items });
  return recommender;
}
