/**
 * The built-in holdout arm for A/B tests: `data-holdout="0.1"` gives 10 % of shoppers the non-personal lists.
 * Decided on the device from one uniform draw kept in localStorage (only with consent; without it, per page), so
 * a shopper stays in one arm and raising the share only moves shoppers from personal to holdout. The arm names
 * every shelf's `item_list_id`, so the shop's own analytics compares the two.
 */
import { deviceValue } from './shelf_cache.ts';

export type Arm = 'personal' | 'holdout';

/**
 * @example
 * decideArm('shop', 0.1, true); // 'personal' for 90 % of devices, 'holdout' for the rest
 */
export function decideArm(namespace: string, share: number, keep: boolean): Arm {
  if (!(share > 0)) return 'personal';
  const u = Number(deviceValue(namespace, 'ab', () => String(Math.random()), keep));
  return Number.isFinite(u) && u < Math.min(share, 1) ? 'holdout' : 'personal';
}
