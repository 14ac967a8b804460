/**
 * The embed entry (`tastebud/embed`) for shops that bundle their own code instead of pasting the snippet:
 * the `<tastebud-recs>` widget, its registry, and the event mapping the loader uses.
 *
 * @example
 * import { createRecommender } from 'tastebud';
 * import { defineTastebudRecs, registerRecommender } from 'tastebud/embed';
 * defineTastebudRecs();
 * registerRecommender({ namespace: 'shop', recommender: await createRecommender({ model: '/model.json' }), describe: (id) => ({ id }) });
 */
export { defineTastebudRecs, TastebudRecs } from './widget.ts';
export { whenRecommender } from './registry.ts';
export { registerRecommender } from './shelf_live.ts';
export type { ItemInfo, RegistryEntry } from './registry.ts';
export { toTrackEvents, eventTypeOf } from './events.ts';
export { explanationText } from './explain_text.ts';
export { start } from './runtime.ts';
export type { EmbedOptions, ConsentState } from './options.ts';
export type { EmbedRecommender } from './runtime_types.ts';
