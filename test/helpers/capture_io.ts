/** The CLI's output kept for a test to read, instead of printed. */
import type { Io } from '../../src/cli/io.ts';

/**
 * An `Io` for `runCli` that keeps each stdout line, and each stderr line and progress write, in order.
 * @example
 * const io = captureIo();
 * expect(await runCli(['pretrain', '--data', log, '--out', dir], io), io.stderrLines.join('\n')).toBe(0);
 */
export function captureIo(): Io & { stdout: string[]; stderrLines: string[] } {
  const stdout: string[] = [];
  const stderrLines: string[] = [];
  const sink = { isTTY: false, write: (s: string) => (stderrLines.push(s), true) } as unknown as NodeJS.WriteStream;
  return { stdout, stderrLines, out: (l) => stdout.push(l), err: (l) => stderrLines.push(l), stderr: sink };
}
