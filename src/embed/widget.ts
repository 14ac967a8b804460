/**
 * `<tastebud-recs k="8" kind="for-you|similar" item="sku" namespace="shop" heading="…" currency="EUR">`:
 * renders recommendations (default template or the shop's `<template>`), re-renders when they change, and fires
 * `tastebud:render` with the item ids shown. Failures render nothing (and clear `aria-busy`) and warn once per distinct problem; they never throw.
 */
import { explanationText } from './explain_text.ts';
import { whenRecommender, type RegistryEntry } from './registry.ts';
import { renderRecommendations } from './render.ts';

const warned = new Set<string>();
/** Each distinct problem once (a broken `k` on one widget must not hide an unknown item on another). */
function warn(e: unknown): void {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  if (warned.has(text) || warned.size >= 20) return;
  warned.add(text);
  console.warn(`tastebud: <tastebud-recs> could not render (${text})`);
}

export class TastebudRecs extends HTMLElement {
  static observedAttributes = ['k', 'kind', 'item', 'namespace'];
  private seq = 0;
  private unsubscribe: (() => void) | undefined;

  connectedCallback(): void {
    if (!this.querySelector(':scope > .tb-recs')) this.setAttribute('aria-busy', 'true');
    void this.attach();
  }

  disconnectedCallback(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.seq++;
  }

  attributeChangedCallback(): void {
    if (this.isConnected) void this.refresh();
  }

  private async attach(): Promise<void> {
    const entry = await whenRecommender(this.getAttribute('namespace') ?? undefined);
    if (!this.isConnected || this.unsubscribe) return;
    try {
      this.unsubscribe = entry.recommender.subscribe(() => void this.refresh());
    } catch (e) {
      warn(e);
    }
    await this.refresh();
  }

  /** Re-queries and re-renders; a newer call supersedes an older one still in flight. */
  async refresh(): Promise<void> {
    const seq = ++this.seq;
    try {
      const entry = await whenRecommender(this.getAttribute('namespace') ?? undefined);
      const recs = await this.query(entry);
      if (seq !== this.seq) return;
      const items = recs.map((r) => ({ info: entry.describe(r.itemId), score: r.score }));
      // Nothing to show (no model, nothing left after filters): no empty heading, just nothing.
      if (items.length === 0) this.querySelector(':scope > .tb-recs')?.remove();
      else renderRecommendations(this, items, {
        heading: this.getAttribute('heading') ?? (this.kind === 'similar' ? 'Similar items' : 'Recommended for you'),
        currency: this.getAttribute('currency') ?? 'EUR',
        explain: async (id) => explanationText(await entry.recommender.explain(id), (x) => String(entry.describe(x).title ?? x)),
      });
      this.setAttribute('aria-busy', 'false');
      if (!performance.getEntriesByName('tastebud:first-render').length) performance.mark('tastebud:first-render');
      this.dispatchEvent(new CustomEvent('tastebud:render', { bubbles: true, detail: { items: recs.map((r) => r.itemId) } }));
    } catch (e) {
      if (seq === this.seq) this.setAttribute('aria-busy', 'false'); // failed is not busy: assistive tech stops waiting
      warn(e);
    }
  }

  private get kind(): 'for-you' | 'similar' {
    return this.getAttribute('kind') === 'similar' ? 'similar' : 'for-you';
  }

  private query(entry: RegistryEntry) {
    const k = Math.max(1, Math.min(100, Number(this.getAttribute('k')) || 8));
    const item = this.getAttribute('item');
    if (this.kind === 'similar') return item ? entry.recommender.similarItems(item, { k }) : Promise.resolve([]);
    return entry.recommender.recommend({ k, exclude: item ? [item] : undefined });
  }
}

/**
 * Defines `<tastebud-recs>` once (the embed may load twice).
 *
 * @example
 * defineTastebudRecs();
 * document.body.append(Object.assign(document.createElement('tastebud-recs'), {}));
 */
export function defineTastebudRecs(): void {
  if (!customElements.get('tastebud-recs')) customElements.define('tastebud-recs', TastebudRecs);
}
