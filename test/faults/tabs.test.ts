/**
 * Fault suite, several tabs: a follower's forget() resolves only once the leader erased (so an event
 * acknowledged after it survives), and a retry after a stalled leader's "not confirmed" is stored once.
 */
import { describe, expect, it } from 'vitest';
import { useTabs } from '../client/tabs_fixture.ts';
import { createEventStamper } from '../../src/client/recommender.ts';
import { StorageError } from '../../src/errors.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import { TabLink } from '../../src/worker/tab_link.ts';
import { sleep } from './harness.ts';

const { tab, until } = useTabs('tabs');

describe('fault: forget from a follower', () => {
  it('resolves after the leader erased: events acknowledged after it are kept (10 rounds)', async () => {
    const a = await tab();
    await until(async () => (await a.stats()).leader, 'a to lead');
    const b = await tab();
    let kept = 0;
    for (let round = 0; round < 10; round++) {
      await b.track([{ itemId: 'item-1' }, { itemId: 'item-5' }]);
      await b.forget();
      await a.track({ itemId: `item-${10 + round}` }); // acknowledged after forget resolved: must survive
      await sleep(60); // let every tab hear the forget
      const left = (await a.exportData()).events.map((e) => e.itemId);
      expect(left).toEqual([`item-${10 + round}`]);
      kept++;
      await a.forget();
    }
    console.log(`fault suite | follower forget: ${kept}/10 rounds kept the event acknowledged after forget()`);
  });
});

describe('fault: stalled leader', () => {
  it('a follower retrying the same event after "not confirmed" is stored once', async () => {
    const name = `stall-${Math.random()}`;
    const store = createMemoryStore('stall');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const leader = new TabLink({ channelName: name, isLeader: () => true, onAnnouncement: () => undefined, applyTrack: async (events) => {
      await gate; // busy for longer than the follower waits
      const stored = await store.appendEvents(events.map((e) => ({ itemId: e.itemId, type: e.type ?? 'select', timestamp: e.timestamp!, eventId: e.eventId })));
      return { stored: stored.length, ignored: 0 };
    } });
    const follower = new TabLink({ channelName: name, isLeader: () => false, onAnnouncement: () => undefined, applyTrack: async () => ({ stored: 0, ignored: 0 }), ackTimeoutMs: 50, giveUpMs: 200 });
    const stamper = createEventStamper();
    const click = { itemId: 'sku-1' };
    await expect(follower.forward(stamper.stamp(click))).rejects.toBeInstanceOf(StorageError);
    release();
    await follower.forward(stamper.stamp(click)); // "track it again": the same event object, the same id
    await sleep(50);
    expect(await store.countEvents()).toBe(1);
    leader.close();
    follower.close();
  });
});
