import { describe, expect, it } from 'vitest';
import { readLog } from '../../src/data/read_log.ts';
import {
  createAfcfmParser,
  createDelimitedParser,
  createMovieLensParser,
  createSequenceParser,
  splitDelimited,
} from '../../src/data/parsers.ts';
import { parseItemAttributesJson, withItemAttributes } from '../../src/data/amazon.ts';
import { parseNcfCandidates, sampleNcfCandidates } from '../../src/data/ncf_candidates.ts';
import { buildUserItemIndex } from '../../src/train/user_index.ts';
import { InvalidInputError } from '../../src/errors.ts';

async function* asyncLines(lines: string[]): AsyncGenerator<string> {
  for (const l of lines) yield l;
}

describe('generic CSV/TSV', () => {
  it('reads a header-named file with events, times and weights', async () => {
    const { set, stats } = await readLog(
      asyncLines(['sku,visitor,event_type,ts', 'a,u1,view,10', '"b,1",u2,purchase,2024-01-01T00:00:00Z', '', 'a,u2,select,30']),
      createDelimitedParser(),
    );
    expect(set.userIds).toEqual(['u1', 'u2']);
    expect(set.itemIds).toEqual(['a', 'b,1']);
    expect(Array.from(set.users)).toEqual([0, 1, 1]);
    expect(set.eventTypes).toEqual(['view', 'purchase', 'select']);
    expect(set.timestamps[1]).toBe(Date.parse('2024-01-01T00:00:00Z') / 1000);
    expect(stats).toMatchObject({ lines: 5, rows: 3, skippedEmpty: 2, skippedMalformed: 0 });
  });

  it('uses positional columns without a header (TSV), a third column only when it looks like a time', async () => {
    const { set } = await readLog(['u1\ti1\t978300760\tview\t2.5'], createDelimitedParser({ delimiter: '\t' }));
    expect(set.weights[0]).toBe(2.5);
    expect(set.timestamps[0]).toBe(978300760);
    await expect(readLog(['u1\ti1\t5'], createDelimitedParser({ delimiter: '\t' }), { skipMalformed: true })).rejects.toThrow(/:1: column 3 has no header.*"5".*--columns/);
  });

  it('reports the line number of a malformed row, or skips and counts it', async () => {
    const lines = ['user,item,weight', 'u1,i1,1', 'u2', 'u3,i3,abc', 'u4,i4,2'];
    await expect(readLog(lines, createDelimitedParser(), { source: 'log.csv' })).rejects.toThrow(/log\.csv:3: expected at least 2 fields/);
    await expect(readLog(lines, createDelimitedParser())).rejects.toThrow(InvalidInputError);
    const { set, stats } = await readLog(lines, createDelimitedParser(), { skipMalformed: true });
    expect(set.users.length).toBe(2);
    expect(stats.skippedMalformed).toBe(2);
    expect(stats.errors[1]).toMatch(/:4: weight "abc" is not a number/);
  });

  it('stops when nearly everything is malformed', async () => {
    const lines = Array.from({ length: 30 }, () => 'garbage');
    await expect(readLog(lines, createDelimitedParser(), { skipMalformed: true, maxMalformed: 10 })).rejects.toThrow(/is the format right/);
  });

  it('splits quoted fields', () => {
    expect(splitDelimited('a,"b,""c""",d', ',')).toEqual(['a', 'b,"c"', 'd']);
    expect(() => splitDelimited('a,"b', ',')).toThrow(/unterminated/);
  });
});

describe('dataset formats', () => {
  it('MovieLens u.data and ratings.dat, with a rating filter', async () => {
    const { set, stats } = await readLog(['196\t242\t3\t881250949', '1::1193::5::978300760', '1::661::2::978302109'], createMovieLensParser({ minRating: 3 }));
    expect(set.itemIds).toEqual(['242', '1193']);
    expect(set.timestamps[1]).toBe(978300760);
    expect(stats.filtered).toBe(1);
    await expect(readLog(['1::2::3'], createMovieLensParser())).rejects.toThrow(/:1: expected user, item, rating, timestamp/);
  });

  it('ML-1M implicit AFCFM lines, genre as item attribute', async () => {
    const { set } = await readLog(['1-6041-6042-6043,3186-3711', '2-6044-6045-6046,3186-3711'], createAfcfmParser());
    expect(set.userIds).toEqual(['1', '2']);
    expect(set.itemAttributes).toEqual([{ genre: '3711' }]);
    await expect(readLog(['x-1,2-3'], createAfcfmParser())).rejects.toThrow(/integers/);
  });

  it('Amazon sequences keep the order as time, attributes from JSON', async () => {
    const { set } = await readLog(['1 4 83 7', '2 83'], createSequenceParser());
    expect(Array.from(set.timestamps)).toEqual([0, 1, 2, 0]);
    const attrs = parseItemAttributesJson('{"4": [1, 2], "83": [4]}');
    expect(withItemAttributes(set, attrs).itemAttributes).toEqual([{ tags: '1|2' }, { tags: '4' }, undefined]);
    expect(() => parseItemAttributesJson('{"4": 1}')).toThrow(InvalidInputError);
    expect(() => parseItemAttributesJson('[')).toThrow(/not valid JSON/);
  });

  it('NCF candidates: fixed file and seeded sampling', () => {
    const users = new Map([['1', 0], ['2', 1]]);
    const items = new Map(['10', '11', '12', '13', '14'].map((id, k) => [id, k]));
    const { sets, skipped } = parseNcfCandidates(['# header', '1\t10\t11\t12', '2\t10\t99\t12'], users, items);
    expect(sets).toEqual([{ user: 0, items: Int32Array.of(0, 1, 2) }]);
    expect(skipped).toBe(1);
    const known = buildUserItemIndex(Int32Array.of(0, 0), Int32Array.of(0, 1), 1);
    const s1 = sampleNcfCandidates({ users: Int32Array.of(0), items: Int32Array.of(2) }, known, 5, { negatives: 2, seed: 4 });
    const s2 = sampleNcfCandidates({ users: Int32Array.of(0), items: Int32Array.of(2) }, known, 5, { negatives: 2, seed: 4 });
    expect(s1).toEqual(s2);
    expect(s1[0].items[0]).toBe(2);
    expect([...s1[0].items.slice(1)].sort()).toEqual([3, 4]);
    expect(() => sampleNcfCandidates({ users: Int32Array.of(0), items: Int32Array.of(2) }, known, 5, { negatives: 3 })).toThrow(InvalidInputError);
  });
});
