/**
 * Two "tabs" in one process: two inline recommenders of one namespace sharing (fake) IndexedDB, a Web Locks
 * stand-in and real BroadcastChannels — the same protocol the browser test runs across real tabs.
 */
import { describe, expect, it } from 'vitest';
import { useTabs } from './tabs_fixture.ts';
import { InvalidInputError } from '../../src/errors.ts';

const { tab, until } = useTabs('shop');

describe('several tabs of one namespace', () => {
  it('stores every concurrently tracked event exactly once and converges on the same recommendations', async () => {
    const a = await tab();
    await until(async () => (await a.stats()).leader, 'the first tab to lead');
    const b = await tab();
    expect((await b.stats()).leader).toBe(false);
    const clicks = (prefix: number) => Array.from({ length: 12 }, (_, i) => ({ itemId: `item-${(prefix + 4 * i) % 80}`, timestamp: 1000 * prefix + i }));
    const results = await Promise.all([...clicks(1).map((e) => a.track(e)), ...clicks(2).map((e) => b.track(e))]);
    expect(results.every((r) => r.stored === 1)).toBe(true);
    const stored = (await a.exportData()).events;
    const key = (e: { itemId: string; timestamp?: number }) => `${e.itemId}@${e.timestamp}`;
    expect(stored.map(key).sort()).toEqual([...clicks(1), ...clicks(2)].map(key).sort());
    expect(new Set(stored.map((e) => e.seq)).size).toBe(24);
    await until(async () => JSON.stringify(await a.recommend({ k: 10 })) === JSON.stringify(await b.recommend({ k: 10 })), 'the follower to show the leader’s recommendations');
  });

  it('hands leadership to the next tab when the leader closes, losing nothing', async () => {
    const a = await tab();
    await until(async () => (await a.stats()).leader, 'a to lead');
    const b = await tab();
    await b.track({ itemId: 'item-5', timestamp: 1 });
    await a.close();
    await until(async () => (await b.stats()).leader, 'b to take over');
    await b.track({ itemId: 'item-9', timestamp: 2 });
    expect((await b.exportData()).events.map((e) => e.itemId)).toEqual(['item-5', 'item-9']);
  });

  it('gives a follower the leader’s named errors, and forget() in one tab resets the others', async () => {
    const a = await tab();
    await until(async () => (await a.stats()).leader, 'a to lead');
    const b = await tab();
    await expect(b.track({ itemId: '' })).rejects.toBeInstanceOf(InvalidInputError);
    const cold = await a.recommend({ k: 5 });
    await b.track([{ itemId: 'item-1' }, { itemId: 'item-5' }, { itemId: 'item-9' }]);
    await until(async () => JSON.stringify(await a.recommend({ k: 5 })) !== JSON.stringify(cold), 'learning');
    await b.forget();
    await until(async () => JSON.stringify(await a.recommend({ k: 5 })) === JSON.stringify(cold), 'the leader to forget too');
    expect((await a.exportData()).events).toEqual([]);
  });

  it('a follower resetting after the leader’s forget keeps events tracked after it', async () => {
    const a = await tab();
    await until(async () => (await a.stats()).leader, 'a to lead');
    const b = await tab();
    await a.track([{ itemId: 'item-1' }, { itemId: 'item-5' }]);
    await until(async () => (await b.exportData()).events.length === 2, 'b to see the events');
    await a.forget();
    await a.track({ itemId: 'item-2' }); // right after: b's reset must not delete it
    await new Promise((r) => setTimeout(r, 300));
    expect((await a.exportData()).events.map((e) => e.itemId)).toEqual(['item-2']);
    await until(async () => JSON.stringify(await a.recommend({ k: 5 })) === JSON.stringify(await b.recommend({ k: 5 })), 'the tabs to agree');
  });
});
