import { describe, expect, it, vi } from 'vitest';
import { encodeArtefact } from '../../src/artefact/encode.ts';
import { createEngine, type Engine, type EngineOptions } from '../../src/engine/engine.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import { encodeSequence } from '../../src/model/sequence/encode.ts';
import type { GlobalModel } from '../../src/model/global_model.ts';
import { sequenceFixture } from './fixture.ts';
import { resolveSequenceSettings } from '../../src/engine/sequence_user.ts';
import { InvalidInputError } from '../../src/errors.ts';

const ids = (k: number[]): string[] => k.map((i) => `sku-${i}`);

async function engineFor(model: GlobalModel, extra: Partial<EngineOptions> = {}, store = createMemoryStore('shop')): Promise<Engine> {
  let t = 1_000_000;
  return createEngine({ model, store, namespace: 'shop', now: () => (t += 5_000), sequence: { lrDelta: 0 }, ...extra });
}

async function clicks(engine: Engine, items: string[]): Promise<void> {
  for (const itemId of items) await engine.track({ itemId, type: 'select' });
  await engine.whenIdle();
}

/** Top-k by h·q + b over unseen items, from the reference forward: what the engine must return with δ = 0, γ = 0. */
function expectedTop(model: GlobalModel, history: number[], k: number): string[] {
  const h = history.length ? encodeSequence(model.sequence!, history) : model.priorUser;
  const d = model.dim;
  const seen = new Set(history);
  const scored: [number, number][] = [];
  for (let i = 0; i < model.itemIds.length; i++) {
    if (seen.has(i)) continue;
    let s = model.itemBias[i];
    for (let j = 0; j < d; j++) s += h[j] * model.itemEmb[i * d + j];
    scored.push([s, i]);
  }
  return scored.sort((a, b) => b[0] - a[0]).slice(0, k).map(([, i]) => model.itemIds[i]);
}

