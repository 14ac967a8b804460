/**
 * The seeded call generator of the API fuzz: mostly valid calls with random shapes, and a share of hostile
 * arguments (wrong types, NaN, huge numbers, prototype keys, functions, long strings).
 */
import type { Rng } from '../../src/model/rng.ts';

export type Verb = 'track' | 'recommend' | 'similarItems' | 'explain' | 'stats' | 'exportData' | 'forget' | 'setConsent' | 'refreshModel';

export interface FuzzCall {
  verb: Verb;
  args: unknown[];
}

const HOSTILE: unknown[] = [
  undefined, null, NaN, Infinity, -Infinity, -1, 0, 1.5, 1e308, 2 ** 53, '', ' ', 'x'.repeat(300), '__proto__', 'constructor',
  '\u0000', '..', {}, [], [[]], { __proto__: { k: 5 } }, () => 1, true, false, 'maybe', new Date(0), '😀'.repeat(3), { length: 3 }, [1, 2, 3],
];

const WEIGHTS: [Verb, number][] = [
  ['track', 40], ['recommend', 30], ['similarItems', 8], ['explain', 8], ['stats', 6], ['setConsent', 4], ['exportData', 1.5], ['refreshModel', 1], ['forget', 0.5],
];
const TOTAL = WEIGHTS.reduce((a, [, w]) => a + w, 0);

export function createCallGenerator(rng: Rng, numItems: number): () => FuzzCall {
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
  const hostile = (): unknown => pick(HOSTILE);
  const item = (): unknown => (rng.next() < 0.9 ? `item-${rng.int(numItems + 10)}` : hostile()); // some unknown to the model
  const maybe = <T>(valid: () => T): unknown => (rng.next() < 0.88 ? valid() : hostile());
  const event = (): unknown =>
    maybe(() => ({
      itemId: item(),
      ...(rng.next() < 0.3 && { type: maybe(() => pick(['view', 'select', 'add_to_cart', 'purchase'])) }),
      ...(rng.next() < 0.2 && { timestamp: maybe(() => 1_700_000_000_000 + rng.int(1e9)) }),
      ...(rng.next() < 0.1 && { eventId: maybe(() => `e${rng.int(200)}`) }), // repeats on purpose: dedupe
    }));
  const recommendOptions = (): unknown =>
    maybe(() => ({
      ...(rng.next() < 0.7 && { k: maybe(() => 1 + rng.int(30)) }),
      ...(rng.next() < 0.3 && { excludeSeen: maybe(() => rng.next() < 0.5) }),
      ...(rng.next() < 0.2 && { exclude: maybe(() => Array.from({ length: rng.int(4) }, item)) }),
      ...(rng.next() < 0.1 && { candidates: maybe(() => Array.from({ length: 1 + rng.int(20) }, item)) }),
      ...(rng.next() < 0.05 && { [pick(['kk', 'filter', '__proto__'])]: hostile() }),
    }));
  const args: Record<Verb, () => unknown[]> = {
    track: () => [rng.next() < 0.8 ? event() : maybe(() => Array.from({ length: rng.int(6) }, event))],
    recommend: () => (rng.next() < 0.2 ? [] : [recommendOptions()]),
    similarItems: () => [item(), maybe(() => ({ k: maybe(() => 1 + rng.int(10)) }))],
    explain: () => [item()],
    stats: () => [],
    exportData: () => [],
    forget: () => [],
    setConsent: () => [maybe(() => rng.next() < 0.7)],
    refreshModel: () => [],
  };
  return () => {
    let r = rng.next() * TOTAL;
    const verb = WEIGHTS.find(([, w]) => (r -= w) < 0)?.[0] ?? 'stats';
    return { verb, args: args[verb]() };
  };
}
