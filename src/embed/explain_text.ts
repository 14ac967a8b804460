/**
 * The shopper-facing sentence for an explanation: the shopper's own events that raised the item, by name, or that
 * it is popular — never a bare score.
 */
import type { EventType, Explanation } from '../engine/api.ts';

const PHRASES: Record<EventType, [string, string]> = {
  view: ['viewed ', ''],
  select: ['looked at ', ''],
  add_to_cart: ['added ', ' to your cart'],
  purchase: ['bought ', ''],
};

/**
 * @example
 * explanationText({ itemId: 'b', because: [{ itemId: 'a', type: 'view', timestamp: 0, contribution: 1 }], popularity: 0.2 },
 *   (id) => titles[id]); // 'Because you viewed “Trail Boot”.'
 */
export function explanationText(e: Explanation, titleOf: (itemId: string) => string): string {
  const because = e.because.filter((b) => b.contribution > 0).slice(0, 2);
  if (because.length === 0) return 'Popular with shoppers right now.';
  const [verb, tail0] = PHRASES[because[0].type] ?? PHRASES.view;
  const titles = because.map((b) => `“${titleOf(b.itemId)}”${sameAs(b.shared)}`);
  // One verb when both events share it: "looked at “A” and “B”", not "looked at “A” and looked at “B”".
  const same = because.every((b) => b.type === because[0].type);
  const parts = same
    ? [`${verb}${titles.join(' and ')}${tail0}`]
    : because.map((b, i) => `${(PHRASES[b.type] ?? PHRASES.view)[0]}${titles[i]}${(PHRASES[b.type] ?? PHRASES.view)[1]}`);
  const tail = e.popularity > 0.5 ? ' Also popular overall.' : '';
  return `Because you ${parts.join(' and ')}.${tail}`;
}

/** " (same brand)" for shared attributes ["brand=acme"]; the field names only, at most two. */
function sameAs(shared: string[] | undefined): string {
  const fields = [...new Set((shared ?? []).map((token) => token.slice(0, token.indexOf('='))))].filter(Boolean).slice(0, 2);
  return fields.length ? ` (same ${fields.join(' and ')})` : '';
}

/**
 * The sentence for an item that came from a shipped, non-personal list (Recommendation.source), naming the item the
 * shelf is about where there is one; undefined for the shopper's own ranking (ask `explain` then).
 *
 * @example
 * sourceText('together', '“Tent”'); // 'Often bought together with “Tent”.'
 */
export function sourceText(source: string | undefined, about: string | undefined): string | undefined {
  if (source === 'trending') return 'Trending in this shop right now.';
  if (source === 'together') return about ? `Often bought together with ${about}.` : 'Often bought with what is in your cart.';
  if (source === 'similar') return about ? `Similar to ${about}.` : 'Similar to what you are looking at.';
  if (source === 'recent') return 'You looked at this recently.';
  if (source === 'pinned') return 'Featured by the shop.';
  return undefined;
}
