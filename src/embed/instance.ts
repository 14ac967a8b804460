/**
 * One embed instance: its options, consent state (remembered on the device per namespace), and the commands it
 * forwards to the recommender once the runtime (client, worker, TF.js) has loaded. Commands before that wait;
 * events get their ids here, when the shop sends them, so a retry is stored once; nothing throws to the page.
 */
import type { TrackEvent } from '../engine/api.ts';
import { rememberConsent, rememberedConsent } from '../client/consent_memory.ts';
import { InvalidInputError } from '../errors.ts';
import { toTrackEvents } from './events.ts';
import type { ConsentState, EmbedOptions } from './options.ts';
import type { EmbedRecommender, RuntimeModule } from './runtime_types.ts';
import { clearShelves } from './shelf_cache.ts';
import { warnOnce } from './warn_once.ts';

export interface EmbedInstance {
  readonly options: EmbedOptions;
  consent(): ConsentState;
  /** Runs one command; resolves to its result, or undefined after warning once when it failed. */
  run(command: string, args: unknown[]): Promise<unknown>;
  /** Starts loading the runtime (idempotent). */
  load(): Promise<EmbedRecommender | undefined>;
}

/** Calls that met a lost or stuck worker are repeated with the same event ids (the store keeps each id once). */
const RETRIES = 2;
const RETRYABLE = new Set(['TimeoutError', 'WorkerLostError']);

/** Gives each event an id and a timestamp at the moment the shop sent it, so any retry is the same event. */
function stamped(events: TrackEvent[]): TrackEvent[] {
  const now = Date.now();
  return events.map((e) => ({ ...e, eventId: e.eventId ?? newEventId(), timestamp: e.timestamp ?? now }));
}

function newEventId(): string {
  // randomUUID exists in secure contexts (every https shop); elsewhere time + randomness is unique enough per device
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * `tastebud('consent', value)`: true / 'granted' give, false / 'denied' withdraw; anything else is a mistake.
 * @example parseConsent('granted') // 'granted'; parseConsent('maybe') throws InvalidInputError
 */
export function parseConsent(v: unknown): 'granted' | 'denied' {
  if (v === true || v === 'granted') return 'granted';
  if (v === false || v === 'denied') return 'denied';
  throw new InvalidInputError(`tastebud('consent', …) takes true, false, 'granted' or 'denied', got ${JSON.stringify(v) ?? String(v)}; consent is unchanged`);
}

/** A User Timing mark (shown in DevTools' performance panel, read by bench/size/run.ts); returns `value`. */
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
  // The shopper's remembered choice wins over the tag's default, except a shop that never learns ('denied').
  const remembered = options.consent === 'denied' ? undefined : rememberedConsent(options.namespace);
  let consent: ConsentState = remembered === undefined ? options.consent : remembered ? 'granted' : 'denied';
  let loading: Promise<EmbedRecommender | undefined> | undefined;
  const load = (): Promise<EmbedRecommender | undefined> =>
    (loading ??= mark('tastebud:load', importRuntime(options.runtime))
      .then((m) => m.start({ ...options, consent }))
      .then((r) => mark('tastebud:ready', r))
      .catch((e) => (warnOnce(e), undefined)));

  const track = async (events: TrackEvent[]): Promise<unknown> => {
    // No learning without consent: events are dropped, not buffered, so nothing is kept about this shopper.
    if (consent !== 'granted' || events.length === 0) return { stored: 0, ignored: events.length };
    const once = stamped(events);
    for (let attempt = 0; ; attempt++) {
      const rec = await load();
      try {
        return await rec?.track(once);
      } catch (e) {
        if (attempt >= RETRIES || !RETRYABLE.has((e as Error)?.name)) throw e;
      }
    }
  };

  const run = async (command: string, args: unknown[]): Promise<unknown> => {
    try {
      if (command === 'consent') {
        // tastebud('consent') asks; tastebud('consent', true | false) gives or withdraws.
        if (args.length === 0) return consent;
        consent = parseConsent(args[0]);
        rememberConsent(options.namespace, consent === 'granted');
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
