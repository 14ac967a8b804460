import { afterEach, describe, expect, it } from 'vitest';
import { requestLeadership } from '../../src/worker/leadership.ts';
import { TabLink, type Announcement, type TrackResult } from '../../src/worker/tab_link.ts';
import { InvalidInputError } from '../../src/errors.ts';
import type { TrackEvent } from '../../src/engine/api.ts';
import { FakeLocks } from './fake_locks.ts';

const open: TabLink[] = [];
afterEach(() => open.splice(0).forEach((l) => l.close()));

function link(name: string, isLeader: () => boolean, applyTrack: (e: TrackEvent[]) => Promise<TrackResult>, onAnnouncement: (k: Announcement) => void = () => undefined): TabLink {
  const l = new TabLink({ channelName: name, isLeader, applyTrack, onAnnouncement, ackTimeoutMs: 50, giveUpMs: 2000 });
  open.push(l);
  return l;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('requestLeadership', () => {
  it('grants one holder at a time and hands over on release', async () => {
    const locks = new FakeLocks();
    const order: string[] = [];
    const a = requestLeadership('ns', locks, () => void order.push('a'));
    const b = requestLeadership('ns', locks, () => void order.push('b'));
    await a.whenLeader;
    await sleep(5);
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    a.release();
    await b.whenLeader;
    expect([a.isLeader, b.isLeader, order]).toEqual([false, true, ['a', 'b']]);
    b.release();
  });

  it('leads at once without a lock manager', async () => {
    const l = requestLeadership('ns', undefined, () => undefined);
    await l.whenLeader;
    expect(l.isLeader).toBe(true);
  });
});

describe('TabLink', () => {
  it('forwards to the leader with ids and timestamps, once per request even when it retries', async () => {
    const applied: TrackEvent[][] = [];
    link('t1', () => true, async (events) => {
      applied.push(events);
      await sleep(180); // longer than the ack timeout: the follower resends meanwhile
      return { stored: events.length, ignored: 0 };
    });
    const follower = link('t1', () => false, async () => {
      throw new Error('a follower must not apply');
    });
    const result = await follower.forward([{ itemId: 'x' }, { itemId: 'y', timestamp: 5, eventId: 'mine' }]);
    expect(result).toEqual({ stored: 2, ignored: 0 });
    expect(applied).toHaveLength(1);
    expect(applied[0][0].eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(applied[0][0].timestamp).toBeGreaterThan(0);
    expect(applied[0][1]).toEqual({ itemId: 'y', timestamp: 5, eventId: 'mine' });
  });

  it('rebuilds the leader’s named error on the follower', async () => {
    link('t2', () => true, async () => {
      throw new InvalidInputError('itemId must be a non-empty string');
    });
    const follower = link('t2', () => false, async () => ({ stored: 0, ignored: 0 }));
    const err = await follower.forward([{ itemId: '' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toContain('non-empty');
  });

  it('applies locally once this tab becomes leader while waiting, and gives up loudly with nobody there', async () => {
    let leader = false;
    const local: TrackEvent[][] = [];
    const l = link('t3', () => leader, async (e) => (local.push(e), { stored: e.length, ignored: 0 }));
    setTimeout(() => (leader = true), 120);
    expect(await l.forward([{ itemId: 'x' }])).toEqual({ stored: 1, ignored: 0 });
    expect(local).toHaveLength(1);
    const alone = new TabLink({ channelName: 't3b', isLeader: () => false, applyTrack: async () => ({ stored: 0, ignored: 0 }), onAnnouncement: () => undefined, ackTimeoutMs: 20, giveUpMs: 100 });
    open.push(alone);
    await expect(alone.forward([{ itemId: 'x' }])).rejects.toThrow(/No tab answered/);
  });

  it('tells the other tabs, not itself, about updates and forgets', async () => {
    const heardBySender: Announcement[] = [];
    const heardByOther: Announcement[] = [];
    const sender = link('t4', () => true, async () => ({ stored: 0, ignored: 0 }), (k) => void heardBySender.push(k));
    link('t4', () => false, async () => ({ stored: 0, ignored: 0 }), (k) => void heardByOther.push(k));
    sender.announce('updated');
    sender.announce('forgot');
    await sleep(30);
    expect([heardBySender, heardByOther]).toEqual([[], ['updated', 'forgot']]);
  });
});
