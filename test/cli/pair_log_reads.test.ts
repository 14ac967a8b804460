/**
 * `loadPairs` counts its own reads of the log (what `pretrain --stream` reports as `trainingReport.stream.reads`),
 * checked here against the file opens themselves: readLines is wrapped to count them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadPairs } from '../../src/cli/pair_log.ts';

const opened = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/cli/lines.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/cli/lines.ts')>();
  return {
    ...m,
    readLines: (...args: Parameters<typeof m.readLines>) => {
      opened.count++;
      return m.readLines(...args);
    },
  };
});

/** Users u0-u2 in time order; `shuffled` puts u3-u5's events out of time order (recency reads them again). */
function writeLog(dir: string, name: string, shuffled: boolean): string {
  const lines = ['user_id,item_id,timestamp'];
  for (let n = 0; n < 300; n++) {
    const u = n % 6;
    const t = 1_700_000_000 + (shuffled && u >= 3 ? (n * 7919) % 300 : n);
    lines.push(`u${u},i${(n * 13) % 25},${t}`);
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('loadPairs counts its reads of the log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tastebud-reads-'));
  const recency = { boost: 19, halfLife: 5 };
  const cases = [
    { name: 'in order, recency on', shuffled: false, recency, first: 1 },
    { name: 'out of order, recency off', shuffled: true, recency: undefined, first: 1 },
    { name: 'out of order, recency on: late users read again', shuffled: true, recency, first: 2 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const path = writeLog(dir, `${c.name.replace(/\W+/g, '_')}.csv`, c.shuffled);
      opened.count = 0;
      const log = await loadPairs({ data: path, format: 'csv' }, c.recency);
      expect(opened.count).toBe(c.first); // the fixture does what the case says
      expect(log.reads).toBe(opened.count);
      await log.replay(() => undefined);
      expect(opened.count).toBe(c.first + 1);
      expect(log.reads).toBe(opened.count);
    });
  }
});
