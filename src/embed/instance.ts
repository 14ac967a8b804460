/**
 * One embed instance: its options, consent state, and the commands it forwards to the recommender once the
 * runtime (client, worker, TF.js) has loaded. Commands before that wait; nothing ever throws to the page.
 */
import type { TrackEvent } from '../engine/api.ts';
import { toTrackEvents } from './events.ts';
import type { ConsentState, EmbedOptions } from './options.ts';
import type { EmbedRecommender, RuntimeModule } from './runtime_types.ts';
import { clearShelves } from './shelf_cache.ts';

export interface EmbedInstance {
  readonly options: EmbedOptions;
  consent(): ConsentState;
  /** Runs one command; resolves to its result, or undefined after warning once when it failed. */
  run(command: string, args: unknown[]): Promise<unknown>;
  /** Starts loading the runtime (idempotent). */
  load(): Promise<EmbedRecommender | undefined>;
}

let warned = false;

/**
 * Logs the first failure only: a broken model URL would otherwise flood the shop's console on every click.
 *
 * @example
 * warnOnce(new Error('model.json: 404')); // "tastebud: model.json: 404 (further warnings suppressed)"
 */
export function warnOnce(e: unknown): void {
  if (warned) return;
  warned = true;
  console.warn(`tastebud: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} (further warnings suppressed)`);
}

/** A User Timing mark (shown in DevTools' performance panel, read by bench/size.ts); returns `value`. */
function mark<T>(name: string, value: T): T {
  performance?.mark?.(name);
  return value;
}

type Call = (rec: EmbedRecommender, args: unknown[]) => Promise<unknown> | unknown;

const CALLS: Record<string, Call> = {
  recommend: (r, a) => r.recommend(a[0] as never),
  similar: (r, a) => r.similarItems(String(a[0]), a[1] as never),
  explain: (r, a) => r.explain(String(a[0])),
  stats: (r) => r.stats(),
  export: (r) => r.exportData(),
  forget: (r) => r.forget(),
  ready: (r) => r,
  on: (r, a) => r.subscribe(a[0] as never),
  // tastebud('refresh'): e.g. on the shop's own "new model published" signal; widgets re-render on an update.
  refresh: (r) => r.refreshModel?.(),
};

/**
 * Creates an instance; `importRuntime` is the dynamic import (injected so tests can fake it).
 *
 * @example
 * const inst = createInstance(readOptions(script), (url) => import(url));
 * await inst.run('track', ['select_item', { item_id: 'sku-1' }]);
 */
export function createInstance(options: EmbedOptions, importRuntime: (url: string) => Promise<RuntimeModule>): EmbedInstance {
  let consent = options.consent;
  let loading: Promise<EmbedRecommender | undefined> | undefined;
  const load = (): Promise<EmbedRecommender | undefined> =>
    (loading ??= mark('tastebud:load', importRuntime(options.runtime))
      .then((m) => m.start({ ...options, consent }))
      .then((r) => mark('tastebud:ready', r))
      .catch((e) => (warnOnce(e), undefined)));

  const track = async (events: TrackEvent[]): Promise<unknown> => {
    // No learning without consent: events are dropped, not buffered, so nothing is kept about this shopper.
    if (consent !== 'granted' || events.length === 0) return { stored: 0, ignored: events.length };
    const rec = await load();
    return rec?.track(events);
  };

  const run = async (command: string, args: unknown[]): Promise<unknown> => {
    try {
      if (command === 'consent') {
        // tastebud('consent') asks; tastebud('consent', true | false) gives or withdraws.
        if (args.length === 0) return consent;
        consent = args[0] === true || args[0] === 'granted' ? 'granted' : 'denied';
        if (loading) (await loading)?.setConsent?.(consent === 'granted');
        return consent;
      }
      if (command === 'track') return await track(toTrackEvents(args[0], args[1]));
      if (command === 'forget') clearShelves(options.namespace); // the shelves kept for a warm start too
      const call = CALLS[command];
      if (!call) throw new TypeError(`unknown command "${command}"`);
      const rec = await load();
      return rec ? await call(rec, args) : undefined;
    } catch (e) {
      warnOnce(e);
      return undefined;
    }
  };
  return { options, consent: () => consent, run, load };
}
