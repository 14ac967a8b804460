import { describe, expect, it } from 'vitest';
import { createLogBuilder } from '../../src/data/interactions.ts';
import { buildPlacements, toModelRows } from '../../src/train/placements.ts';
import { decodeArtefact, encodeArtefact, validateManifest } from '../../src/artefact/index.ts';
import { ModelLoadError, InvalidInputError } from '../../src/errors.ts';
import { makeModel } from '../engine/fixture.ts';

/** Shoppers who buy a tent also buy pegs (and some a lamp); "old" was popular long ago, "new" lately. */
function log() {
  const b = createLogBuilder();
  let t = 0;
  for (let u = 0; u < 6; u++) {
    b.add({ user: `u${u}`, item: 'old', timestamp: t++ });
  }
  for (let u = 0; u < 6; u++) {
    b.add({ user: `v${u}`, item: 'tent', timestamp: 100 + t++ });
    b.add({ user: `v${u}`, item: 'pegs', timestamp: 100 + t++ });
    if (u % 2) b.add({ user: `v${u}`, item: 'lamp', timestamp: 100 + t++ });
    b.add({ user: `v${u}`, item: 'new', timestamp: 100 + t++ });
  }
  b.add({ user: 'w', item: 'tent', timestamp: 90 });
  b.add({ user: 'w', item: 'sock', timestamp: 91 });
  return b.build();
}

describe('buildPlacements', () => {
  it('ranks recent popularity first and lists co-occurring items, a one-off pair left out', () => {
    const set = log();
    const { trending, together } = buildPlacements(set, { window: 1 });
    const id = (r: number): string => set.itemIds[r];
    expect(trending.map(id).slice(0, 2)).toEqual(['new', 'tent']); // 6 recent clicks beat "old"'s 6 long ago
    expect(trending.map(id).indexOf('old')).toBeGreaterThan(trending.map(id).indexOf('pegs'));
    const of = (x: string): string[] => together[set.itemIds.indexOf(x)].map(id);
    expect(of('tent')).toEqual(['pegs']); // window 1: only the next event; tent→sock seen once
    expect(of('pegs')[0]).toBe('tent');
    expect(() => buildPlacements(set, { window: 0 })).toThrow(InvalidInputError);
  });

  it('re-indexes to the model order and round-trips through the artefact', () => {
    const model = makeModel({ numItems: 4 });
    const lists = toModelRows({ trending: [1, 0, 5], together: [[1], [0], [], [], [], []] }, ['blue-1', 'red-1', 'x', 'y', 'z', 'gone'], model.itemIds);
    expect(lists.trending).toEqual([model.itemIds.indexOf('red-1'), model.itemIds.indexOf('blue-1')]);
    model.placements = lists;
    const enc = encodeArtefact(model);
    const back = decodeArtefact(JSON.parse(JSON.stringify(enc.modelJson)), enc.shards.map((s) => s.data));
    expect(back.placements).toEqual(lists);
    const json = JSON.parse(JSON.stringify(enc.modelJson));
    json.tastebud.placements.trending.push(99);
    expect(() => validateManifest(json)).toThrow(ModelLoadError);
  });
});
