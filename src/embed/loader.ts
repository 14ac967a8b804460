/**
 * The embed loader (`tastebud.js`, ≤ 5 KB gzipped, imports no TF.js). Shops paste:
 *
 *   <script>window.tastebud = window.tastebud || function(){(tastebud.q = tastebud.q || []).push(arguments)}</script>
 *   <script async src="/tastebud.js" data-model="/model/model.json" data-namespace="my-shop"></script>
 *
 * It replays the queued calls, replaces the stub with a forwarder, picks up GA4 / Segment e-commerce events, and
 * loads the runtime (client + worker + TF.js) once the page is idle. Loaded twice, each tag adds its own instance.
 * Nothing here throws into the page.
 */
import { hookDataLayer, hookSegment } from './analytics.ts';
import { createInstance, type EmbedInstance } from './instance.ts';
import { readOptions } from './options.ts';
import type { RuntimeModule } from './runtime_types.ts';
import { registerContext } from './registry.ts';
import { warnOnce } from './warn_once.ts';
import { defineTastebudRecs } from './widget.ts';

interface TastebudGlobal {
  (...args: unknown[]): Promise<unknown> | undefined;
  /** The snippet's queue of `arguments` objects. */
  q?: ArrayLike<unknown>[];
  /** The embed instances of this page, first is the default. */
  i?: EmbedInstance[];
}

/** Commands every instance receives; the others go to the first (or to `command@namespace`). */
const BROADCAST = new Set(['track', 'consent', 'forget']);

function dispatch(instances: EmbedInstance[], args: unknown[]): Promise<unknown> {
  // `command@namespace`: everything after the first '@' names the instance (namespaces cannot contain '@').
  const head = String(args[0]);
  const at = head.indexOf('@');
  const name = at < 0 ? head : head.slice(0, at);
  const namespace = at < 0 ? '' : head.slice(at + 1);
  const last = args[args.length - 1];
  const callback = name !== 'on' && typeof last === 'function' ? (last as (r: unknown) => void) : undefined;
  const rest = args.slice(1, callback ? -1 : undefined);
  const targets = namespace
    ? instances.filter((x) => x.options.namespace === namespace)
    : BROADCAST.has(name) ? instances : instances.slice(0, 1);
  if (targets.length === 0) warnOnce(`no tastebud instance for "${String(args[0])}"`);
  const results = targets.map((x) => x.run(name, rest));
  const first = (results[0] ?? Promise.resolve(undefined)).then((r) => {
    try {
      callback?.(r);
    } catch (e) {
      warnOnce(e);
    }
    return r;
  });
  return Promise.all(results).then(() => first);
}

function scheduleLoad(inst: EmbedInstance): void {
  if (!inst.options.model) return warnOnce('the script tag has no data-model; nothing will load');
  const idle = (): void => {
    const ric = (window as Window & { requestIdleCallback?: (cb: () => void, o: object) => void }).requestIdleCallback;
    if (ric) ric(() => void inst.load(), { timeout: 2000 });
    else setTimeout(() => void inst.load(), 200);
  };
  // Off the critical path: the runtime (and TF.js) load after the page's own load event.
  if (document.readyState === 'complete') idle();
  else window.addEventListener('load', idle, { once: true });
}

/** What the widgets need before the runtime is up (registry.ts EmbedContext): they paint from it at once. */
function shareContext(inst: EmbedInstance): void {
  const { namespace, model, catalogue, itemUrl, holdout = 0, rules } = inst.options;
  registerContext({ namespace, model, catalogue, itemUrl, holdout, rules, consent: inst.consent, run: inst.run });
}

function boot(): void {
  const options = readOptions(document.currentScript);
  if (options.namespace.includes('@')) return warnOnce(`InvalidInputError: data-namespace "${options.namespace}" contains '@', which tastebud('command@namespace') reserves; this tag is ignored`);
  const inst = createInstance(options, (url) => import(/* @vite-ignore */ url) as Promise<RuntimeModule>);
  const win = window as unknown as { tastebud?: TastebudGlobal };
  const prev = win.tastebud;
  if (prev?.i) {
    if (prev.i.some((x) => x.options.namespace === options.namespace)) {
      return warnOnce(`loaded twice for namespace "${options.namespace}"; the second tag is ignored`);
    }
    prev.i.push(inst);
  } else {
    const instances = [inst];
    const forward: TastebudGlobal = (...args) => {
      try {
        return dispatch(instances, args);
      } catch (e) {
        warnOnce(e);
        return undefined;
      }
    };
    forward.i = instances;
    win.tastebud = forward;
    for (const args of prev?.q ?? []) void dispatch(instances, Array.from(args));
    const emit = (name: unknown, payload: unknown): void => void dispatch(instances, ['track', name, payload]);
    hookDataLayer(window, emit);
    hookSegment(window, emit);
  }
  shareContext(inst);
  defineTastebudRecs();
  scheduleLoad(inst);
}

try {
  performance.mark('tastebud:loader');
  boot();
} catch (e) {
  warnOnce(e);
}
