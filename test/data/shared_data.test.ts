/**
 * Readers against the real datasets in ../shared/data (licences forbid committing them): the counts their
 * READMEs verify. Skipped, loudly, when the folder is absent (as in CI).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/cli/datasets.ts';

const DATA = process.env.TASTEBUD_DATA ?? resolve(__dirname, '../../../shared/data');
const ml1m = resolve(DATA, 'ml-1m-implicit-afcfm');
const beauty = resolve(DATA, 'amazon-s3rec/Beauty.txt');
const ml100k = resolve(DATA, 'ml-100k/u.data');

function skipLoudly(path: string): boolean {
  if (existsSync(path)) return false;
  console.warn(`SKIPPED: ${path} is absent (../shared/data is not committed; set TASTEBUD_DATA to run these)`);
  return true;
}

describe('real datasets (../shared/data)', () => {
  it.skipIf(skipLoudly(ml1m))('ML-1M implicit: 994,169 + 6,040 interactions, 6,040 users, 3,706 items, fixed NCF candidates', async () => {
    const d = await loadDataset({ data: ml1m, format: 'ml1m-implicit' });
    expect(d.split.train.users.length).toBe(994_169);
    expect(d.split.test.users.length).toBe(6_040);
    expect(d.set.userIds.length).toBe(6_040);
    expect(d.set.itemIds.length).toBe(3_706);
    expect(d.candidates).toHaveLength(6_040);
    expect(d.candidates![0].items).toHaveLength(100);
    expect(d.set.itemIds[d.candidates![0].items[0]]).toBe('48'); // user 1's held-out movie (README)
    expect(d.stats.skippedMalformed).toBe(0);
  });

  it.skipIf(skipLoudly(beauty))('Amazon Beauty: 22,363 users, 12,101 items, 198,502 interactions, attributes attached', async () => {
    const d = await loadDataset({ data: beauty, format: 'amazon' });
    expect(d.set.userIds.length).toBe(22_363);
    expect(d.set.itemIds.length).toBe(12_101);
    expect(d.set.users.length).toBe(198_502);
    expect(d.split.test.users.length).toBe(22_363);
    expect(d.set.itemAttributes!.filter(Boolean)).toHaveLength(12_101);
  });

  it.skipIf(skipLoudly(ml100k))('MovieLens 100K u.data: 100,000 ratings, 943 users, 1,682 items', async () => {
    const d = await loadDataset({ data: ml100k, format: 'movielens' });
    expect(d.set.users.length).toBe(100_000);
    expect(d.set.userIds.length).toBe(943);
    expect(d.set.itemIds.length).toBe(1_682);
    expect(d.split.test.users.length).toBe(943);
  });
});
