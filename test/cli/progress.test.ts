import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProgressBar, formatDuration } from '../../src/cli/progress.ts';
import { createReadProgress } from '../../src/cli/read_progress.ts';
import { loadDataset } from '../../src/cli/datasets.ts';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

describe('progress bar', () => {
  it('shows fraction, loss, validation metric and ETA on a TTY', () => {
    let t = 0;
    const { stream, text } = fakeStream(true);
    const bar = createProgressBar(stream, 'val HR@10', () => t);
    bar.onEpoch({ epoch: 1, loss: 0.5, seconds: 10, samples: 1000, validation: 0.61 });
    t = 15_000; // 1.5 of 4 epochs done after 15 s → 25 s left
    bar.onProgress({ epoch: 2, epochs: 4, done: 50, total: 100, loss: 0.42 });
    expect(text()).toMatch(/epoch 1: loss 0\.5000 {2}val HR@10 0\.6100 {2}10\.0s {2}0k samples\/s\n/);
    expect(text()).toMatch(/epoch 2\/4 \[#########-+\] {2}38% {2}loss 0\.4200 {2}val HR@10 0\.6100 {2}ETA 25s/);
  });
  it('prints only epoch lines when not a TTY', () => {
    const { stream, text } = fakeStream(false);
    const bar = createProgressBar(stream, 'val', () => 5000);
    bar.onProgress({ epoch: 1, epochs: 2, done: 1, total: 2, loss: 1 });
    bar.onEpoch({ epoch: 1, loss: 0.25, seconds: 2, samples: 4000 });
    expect(text()).toBe('epoch 1: loss 0.2500  2.0s  2k samples/s\n');
  });
  it('formats durations', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(65)).toBe('1m05s');
    expect(formatDuration(NaN)).toBe('?');
  });
});

describe('reading progress', () => {
  it('a big log shows progress lines while it is read (every 10 % off a TTY)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tb-progress-')), 'big.csv');
    const rows = ['user,item,timestamp'];
    for (let k = 0; k < 60_000; k++) rows.push(`user-${k % 997},item-${k % 503},${k}`);
    writeFileSync(path, rows.join('\n'));
    const { stream, text } = fakeStream(false);
    await loadDataset({ data: path, format: 'csv' }, { onRead: createReadProgress(stream, Date.now, 256 * 1024) });
    const lines = text().trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.at(-1)).toMatch(/reading .*big\.csv: 100% {2}[\d,]+ lines {2}[\d,]+ lines\/s {2}ETA/);
    const small = fakeStream(false);
    await loadDataset({ data: path, format: 'csv' }, { onRead: createReadProgress(small.stream) }); // under 16 MiB: quiet
    expect(small.text()).toBe('');
  });
});
