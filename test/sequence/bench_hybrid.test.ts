import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.ts';
import { createMemoryStore } from '../../src/store/memory_store.ts';
import { encodeSequence } from '../../src/model/sequence/encode.ts';
import { DEFAULT_LEARNER } from '../../src/engine/learner_config.ts';
import { foldInAnchors, hybridQueries } from '../../bench/sequence/hybrid.ts';
import { sequenceFixture } from './fixture.ts';

// bench:sequence-hybrid reports full ranking "as the engine ranks": its vector must be the engine's, not a copy that drifted
describe('bench:sequence-hybrid ranks with the engine vector', () => {
  it('z = p_0 + c_n·(h − p_0) + γ·(p_u − p_0) equals the engine user vector (no stochastic steps, δ off)', async () => {
    const model = sequenceFixture();
    const learner = { steps: 0, denoise: false };
    const sequence = { lrDelta: 0, hybrid: 0.4, priorClicks: 3 };
    let t = 1_000_000;
    const engine = await createEngine({ model, store: createMemoryStore('shop'), namespace: 'shop', now: () => (t += 60_000), learner, sequence });
    const history = [3, 17, 25, 8, 11];
    for (const i of history) await engine.track({ itemId: `sku-${i}`, type: 'select' });
    const engineZ = Float32Array.from((await engine.exportData()).userVector);

    const rows = Int32Array.from(history);
    const anchors = foldInAnchors(model, [rows], { ...DEFAULT_LEARNER, ...learner });
    const h = encodeSequence(model.sequence!, rows); // 5 clicks: inside the fixture's window of 6
    const z = hybridQueries(model, h, anchors, [history.length], sequence.hybrid, sequence.priorClicks);
    expect(z.length).toBe(model.dim);
    for (let j = 0; j < model.dim; j++) expect(z[j]).toBeCloseTo(engineZ[j], 4);
    // and the fold-in term moves it: γ 0 gives another vector
    const plain = hybridQueries(model, h, anchors, [history.length], 0, sequence.priorClicks);
    expect(Math.max(...plain.map((v, j) => Math.abs(v - z[j])))).toBeGreaterThan(1e-3);
  });
});
