/**
 * The inspector panel: what runs (backend, why others were skipped, storage), how fast (per-click update and
 * recommend latency), how it learns (loss curve), why each recommendation (explain), and the shopper's own data
 * (view, export as a JSON download, erase). Everything is read from the public API through `tastebud('ready')`.
 */
import type { ExportedData, Stats } from '../src/engine/api.ts';
import { explanationText } from '../src/embed/explain_text.ts';
import type { EmbedRecommender } from '../src/embed/runtime_types.ts';
import type { Catalogue } from './data/catalogue.ts';
import { lossChart } from './loss_chart.ts';

const BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

function testid<T extends HTMLElement>(e: T, id: string): T {
  e.dataset.testid = id;
  return e;
}

const ms = (v: number | null | undefined): string => (v == null ? '–' : `${v.toFixed(1)} ms`);

interface Panel {
  backend: HTMLElement;
  engine: HTMLElement;
  latency: HTMLElement;
  loss: HTMLElement;
  why: HTMLOListElement;
  data: HTMLElement;
  privacy: HTMLElement;
}

function layout(root: HTMLElement, params: URLSearchParams): Panel {
  const current = params.get('backend') ?? 'auto';
  const switcher = h('ul', { className: 'chips small' }, ...BACKENDS.map((b) => {
    const a = h('a', { href: b === 'auto' ? '?' : `?backend=${b}`, textContent: b });
    if (b === current) a.setAttribute('aria-current', 'true');
    return h('li', {}, a);
  }));
  const panel: Panel = {
    backend: testid(h('strong', { className: 'backend', textContent: 'loading…' }), 'backend'),
    engine: h('dl', { className: 'facts' }),
    latency: h('dl', { className: 'facts' }),
    loss: h('div', { className: 'loss' }),
    why: testid(h('ol', { className: 'why' }), 'why'),
    data: h('div', { className: 'data' }),
    privacy: h('div', { className: 'privacy' }),
  };
  const section = (title: string, ...body: Node[]): HTMLElement => h('section', {}, h('h2', { textContent: title }), ...body);
  root.replaceChildren(
    section('Engine', h('p', {}, 'Backend: ', panel.backend), panel.engine, h('p', { className: 'muted', textContent: 'Force a backend:' }), switcher),
    section('Latency', panel.latency),
    section('Learning (loss)', panel.loss),
    section('Your data', panel.privacy, panel.data),
    // last: the one list whose length varies, so its growth moves nothing below it
    section('Why these?', panel.why),
  );
  // every row present (as "–") before the engine answers: filling them in moves nothing (no layout shift)
  facts(panel.engine, [['Model', '–'], ['Storage', '–'], ['Skipped', '–'], ['Leader tab', '–']]);
  facts(panel.latency, [['Update (track → ready)', '–'], ['Recommend', '–'], ['Click → shelf redrawn', '–']]);
  panel.loss.replaceChildren(lossChart([]));
  return panel;
}

function facts(dl: HTMLElement, rows: [string, string][]): void {
  dl.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', { textContent: k }), h('dd', { textContent: v, title: v })]));
}

