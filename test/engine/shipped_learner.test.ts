import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import type { LearnerConfig } from '../../src/engine/learner_config.ts';
import { engineLearnerConfig, SHIPPED_SETTINGS_WARNING } from '../../src/engine/shipped_learner.ts';
import { decodeArtefact } from '../../src/artefact/decode.ts';
import { encodeArtefact } from '../../src/artefact/encode.ts';
import { encodeSealedArtefact, loadArtefact } from '../../src/artefact/integrity.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import { InvalidInputError } from '../../src/errors.ts';
import type { GlobalModel } from '../../src/model/global_model.ts';
import { blueId, makeModel, redId } from './fixture.ts';

/** Far from the defaults: no stochastic steps, a weak ridge, fold-in only after three clicks. */
const SHIPPED: Partial<LearnerConfig> = { ridge: 0.5, steps: 0, warmupEvents: 3, foldInScale: 5, halfLifeEvents: 1, denoise: false };
const CLICKS = [redId(0), blueId(0), blueId(1), redId(1), blueId(2)];

/** The user vector and the top-10 after CLICKS. */
async function afterClicks(model: GlobalModel, learner?: Partial<LearnerConfig>): Promise<{ p: number[]; top: string[] }> {
  let clock = 1_000_000;
  const e = await createEngine({ model, store: createMemoryStore('t'), namespace: 't', now: () => (clock += 60_000), ...(learner && { learner }) });
  for (const itemId of CLICKS) await e.track({ itemId, type: 'select' });
  const top = (await e.recommend({ k: 10 })).map((r) => r.itemId);
  const p = (await e.exportData()).userVector;
  await e.close();
  return { p, top };
}

afterEach(() => vi.restoreAllMocks());

describe('learner settings shipped in the artefact', () => {
  it('round-trip through the artefact (encode, seal, load)', async () => {
    const model = { ...makeModel(), learner: { ...SHIPPED } };
    const enc = await encodeSealedArtefact(model);
    expect(enc.modelJson.tastebud.learner).toEqual(SHIPPED);
    const { model: back } = await loadArtefact(JSON.parse(JSON.stringify(enc.modelJson)), enc.shards.map((s) => s.data));
    expect(back.learner).toEqual(SHIPPED);
    const plain = await encodeSealedArtefact(makeModel());
    expect(plain.modelJson.tastebud.learner).toBeUndefined();
    expect(enc.modelJson.tastebud.integrity?.content).not.toBe(plain.modelJson.tastebud.integrity?.content); // sealed with the rest
  });

  it('are used by the engine exactly as if the shop had passed them', async () => {
    const shipped = await afterClicks({ ...makeModel(), learner: { ...SHIPPED } });
    const passed = await afterClicks(makeModel(), SHIPPED);
    const defaults = await afterClicks(makeModel());
    expect(shipped).toEqual(passed);
    expect(shipped.p).not.toEqual(defaults.p);
  });

  it("give way to the shop's own option, key by key", () => {
    const cfg = engineLearnerConfig({ modelVersion: 'v', learner: { ...SHIPPED, typeWeights: { view: 0 } } }, { ridge: 4, typeWeights: { purchase: 5 } as LearnerConfig['typeWeights'] });
    expect(cfg.ridge).toBe(4);
    expect(cfg.steps).toBe(0);
    expect(cfg.typeWeights).toEqual({ view: 0, select: 1, add_to_cart: 2, purchase: 5 });
    // nested settings that are not objects are named, not lost in the merge
    for (const bad of [{ sequence: 5 }, { typeWeights: 'heavy' }, { sequence: null }]) {
      expect(() => engineLearnerConfig({ modelVersion: 'v', learner: { ...SHIPPED } }, bad as unknown as Partial<LearnerConfig>)).toThrow(InvalidInputError);
    }
  });

  it('absent: the defaults, without a warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const a = await afterClicks(makeModel());
    expect(a.top.length).toBe(10);
    expect(warn).not.toHaveBeenCalled();
  });

  it.each([
    ['out of bounds', { ridge: -5 }],
    ['an unknown setting', { learningRate: 0.1 }],
    ['a storage size', { maxEvents: 3 }],
    ['Infinity read back as null', { halfLifeEvents: null }],
    ['not an object', [1, 2]],
  ])('refused (%s): the defaults, with a named warning, not a crash', async (_, bad) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const refused = await afterClicks({ ...makeModel(), learner: bad as Record<string, unknown> });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(SHIPPED_SETTINGS_WARNING));
    expect(refused).toEqual(await afterClicks(makeModel()));
  });

  it('an artefact whose settings this tastebud refuses still decodes; the encoder refuses to write them', () => {
    const enc = encodeArtefact(makeModel());
    const json = JSON.parse(JSON.stringify(enc.modelJson));
    json.tastebud.learner = { ridge: 'lots' };
    expect(decodeArtefact(json, enc.weights).learner).toEqual({ ridge: 'lots' });
    expect(() => encodeArtefact({ ...makeModel(), learner: { ridge: -1 } })).toThrow(InvalidInputError);
    expect(() => encodeArtefact({ ...makeModel(), learner: { halfLifeEvents: Infinity } })).toThrow(/JSON/);
  });

  it('a new model version brings its own settings (setModel)', async () => {
    const e = await createEngine({ model: makeModel(), store: createMemoryStore('t'), namespace: 't' });
    for (const itemId of CLICKS) await e.track({ itemId, type: 'select', timestamp: 1 });
    await e.whenIdle();
    await e.setModel({ ...makeModel({ version: 'v2' }), learner: { ...SHIPPED } });
    const swapped = (await e.exportData()).userVector;
    const fresh = await createEngine({ model: { ...makeModel({ version: 'v2' }), learner: { ...SHIPPED } }, store: createMemoryStore('t'), namespace: 't' });
    for (const itemId of CLICKS) await fresh.track({ itemId, type: 'select', timestamp: 1 });
    expect(swapped).toEqual((await fresh.exportData()).userVector);
  });
});
