/**
 * A shelf's re-renders without losing the shopper's place. The runtime re-renders a shelf each time the model or the
 * shopper's clicks change (subscribe → refresh): a list equal to the one shown is left as it is, and a changed one
 * keeps, for the items still in it, an open "Why this?" and the keyboard focus. Runtime-only (shelf_live.ts), so the
 * ≤ 5 KB loader does not carry it.
 */
import type { RenderItem } from './render.ts';

/**
 * What a rendering shows (the items, their sources, and `look`: what else shapes the DOM, such as the heading): the
 * same signature means the same DOM. '' when an item record cannot be written (never equal).
 */
export function shelfSignature(items: RenderItem[], look: unknown[]): string {
  try {
    return JSON.stringify([look, items.map((x) => [x.info, x.source ?? ''])]);
  } catch {
    return '';
  }
}

/**
 * Paints through `paint` unless `host` already shows `signature`, keeping the shopper's place across the repaint.
 *
 * @example
 * paintKeepingPlace(widget, shelfSignature(items, [heading]), () => widget.paint(items, explain));
 */
export function paintKeepingPlace(host: HTMLElement, signature: string, paint: () => void): void {
  const old = host.querySelector<HTMLElement>(':scope > .tb-recs');
  if (old && signature && old.dataset.tbShown === signature) return;
  const open = new Set<string>();
  for (const li of old?.querySelectorAll<HTMLElement>('li[data-item-id]') ?? []) {
    if (li.querySelector('[aria-expanded="true"]')) open.add(li.dataset.itemId!);
  }
  const active = document.activeElement;
  const focused = active && old?.contains(active) ? active.closest<HTMLElement>('li[data-item-id]') : null;
  const focusWhy = !!active?.hasAttribute('aria-expanded');
  paint();
  const fresh = host.querySelector<HTMLElement>(':scope > .tb-recs');
  if (!fresh) return;
  if (signature) fresh.dataset.tbShown = signature;
  for (const li of fresh.querySelectorAll<HTMLElement>('li[data-item-id]')) {
    const why = li.querySelector<HTMLElement>('[aria-expanded]');
    if (why && open.has(li.dataset.itemId!)) why.click(); // opens it and fetches its text, as the shopper's click did
    if (focused && focused.dataset.itemId === li.dataset.itemId) (focusWhy && why ? why : (li.querySelector<HTMLElement>('a') ?? why))?.focus();
  }
}
