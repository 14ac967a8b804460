/**
 * Progress while reading a log: share of the file's bytes (compressed bytes for .gz), lines, lines per second
 * and the time left. A one-line meter on a TTY; elsewhere one line per 10 % so logs stay readable.
 */
import { formatDuration } from './progress.ts';

export interface ReadProgressInfo {
  source: string;
  lines: number;
  bytes: number;
  totalBytes: number;
}

/** Logs at least this big get reading progress on stderr. */
export const PROGRESS_MIN_BYTES = 16 * 1024 * 1024;

/**
 * @example
 * await loadDataset(opts, { onRead: createReadProgress(process.stderr) });
 * // reading big.csv: 42%  3,512,000 lines  610,000 lines/s  ETA 8s
 */
export function createReadProgress(out: NodeJS.WriteStream, now: () => number = Date.now, minBytes = PROGRESS_MIN_BYTES): (p: ReadProgressInfo) => void {
  const tty = Boolean(out.isTTY);
  let start = 0;
  let source = '';
  let lastDraw = 0;
  let lastDecile = -1;
  return (p) => {
    const t = now();
    if (p.source !== source) {
      source = p.source;
      start = t;
      lastDecile = -1;
    }
    if (p.lines === 0 || p.totalBytes < minBytes) return; // the start mark, or a log too small to wait for
    const frac = p.totalBytes > 0 ? Math.min(1, p.bytes / p.totalBytes) : 0;
    const seconds = Math.max(1e-3, (t - start) / 1000);
    const rate = p.lines / seconds;
    const eta = frac > 0 ? (seconds / frac) * (1 - frac) : NaN;
    const line = `reading ${source}: ${(frac * 100).toFixed(0)}%  ${p.lines.toLocaleString('en')} lines  ${Math.round(rate).toLocaleString('en')} lines/s  ETA ${formatDuration(eta)}`;
    if (tty) {
      if (t - lastDraw < 200 && frac < 1) return;
      lastDraw = t;
      out.write(`\r\x1b[2K${line}${frac >= 1 ? '\n' : ''}`);
    } else {
      const decile = Math.floor(frac * 10);
      if (decile <= lastDecile) return;
      lastDecile = decile;
      out.write(line + '\n');
    }
  };
}
