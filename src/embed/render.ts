/**
 * Renders recommendations into light DOM (so the shop's CSS applies): the default accessible list, or the shop's
 * own `<template>` with `data-field` slots. Item data only ever goes through `textContent` and vetted attributes —
 * never `innerHTML` — so a product named `<img src=x onerror=…>` shows as text.
 */
import type { ItemInfo } from './registry.ts';

export interface RenderItem {
  info: ItemInfo;
  score: number;
  /** Which list the item came from (Recommendation.source). */
  source?: string;
}

export interface RenderOptions {
  heading: string;
  currency: string;
  /** Builds the "why this?" text for an item. */
  explain(itemId: string, source?: string): Promise<string>;
  /** The shopper followed the link of the item at `index` (0-based). */
  onSelect?(info: ItemInfo, index: number): void;
}

/**
 * A URL safe to put in href/src: http(s) or same-origin relative; anything else (javascript:, data:) is dropped.
 *
 * @example
 * safeUrl('javascript:alert(1)'); // undefined
 */
export function safeUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    const u = new URL(value, location.href);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function formatPrice(value: unknown, currency: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value == null ? '' : String(value);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(value);
  } catch {
    return value.toFixed(2);
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

let nextId = 0;

function wireWhy(button: HTMLElement, target: HTMLElement, item: RenderItem, title: string, opts: RenderOptions): void {
  const id = `tb-why-${++nextId}`;
  target.id ||= id;
  // Every item has a "Why this?" button; the label says which item, for screen readers.
  button.setAttribute('aria-label', `Why is “${title}” recommended?`);
  target.hidden = true;
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', target.id);
  button.addEventListener('click', async () => {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    target.hidden = !open;
    if (open && !target.textContent) target.textContent = await opts.explain(item.info.id, item.source).catch(() => 'No explanation available.');
  });
}

function defaultItem(item: RenderItem, opts: RenderOptions): HTMLLIElement {
  const { info } = item;
  const title = info.title == null ? info.id : String(info.title);
  const li = el('li', 'tb-item');
  li.dataset.itemId = info.id;
  const href = safeUrl(info.url);
  const link = href ? el('a', 'tb-link') : el('span', 'tb-link');
  if (href) (link as HTMLAnchorElement).href = href;
  const src = safeUrl(info.image);
  if (src) {
    const img = el('img', 'tb-image');
    img.src = src;
    // The title is text inside the same link, so the image is decorative here (no doubled announcement).
    img.alt = '';
    img.loading = 'lazy';
    link.append(img);
  }
  link.append(el('span', 'tb-title', title));
  li.append(link);
  if (info.price != null) li.append(el('span', 'tb-price', formatPrice(info.price, opts.currency)));
  const why = el('button', 'tb-why', 'Why this?');
  why.type = 'button';
  const explain = el('p', 'tb-explain');
  wireWhy(why, explain, item, title, opts);
  li.append(why, explain);
  return li;
}

function fillTemplate(template: HTMLTemplateElement, item: RenderItem, opts: RenderOptions): DocumentFragment {
  const frag = template.content.cloneNode(true) as DocumentFragment;
  const values: Record<string, unknown> = { ...item.info, itemId: item.info.id, score: item.score.toFixed(3) };
  for (const slot of frag.querySelectorAll<HTMLElement>('[data-field]')) {
    const field = slot.dataset.field!;
    const value = field === 'price' ? formatPrice(values.price, opts.currency) : values[field];
    if (slot instanceof HTMLImageElement) {
      const src = safeUrl(value);
      if (src) slot.src = src;
      slot.alt = String(values.title ?? values.id);
    } else if (slot instanceof HTMLAnchorElement && field === 'url') {
      const href = safeUrl(value);
      if (href) slot.href = href;
    } else slot.textContent = value == null ? '' : String(value);
  }
  const why = frag.querySelector<HTMLElement>('[data-why]');
  const target = frag.querySelector<HTMLElement>('[data-explain]');
  if (why && target) wireWhy(why, target, item, String(values.title ?? values.id), opts);
  return frag;
}

/**
 * Replaces the rendered list inside `host` (keeping the shop's `<template>`).
 *
 * @example
 * renderRecommendations(widget, [{ info: { id: 'sku-1', title: 'Boot' }, score: 2.1 }], opts);
 */
export function renderRecommendations(host: HTMLElement, items: RenderItem[], opts: RenderOptions): void {
  const template = host.querySelector<HTMLTemplateElement>(':scope > template');
  const section = el('section', 'tb-recs');
  const list = el('ol', 'tb-list');
  items.forEach((item, index) => {
    let li: HTMLLIElement;
    if (template) {
      li = el('li', 'tb-item');
      li.dataset.itemId = item.info.id;
      li.append(fillTemplate(template, item, opts));
    } else li = defaultItem(item, opts);
    if (item.source) li.dataset.source = item.source;
    li.querySelector('a')?.addEventListener('click', () => opts.onSelect?.(item.info, index));
    list.append(li);
  });
  if (opts.heading) {
    const h = el('h2', 'tb-heading', opts.heading);
    h.id = `tb-h-${++nextId}`;
    section.setAttribute('aria-labelledby', h.id);
    section.append(h);
  } else section.setAttribute('aria-label', 'Recommendations');
  section.append(list);
  host.querySelector(':scope > .tb-recs')?.remove();
  host.append(section);
}
