import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/cli/datasets.ts';
import { countRepeats, sumRepeats } from '../../src/data/clean.ts';
import { columnsFromHeader, parseColumns } from '../../src/data/columns.ts';
import { createDelimitedParser, createSequenceParser } from '../../src/data/parsers.ts';
import { readLog } from '../../src/data/read_log.ts';
import { leaveOneOut } from '../../src/data/split.ts';
import { InvalidInputError } from '../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'tastebud-formats-'));
function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('naming columns', () => {
  it('recognises common header names (Last.fm, Amazon, RetailRocket)', () => {
    expect(columnsFromHeader(['userID', 'artistID', 'weight'])).toEqual({ user: 0, item: 1, weight: 2 });
    expect(columnsFromHeader(['reviewerID', 'asin', 'overall', 'unixReviewTime'])).toEqual({ user: 0, item: 1, weight: 2, timestamp: 3 });
    expect(columnsFromHeader(['timestamp', 'visitorid', 'event', 'itemid'])).toEqual({ user: 1, item: 3, timestamp: 0, event: 2 });
  });
  it('parses --columns and rejects what it cannot mean', () => {
    expect(parseColumns('user,-,item,weight')).toEqual({ user: 0, item: 2, weight: 3 });
    expect(() => parseColumns('user,item,plays')).toThrow(InvalidInputError);
    expect(() => parseColumns('user,weight')).toThrow(/must name a user and an item/);
    expect(() => parseColumns('user,item,item')).toThrow(/named twice/);
  });
  it('reads a Last.fm-style TSV: the play count is a weight, never a time', async () => {
    const { set } = await readLog(['userID\tartistID\tweight', '2\t51\t13883', '2\t52\t11690'], createDelimitedParser({ delimiter: '\t' }));
    expect(Array.from(set.weights)).toEqual([13883, 11690]);
    expect(Number.isNaN(set.timestamps[0])).toBe(true);
  });
  it('refuses an unknown header instead of reading it as data, and reads it once named', async () => {
    const lines = ['listener\tband\tplays', '2\t51\t13883'];
    await expect(readLog(lines, createDelimitedParser({ delimiter: '\t' }))).rejects.toThrow(/looks like a header.*--columns/);
    const { set, stats } = await readLog(lines, createDelimitedParser({ delimiter: '\t', columns: parseColumns('user,item,weight') }));
    expect(set.weights[0]).toBe(13883);
    expect(stats.skippedEmpty).toBe(1);
  });
  it('reads a space-separated file with runs of spaces', async () => {
    const { set } = await readLog(['u1  i1', 'u1 i2 ', ' u2\ti1'], createDelimitedParser({ delimiter: ' ' }));
    expect(set.itemIds).toEqual(['i1', 'i2']);
    expect(Array.from(set.users)).toEqual([0, 0, 1]);
  });
  it('keeps file order for sequence files of one item per line', async () => {
    const { set } = await readLog(['7 30', '8 10', '7 20', '7 10'], createSequenceParser());
    expect(Array.from(set.timestamps)).toEqual([0, 0, 1, 2]);
    const { test } = leaveOneOut(set);
    expect(test.itemIds[test.items[0]]).toBe('10'); // user 7's last line, not its largest item id (30)
  });
});

describe('holdout and repeats', () => {
  it('a log without times is split by file order, or at random, and says so', async () => {
    const path = file('pairs.ssv', ['u1 a', 'u1 c', 'u1 b', 'u2 a', 'u2 b']);
    const d = await loadDataset({ data: path, format: 'ssv' });
    expect(d.holdout).toBe('leave-one-out by file order (the log has no times)');
    expect(d.split.test.items.length).toBe(2);
    expect(d.split.test.itemIds[d.split.test.items[0]]).toBe('b');
    expect(d.notes.join('\n')).toMatch(/no times/);
    const r = await loadDataset({ data: path, format: 'ssv', holdout: 'random', seed: 3 });
    expect(r.holdout).toMatch(/random/);
    await expect(loadDataset({ data: path, format: 'ssv', holdout: 'time' })).rejects.toThrow(/no times/);
  });
  it('timestamps that are all equal carry no order', async () => {
    const d = await loadDataset({ data: file('zero.csv', ['user,item,timestamp', 'u,z,0', 'u,a,0']), format: 'csv' });
    expect(d.holdout).toMatch(/file order/);
    expect(d.split.test.itemIds[d.split.test.items[0]]).toBe('a');
    expect(d.notes.join('\n')).toMatch(/every timestamp is 0/);
  });
  it('a log with times is split by time and the columns are stated', async () => {
    const d = await loadDataset({ data: file('t.csv', ['user_id,sku,ts', 'u,a,20', 'u,b,10', 'v,a,5', 'v,b,6']), format: 'csv' });
    expect(d.holdout).toBe('leave-one-out by time');
    expect(d.split.test.itemIds[d.split.test.items[0]]).toBe('a');
    expect(d.notes[0]).toBe('columns user,item,timestamp (from the header)');
  });
  it('repeats are counted and merged only when asked', async () => {
    const path = file('rep.tsv', ['user\titem\tweight', 'u\ta\t1', 'u\ta\t2', 'u\tb\t1', 'v\ta\t1', 'v\tb\t1']);
    const keep = await loadDataset({ data: path, format: 'tsv' });
    expect(keep.set.users.length).toBe(5);
    expect(keep.notes.join('\n')).toMatch(/1 rows repeat an earlier/);
    const sum = await loadDataset({ data: path, format: 'tsv', repeats: 'sum' });
    expect(countRepeats(sum.set)).toBe(0);
    expect(sum.set.weights[0]).toBe(3);
    expect(Array.from(sumRepeats(keep.set).weights)).toEqual([3, 1, 1, 1]);
  });
});

describe('streaming reads', () => {
  it('reads a gzip CSV with progress up to 100 %, and a Parquet log by row groups', async () => {
    const { gzipSync } = await import('node:zlib');
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const lines = ['user_id,item_id,ts', ...Array.from({ length: 3000 }, (_, n) => `u${n % 50},i${n % 70},${1_700_000_000 + n}`)];
    const gz = join(dir, 'log.csv.gz');
    writeFileSync(gz, gzipSync(lines.join('\n')));
    const seen: number[] = [];
    const d = await loadDataset({ data: gz, format: 'csv' }, { onRead: (p) => seen.push(p.bytes / p.totalBytes) });
    expect(d.set.users.length).toBe(3000);
    expect(seen[seen.length - 1]).toBe(1);
    const pq = join(dir, 'log.parquet');
    const rows = lines.slice(1).map((l) => l.split(','));
    writeFileSync(pq, new Uint8Array(parquetWriteBuffer({
      columnData: [
        { name: 'visitorid', data: rows.map((r) => r[0]) },
        { name: 'itemid', data: rows.map((r) => r[1]) },
        { name: 'timestamp', data: rows.map((r) => BigInt(r[2])), type: 'INT64' },
      ],
      rowGroupSize: 1000,
    })));
    const p = await loadDataset({ data: pq, format: 'csv' });
    expect(Array.from(p.set.users)).toEqual(Array.from(d.set.users));
    expect(Array.from(p.set.timestamps)).toEqual(Array.from(d.set.timestamps));
    expect(p.holdout).toBe('leave-one-out by time');
  });
});