function download(data: ExportedData): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = h('a', { href: url, download: `tastebud-${data.namespace}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Builds the panel and keeps it current.
 *
 * @example
 * startInspector(catalogue, new URLSearchParams(location.search));
 */
export function startInspector(catalogue: Catalogue, params: URLSearchParams): void {
  const panel = layout(document.getElementById('inspector')!, params);
  const titles = new Map(catalogue.items.map((p) => [p.id, p.title]));
  const title = (id: string): string => titles.get(id) ?? id;
  let clickedAt: number | null = null;
  let shelfMs: number | null = null;
  document.addEventListener('click', (e) => {
    if ((e.target as Element).closest?.('.card-link, .product .primary')) clickedAt = performance.now();
  }, true);
  window.tastebud('ready', (rec: EmbedRecommender | undefined) => {
    if (!rec) return void (panel.backend.textContent = 'failed to start (see console)');
    const refresh = async (): Promise<void> => {
      const stats = await rec.stats();
      renderStats(panel, stats, shelfMs);
      await renderData(panel, rec, title);
    };
    // the for-you shelf of whichever page is shown (each view makes its own)
    document.addEventListener('tastebud:render', (e) => {
      if ((e.target as HTMLElement).dataset?.testid !== 'for-you') return;
      if (clickedAt !== null) {
        shelfMs = performance.now() - clickedAt;
        clickedAt = null;
      }
      void refresh();
      void renderWhy(panel, rec, (e as CustomEvent<{ items: string[] }>).detail.items, title);
    });
    void refresh();
    void renderPrivacy(panel);
    // the shop's consent banner answered (main.ts)
    document.addEventListener('demo:consent', () => void renderPrivacy(panel).then(refresh));
  });
}

async function renderPrivacy(panel: Panel): Promise<void> {
  const state = String(await window.tastebud('consent'));
  const gpc = (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
  const status = testid(h('span', { textContent: state === 'granted' ? 'learning on this device' : state === 'pending' ? 'waiting for your consent' : 'learning off' }), 'consent');
  const reason = state === 'pending' ? (gpc ? ' (your browser sends Global Privacy Control)' : ' (the shop asks first)') : '';
  const row = h('p', {}, 'Status: ', status, reason);
  if (state !== 'granted') {
    const allow = testid(h('button', { type: 'button', className: 'primary', textContent: 'Allow learning on this device' }), 'allow');
    allow.addEventListener('click', () => void Promise.resolve(window.tastebud('consent', true)).then(() => document.dispatchEvent(new CustomEvent('demo:consent'))));
    panel.privacy.replaceChildren(row, allow);
  } else panel.privacy.replaceChildren(row);
}

function renderStats(panel: Panel, s: Stats, shelfMs: number | null): void {
  panel.backend.textContent = s.backend;
  const skipped = s.backendSkipped.map((x) => `${x.backend}: ${x.reason}`).join('; ');
  facts(panel.engine, [
    ['Model', `${s.modelVersion} · ${s.numItems} items`],
    ['Storage', `${s.storage}${s.persistent ? ' (persistent)' : ''}`],
    ['Skipped', skipped || 'none'],
    ['Leader tab', s.leader ? 'yes' : 'no'],
  ]);
  facts(panel.latency, [
    ['Update (track → ready)', ms(s.lastUpdateMs)],
    ['Recommend', ms(s.lastRecommendMs)],
    ['Click → shelf redrawn', ms(shelfMs)],
  ]);
  panel.loss.replaceChildren(lossChart(s.lossHistory, { leader: s.leader }));
}

async function renderWhy(panel: Panel, rec: EmbedRecommender, ids: string[], title: (id: string) => string): Promise<void> {
  const rows = await Promise.all(ids.map(async (id) => {
    const text = await rec.explain(id).then((x) => explanationText(x, title), () => 'no explanation');
    return h('li', {}, h('strong', { textContent: title(id) }), h('span', { textContent: ` — ${text}` }));
  }));
  panel.why.replaceChildren(...rows);
}

async function renderData(panel: Panel, rec: EmbedRecommender, title: (id: string) => string): Promise<void> {
  const data = await rec.exportData();
  const list = h('ol', { className: 'events', reversed: true }, ...data.events.slice(-8).reverse().map((e) =>
    h('li', { textContent: `${e.type} · ${title(e.itemId)}` })));
  const exportBtn = testid(h('button', { type: 'button', textContent: 'Export JSON' }), 'export');
  exportBtn.addEventListener('click', () => void rec.exportData().then(download));
  const erase = testid(h('button', { type: 'button', className: 'danger', textContent: 'Erase my data' }), 'erase');
  erase.addEventListener('click', () => void Promise.resolve(window.tastebud('forget')).then(() => renderData(panel, rec, title)));
  panel.data.replaceChildren(
    h('p', {}, testid(h('strong', { textContent: String(data.events.length) }), 'events-count'), ' events stored on this device'),
    list, h('div', { className: 'row' }, exportBtn, erase));
}
