/**
 * The shopper-facing sentence for an explanation: the shopper's own events that raised the item, by name, or that
 * it is popular — never a bare score.
 */
import type { EventType, Explanation } from '../engine/api.ts';

const VERBS: Record<EventType, string> = {
  view: 'viewed',
  select: 'looked at',
  add_to_cart: 'added to your cart',
  purchase: 'bought',
};

/**
 * @example
 * explanationText({ itemId: 'b', because: [{ itemId: 'a', type: 'view', timestamp: 0, contribution: 1 }], popularity: 0.2 },
 *   (id) => titles[id]); // 'Because you viewed “Trail Boot”.'
 */
export function explanationText(e: Explanation, titleOf: (itemId: string) => string): string {
  const because = e.because.filter((b) => b.contribution > 0).slice(0, 2);
  if (because.length === 0) return 'Popular with shoppers right now.';
  const parts = because.map((b) => `${VERBS[b.type] ?? 'viewed'} “${titleOf(b.itemId)}”`);
  const tail = e.popularity > 0.5 ? ' Also popular overall.' : '';
  return `Because you ${parts.join(' and ')}.${tail}`;
}
