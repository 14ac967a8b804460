/**
 * `pretrain --catalogue`: trending.json carries the display fields of its items (what the embed's fallback shelf
 * renders when the shop's catalogue request fails), read from the embed's JSON catalogue or CSV / JSON lines;
 * without the flag trending.json is the ids-only file older embeds read; a bad catalogue fails by name, early.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/main.ts';
import { readShelfDisplay, trendingJson } from '../../src/cli/shelf_display.ts';

function captureIo(): Io & { stdout: string[]; stderrLines: string[] } {
  const stdout: string[] = [];
  const stderrLines: string[] = [];
  const sink = { isTTY: false, write: (s: string) => (stderrLines.push(s), true) } as unknown as NodeJS.WriteStream;
  return { stdout, stderrLines, out: (l) => stdout.push(l), err: (l) => stderrLines.push(l), stderr: sink };
}

const dir = mkdtempSync(join(tmpdir(), 'tastebud-trending-'));
/** 30 items; sku0-sku4 clicked most, so they lead trending. */
function writeLog(): string {
  const lines = ['user,item,timestamp'];
  for (let u = 0; u < 40; u++) for (let k = 0; k < 6; k++) lines.push(`user${u},sku${k < 3 ? (u + k) % 5 : (u * 7 + k) % 30},${1000 + u * 10 + k}`);
  writeFileSync(join(dir, 'log.csv'), lines.join('\n'));
  return join(dir, 'log.csv');
}
const items = Array.from({ length: 30 }, (_, i) => ({ id: `sku${i}`, title: `Item ${i}`, url: `/p/sku${i}`, image: `/img/${i}.svg`, price: 10 + i / 4, currency: 'EUR', brand: 'acme', description: 'x'.repeat(5000) }));
const train = ['--dim', '4', '--epochs', '2', '--seed', '3', '--threads', '1', '--no-auto'];
const trending = (out: string) => JSON.parse(readFileSync(join(dir, out, 'trending.json'), 'utf8')) as { modelVersion: string; items: string[]; display?: Record<string, unknown>[] };

describe('pretrain --catalogue', () => {
  const log = writeLog();

  it('writes the title, url, image, price and currency of each trending item, nothing else', async () => {
    writeFileSync(join(dir, 'catalogue.json'), JSON.stringify({ items }));
    const io = captureIo();
    expect(await runCli(['pretrain', '--data', log, '--catalogue', join(dir, 'catalogue.json'), '--out', join(dir, 'with'), ...train], io)).toBe(0);
    expect(io.stderrLines.join('')).toMatch(/catalogue: display fields of 30 items/);
    const t = trending('with');
    expect(t.items.length).toBeGreaterThan(5);
    expect(t.display!.map((d) => d.id)).toEqual(t.items); // every trending item, in order, nothing more
    t.items.forEach((id, n) => {
      const it = items.find((x) => x.id === id)!;
      expect(t.display![n]).toEqual({ id, title: it.title, url: it.url, image: it.image, price: it.price, currency: 'EUR' });
    });
    expect(await runCli(['pretrain', '--data', log, '--out', join(dir, 'without'), ...train], captureIo())).toBe(0);
    const old = trending('without');
    expect(old).toEqual({ modelVersion: old.modelVersion, items: t.items }); // the ids-only file, as before
  }, 120_000);

  it('reads CSV and JSON lines too (name as title, numeric prices as numbers)', async () => {
    writeFileSync(join(dir, 'cat.csv'), 'sku,name,price,image\nsku1,"Shoe, red",49.5,/a.png\nsku2,Hat,,\n');
    expect(Object.fromEntries(await readShelfDisplay(join(dir, 'cat.csv')))).toEqual({ sku1: { title: 'Shoe, red', price: 49.5, image: '/a.png' }, sku2: { title: 'Hat' } });
    writeFileSync(join(dir, 'cat.jsonl'), '{"id":"a","title":"A","price":"from 9 EUR"}\n{"id":"b"}\n');
    expect(Object.fromEntries(await readShelfDisplay(join(dir, 'cat.jsonl')))).toEqual({ a: { title: 'A', price: 'from 9 EUR' } });
    expect(trendingJson('v', ['a', 'z'], new Map([['a', { title: 'A' }]]))).toBe('{"modelVersion":"v","items":["a","z"],"display":[{"id":"a","title":"A"}]}');
  });

  it('a missing or malformed catalogue is one named line, before the log is read', async () => {
    writeFileSync(join(dir, 'broken.json'), '{"items": [');
    for (const [file, want] of [['nope.json', /InvalidInputError: Cannot read .*nope\.json/], ['broken.json', /InvalidInputError: .*broken\.json: not valid JSON/]] as const) {
      const io = captureIo();
      expect(await runCli(['pretrain', '--data', log, '--catalogue', join(dir, file), '--out', join(dir, 'x'), ...train], io)).toBe(1);
      const err = io.stderrLines.join('');
      expect(err).toMatch(want);
      expect(err).not.toMatch(/read \d+ interactions/);
    }
  });
});
