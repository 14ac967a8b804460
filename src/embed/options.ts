/**
 * Per-instance options, read from the script tag's `data-*` attributes (the embed script may load twice on a page,
 * each tag with its own model and namespace, so nothing here is global).
 */
export type ConsentState = 'granted' | 'pending' | 'denied';

export interface EmbedOptions {
  /** URL of the model artefact (`model.json`). */
  model: string;
  /** Storage namespace of this shop; default "default". */
  namespace: string;
  /** Comma-separated backend preference, e.g. "wasm" or "webgpu,wasm"; empty for the default order. */
  backend?: string;
  /** Shop catalogue JSON for the widget's titles, images and links (`[{id, title, …}]` or `{items: […]}`). */
  catalogue?: string;
  /** Link pattern for items without a `url` in the catalogue, `{id}` replaced, e.g. "/product/{id}". */
  itemUrl?: string;
  /** URL of the lazily loaded runtime; default `tastebud-runtime.js` next to the loader. */
  runtime: string;
  consent: ConsentState;
  /** Learner settings as JSON (`data-learner`), parsed and checked by the runtime. */
  learner?: string;
  /** Share of shoppers in the holdout arm (`data-holdout="0.1"`), who get the non-personal lists; default 0. */
  holdout?: number;
  /** Rules for every widget as JSON (`data-rules='{"diversity":{"category":2}}'`); checked by the engine. */
  rules?: string;
  /** `data-stray-ms`: a product view left within this many ms is stored weighed 0 (a stray click); default 5000, 0 off. */
  strayMs?: string;
}

/**
 * Options from a script element. `data-consent="required"` or the browser's Global Privacy Control signal mean no
 * learning until `tastebud('consent', true)`; `data-consent="denied"` never learns.
 *
 * @example
 * readOptions(document.currentScript); // { model: '/model.json', namespace: 'shop', consent: 'granted', … }
 */
export function readOptions(el: HTMLOrSVGScriptElement | null, nav: Navigator = navigator): EmbedOptions {
  const d = (el as HTMLScriptElement | null)?.dataset ?? {};
  const src = (el as HTMLScriptElement | null)?.src || location.href;
  const gpc = (nav as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
  const asked = (d.consent ?? '').toLowerCase();
  const consent: ConsentState = asked === 'denied' ? 'denied' : asked === 'required' || gpc ? 'pending' : 'granted';
  return {
    model: d.model ?? '',
    namespace: d.namespace || 'default',
    backend: d.backend || undefined,
    catalogue: d.catalogue || undefined,
    itemUrl: d.itemUrl || undefined,
    runtime: new URL(d.runtime || 'tastebud-runtime.js', src).href,
    consent,
    learner: d.learner || undefined,
    holdout: Number(d.holdout) || 0,
    rules: d.rules || undefined,
    strayMs: d.strayMs,
  };
}
