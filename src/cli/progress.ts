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
