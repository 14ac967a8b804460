/**
 * A one-line progress bar on stderr with ETA, loss and the last validation metric; on a non-TTY it prints
 * one line per epoch instead, so logs stay readable.
 */
import type { EpochReport, ProgressInfo } from '../train/pretrain.ts';

export interface ProgressBar {
  onProgress(p: ProgressInfo): void;
  onEpoch(e: EpochReport): void;
  done(): void;
}

/** "1m05s", "42s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * @example
 * const bar = createProgressBar(process.stderr, 'val HR@10');
 * await pretrain(data, { onProgress: bar.onProgress, onEpoch: bar.onEpoch });
 * bar.done();
 */
export function createProgressBar(out: NodeJS.WriteStream, metric = 'val', now: () => number = Date.now): ProgressBar {
  const tty = Boolean(out.isTTY);
  const start = now();
  let lastVal: number | undefined;
  let epochsDone = 0;
  let lastDraw = 0;
  const draw = (p: ProgressInfo): void => {
    const frac = (p.epoch - 1 + p.done / Math.max(1, p.total)) / p.epochs;
    const elapsed = (now() - start) / 1000;
    const eta = frac > 0 ? (elapsed / frac) * (1 - frac) : NaN;
    const width = 24;
    const filled = Math.round(frac * width);
    const val = lastVal === undefined ? '' : `  ${metric} ${lastVal.toFixed(4)}`;
    out.write(`\repoch ${p.epoch}/${p.epochs} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  loss ${p.loss.toFixed(4)}${val}  ETA ${formatDuration(eta)}   `);
  };
  return {
    onProgress(p) {
      if (!tty || now() - lastDraw < 100) return;
      lastDraw = now();
      draw(p);
    },
    onEpoch(e) {
      epochsDone++;
      if (e.validation !== undefined) lastVal = e.validation;
      const val = e.validation === undefined ? '' : `  ${metric} ${e.validation.toFixed(4)}`;
      const rate = e.seconds > 0 ? `  ${Math.round(e.samples / e.seconds / 1000)}k samples/s` : '';
      out.write(`${tty ? '\r\x1b[2K' : ''}epoch ${e.epoch}: loss ${e.loss.toFixed(4)}${val}  ${e.seconds.toFixed(1)}s${rate}\n`);
    },
    done() {
      if (tty && epochsDone === 0) out.write('\n');
    },
  };
}

/** Logs at least this big get reading progress on stderr. */
export const PROGRESS_MIN_BYTES = 16 * 1024 * 1024;

/**
 * Reading progress for big logs: a redrawn line on a TTY (at most every 200 ms), else one line per 10 %.
 *
 * @example
 * await loadDataset({ ...opts, onBytes: createReadProgress(process.stderr) });
 * // reading big.csv: 42% (84 of 200 MiB, 61 MiB/s)
 */
export function createReadProgress(out: NodeJS.WriteStream, now: () => number = Date.now, minBytes = PROGRESS_MIN_BYTES): (path: string, read: number, total: number) => void {
  const tty = Boolean(out.isTTY);
  const start = new Map<string, number>();
  const shown = new Map<string, number>();
  const mib = (b: number): string => (b / 1048576).toFixed(0);
  return (path, read, total) => {
    if (total < minBytes) return;
    if (!start.has(path)) start.set(path, now());
    const pct = Math.min(100, Math.floor((read / total) * 100));
    const last = shown.get(path) ?? -1;
    const due = tty ? now() - (shown.get(`${path}@t`) ?? 0) >= 200 || pct === 100 : Math.floor(pct / 10) > Math.floor(last / 10);
    if (!due || pct === last) return;
    shown.set(path, pct);
    shown.set(`${path}@t`, now());
    const secs = Math.max(1e-3, (now() - start.get(path)!) / 1000);
    const line = `reading ${path}: ${pct}% (${mib(read)} of ${mib(total)} MiB, ${mib(read / secs)} MiB/s)`;
    out.write(tty ? `\r\x1b[2K${line}${pct === 100 ? '\n' : ''}` : `${line}\n`);
  };
}