describe('engine with a sequence model', () => {
  it('ranks with the encoder over the clicks, and the order of the clicks changes the ranking', async () => {
    const model = sequenceFixture();
    const ab = await engineFor(model);
    const ba = await engineFor(model);
    await clicks(ab, ids([3, 17, 25]));
    await clicks(ba, ids([25, 17, 3]));
    const recAb = (await ab.recommend({ k: 8 })).map((r) => r.itemId);
    const recBa = (await ba.recommend({ k: 8 })).map((r) => r.itemId);
    expect(recAb).toEqual(expectedTop(model, [3, 17, 25], 8));
    expect(recBa).toEqual(expectedTop(model, [25, 17, 3], 8));
    expect(recAb).not.toEqual(recBa);
  });

  it('empty history and only unknown items rank with the prior, never NaN', async () => {
    const model = sequenceFixture();
    const e = await engineFor(model);
    const empty = await e.recommend({ k: 10 });
    expect(empty.map((r) => r.itemId)).toEqual(expectedTop(model, [], 10));
    await clicks(e, ['nope-1', 'nope-2']);
    const rec = await e.recommend({ k: 10 });
    expect(rec.map((r) => r.itemId)).toEqual(empty.map((r) => r.itemId));
    expect(rec.every((r) => Number.isFinite(r.score))).toBe(true);
    const st = await e.stats();
    expect(st.learner.unknown).toBe(2);
    expect(st.learner.sequence).toMatchObject({ prior: true, window: 0, truncated: 0 });
  });

  it('priorClicks shrinks a short history toward the prior: z = p_0 + n / (n + κ) · (h − p_0)', async () => {
    const model = sequenceFixture();
    const kappa = 3;
    const e = await engineFor(model, { sequence: { lrDelta: 0, priorClicks: kappa } });
    const plain = await engineFor(model);
    for (const [n, history] of [[1, [3]], [4, [3, 17, 25, 8]]] as const) {
      await clicks(e, ids(history.slice(n === 1 ? 0 : 1)));
      await clicks(plain, ids(history.slice(n === 1 ? 0 : 1)));
      const h = encodeSequence(model.sequence!, [...history]);
      const z = (await e.exportData()).userVector;
      const c = n / (n + kappa);
      z.forEach((v, j) => expect(v).toBeCloseTo(model.priorUser[j] + c * (h[j] - model.priorUser[j]), 5));
      // κ = 0 (the default) leaves the encoding as it is
      (await plain.exportData()).userVector.forEach((v, j) => expect(v).toBeCloseTo(h[j], 5));
    }
    expect(() => resolveSequenceSettings({ priorClicks: -1 })).toThrow(InvalidInputError);
  });

  it('a model ships its sequence settings (learner.sequence): used as if the shop passed them, under the shop\'s own, refused ones warn', async () => {
    const kappa = 3;
    const z = async (model: GlobalModel, learner?: Record<string, unknown>): Promise<number[]> => {
      const e = await createEngine({ model, store: createMemoryStore('s'), namespace: 's', ...(learner && { learner }) });
      await clicks(e, ids([3, 17]));
      const v = (await e.exportData()).userVector;
      await e.close();
      return v;
    };
    const model = sequenceFixture();
    const shipped = await z({ ...model, learner: { sequence: { lrDelta: 0, priorClicks: kappa } } });
    const passed = await z(model, { sequence: { lrDelta: 0, priorClicks: kappa } });
    expect(shipped).toEqual(passed);
    const h = encodeSequence(model.sequence!, [3, 17]);
    shipped.forEach((v, j) => expect(v).toBeCloseTo(model.priorUser[j] + (2 / (2 + kappa)) * (h[j] - model.priorUser[j]), 5));
    // the shop's key wins, the shipped one it does not name stays
    const shop = await z({ ...model, learner: { sequence: { lrDelta: 0, priorClicks: kappa } } }, { sequence: { priorClicks: 0 } });
    shop.forEach((v, j) => expect(v).toBeCloseTo(h[j], 5));
    // refused (out of range): a warning, the defaults, never the model
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const refused = await z({ ...model, learner: { sequence: { lrDelta: 0, hybrid: -1 } } });
    expect(warn.mock.calls.flat().join(' ')).toMatch(/ShippedLearnerSettingsInvalid.*sequence\.hybrid/);
    expect(refused.every(Number.isFinite)).toBe(true);
    warn.mockRestore();
    expect(() => encodeArtefact({ ...model, learner: { sequence: { priorClicks: 'ten' } } })).toThrow(InvalidInputError);
    expect(() => encodeArtefact({ ...model, learner: { sequence: { shrink: 1 } } })).toThrow(/unknown setting "shrink"/);
  });

  it('truncates a history longer than the window to the newest maxLen clicks and says so in stats', async () => {
    const model = sequenceFixture(); // maxLen 6
    const e = await engineFor(model);
    const history = [1, 5, 9, 13, 2, 6, 10, 14, 30, 33];
    await clicks(e, ids(history));
    const st = await e.stats();
    expect(st.learner.sequence).toMatchObject({ maxLen: 6, window: 6, truncated: 4, prior: false });
    const top = (await e.recommend({ k: 5 })).map((r) => r.itemId);
    const d = model.dim;
    const h = encodeSequence(model.sequence!, history.slice(-6));
    const seen = new Set(history);
    const want = model.itemIds
      .map((_, i) => i)
      .filter((i) => !seen.has(i))
      .map((i) => [model.itemBias[i] + h.reduce((a, x, j) => a + x * model.itemEmb[i * d + j], 0), i])
      .sort((a, b) => b[0] - a[0])
      .slice(0, 5)
      .map(([, i]) => model.itemIds[i]);
    expect(top).toEqual(want);
  });

  it('falls back to the prior when the encoder returns NaN, and counts it', async () => {
    const model = sequenceFixture();
    const e = await engineFor(model, { sequenceEncoder: () => ({ encode: async () => new Float32Array(model.dim).fill(NaN) }) });
    await clicks(e, ids([4, 8]));
    const rec = await e.recommend({ k: 5 });
    expect(rec.every((r) => Number.isFinite(r.score))).toBe(true);
    const st = await e.stats();
    expect(st.learner.sequence?.prior).toBe(true);
    expect(st.learner.sequence?.encodeFailures).toBeGreaterThan(0);
  });

  it('uses an injected async encoder (the worker seam)', async () => {
    const model = sequenceFixture();
    const seen: number[][] = [];
    const encoder = () => ({ encode: async (items: Int32Array) => (seen.push([...items]), encodeSequence(model.sequence!, items)) });
    const e = await engineFor(model, { sequenceEncoder: encoder });
    await clicks(e, ids([7, 11]));
    expect(seen.at(-1)).toEqual([7, 11]);
    expect((await e.recommend({ k: 4 })).map((r) => r.itemId)).toEqual(expectedTop(model, [7, 11], 4));
  });

  it('learns a per-user delta that moves the ranking toward what the shopper clicks, kept across a restore', async () => {
    const model = sequenceFixture();
    const store = createMemoryStore('shop');
    const e = await engineFor(model, { sequence: { lrDelta: 0.5, proximalDelta: 0.1 } }, store);
    await clicks(e, ids([2, 9, 21, 33, 38]));
    const withDelta = await e.recommend({ k: 40 });
    expect(withDelta.map((r) => r.itemId)).not.toEqual(expectedTop(model, [2, 9, 21, 33, 38], 40));
    expect((await e.exportData()).userVector.every(Number.isFinite)).toBe(true);
    await e.whenIdle(); // a second engine on the same store restores the checkpoint
    const again = await engineFor(model, { sequence: { lrDelta: 0.5, proximalDelta: 0.1 } }, store);
    expect(await again.recommend({ k: 40 })).toEqual(withDelta);
  });

  it('re-encodes the stored history with a new model version (transfer)', async () => {
    const v1 = sequenceFixture({}, 3);
    const v2 = sequenceFixture({}, 4);
    const e = await engineFor(v1);
    await clicks(e, ids([5, 6, 7]));
    await e.setModel(v2);
    expect((await e.stats()).modelVersion).toBe('seq-4');
    expect((await e.recommend({ k: 6 })).map((r) => r.itemId)).toEqual(expectedTop(v2, [5, 6, 7], 6));
  });

  it('explains by the clicks the encoder relies on', async () => {
    const model = sequenceFixture();
    const e = await engineFor(model);
    await clicks(e, ids([3, 17, 25]));
    const [top] = await e.recommend({ k: 1 });
    const ex = await e.explain(top.itemId);
    expect(ex.because.length).toBeGreaterThan(0);
    for (const b of ex.because) {
      expect(ids([3, 17, 25])).toContain(b.itemId);
      expect(b.contribution).toBeGreaterThan(0);
    }
    expect(ex.popularity).toBeGreaterThanOrEqual(0);
    expect(ex.popularity).toBeLessThanOrEqual(1);
  });
});
