import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/cli/datasets.ts';
import { loadPairs } from '../../src/cli/pair_log.ts';
import { InvalidInputError } from '../../src/errors.ts';
import { createRng } from '../../src/model/rng.ts';
import { aggregatePairs } from '../../src/train/pairs.ts';
import { pretrain, pretrainPairs } from '../../src/train/pretrain.ts';

/** A CSV log with repeats; user u0-u4 in time order, the others shuffled (out of order). */
function writeLog(dir: string, events: number): string {
  const rng = createRng(9);
  const lines = ['user_id,item_id,timestamp,event'];
  for (let n = 0; n < events; n++) {
    const u = rng.int(30);
    const t = u < 5 ? 1_700_000_000 + n : 1_700_000_000 + rng.int(events);
    lines.push(`u${u},i${rng.int(40)},${t},${['view', 'select', 'purchase'][rng.int(3)]}`);
  }
  const path = join(dir, 'log.csv.gz');
  writeFileSync(path, gzipSync(lines.join('\n') + '\n'));
  return path;
}

describe('streaming a log into pairs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tastebud-pairs-'));
  const path = writeLog(dir, 3000);
  const recency = { boost: 19, halfLife: 5 };

  it('gives the pairs, weights and ids of the per-event read, out-of-order users read again', async () => {
    const streamed = await loadPairs({ data: path, format: 'csv', eventWeights: true }, recency);
    const d = await loadDataset({ data: path, format: 'csv', eventWeights: true });
    const s = d.set;
    const want = aggregatePairs({ ...s, numUsers: s.userIds.length, numItems: s.itemIds.length }, recency);
    expect(streamed.userIds).toEqual(s.userIds);
    expect(streamed.itemIds).toEqual(s.itemIds);
    expect(streamed.rows.events).toBe(s.users.length);
    expect([...streamed.rows.byUser.offsets]).toEqual([...want.byUser.offsets]);
    expect([...streamed.rows.byUser.cols]).toEqual([...want.byUser.cols]);
    want.byUser.weights.forEach((w, k) => expect(streamed.rows.byUser.weights[k]).toBeCloseTo(w, 4));
    expect(streamed.notes.join(' ')).toMatch(/25 users have events out of time order/);
    expect(streamed.pairs).toBe(want.byUser.cols.length);
  });

  it('trains the same ALS model as pretrain on the per-event log', async () => {
    const streamed = await loadPairs({ data: path, format: 'csv' }, recency);
    const s = (await loadDataset({ data: path, format: 'csv' })).set;
    const recipe = { solver: 'als' as const, dim: 8, epochs: 3, recencyBoost: 19, recencyHalfLife: 5, seed: 3 };
    const a = await pretrainPairs(streamed.rows, { itemIds: streamed.itemIds, numUsers: streamed.userIds.length }, recipe);
    const b = await pretrain({ users: s.users, items: s.items, timestamps: s.timestamps, itemIds: s.itemIds, numUsers: s.userIds.length }, recipe);
    a.model.itemEmb.forEach((v, k) => expect(v).toBeCloseTo(b.model.itemEmb[k], 3));
    expect([...a.model.popularity]).toEqual([...b.model.popularity]);
  });

  it('refuses what needs every event, by name', async () => {
    await expect(loadPairs({ data: path, format: 'csv', repeats: 'dedupe' })).rejects.toThrow(InvalidInputError);
    await expect(loadPairs({ data: join(dir, 'x.parquet'), format: 'csv' })).rejects.toThrow(/Parquet/);
  });
});
