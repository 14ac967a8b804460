import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import { ClosedError } from '../../src/errors.ts';

describe('memory store', () => {
  it('appends with growing sequence numbers, reads after a seq, compacts the oldest', async () => {
    const s = createMemoryStore('x');
    const a = await s.appendEvents([{ itemId: 'a', type: 'select', timestamp: 1 }, { itemId: 'b', type: 'view', timestamp: 2 }]);
    expect(a.map((e) => e.seq)).toEqual([1, 2]);
    await s.appendEvents([{ itemId: 'c', type: 'purchase', timestamp: 3 }]);
    expect((await s.readEvents(1)).map((e) => e.itemId)).toEqual(['b', 'c']);
    expect(await s.compactEvents(1)).toBe(2);
    expect((await s.readEvents()).map((e) => e.seq)).toEqual([3]);
    await s.clear();
    expect(await s.countEvents()).toBe(0);
    expect((await s.appendEvents([{ itemId: 'd', type: 'select', timestamp: 4 }]))[0].seq).toBe(4);
  });

  it('state and model records are copies, and a closed store refuses work', async () => {
    const s = createMemoryStore('x');
    const userVector = Float32Array.of(1, 2);
    await s.saveUserState({ modelVersion: 'v', lastSeq: 0, updatedAt: 0, userVector, extra: { dW: Float32Array.of(3) } });
    userVector[0] = 9;
    const got = (await s.loadUserState())!;
    expect(Array.from(got.userVector)).toEqual([1, 2]);
    got.userVector[1] = 7;
    expect(Array.from((await s.loadUserState())!.userVector)).toEqual([1, 2]);
    await s.saveModel({ modelVersion: 'a', url: 'u', savedAt: 1, manifest: '{}', weights: new ArrayBuffer(4) });
    await s.saveModel({ modelVersion: 'b', url: 'u', savedAt: 2, manifest: '{}', weights: new ArrayBuffer(8) });
    expect((await s.loadModel())?.modelVersion).toBe('b');
    expect((await s.loadModel('a'))?.weights.byteLength).toBe(4);
    await s.close();
    await expect(s.countEvents()).rejects.toBeInstanceOf(ClosedError);
  });
});
