/** Where commands write: stdout for results, stderr for progress and notes (so results can be piped). */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  stderr: NodeJS.WriteStream;
}

export const processIo: Io = {
  out: (l) => void process.stdout.write(l + '\n'),
  err: (l) => void process.stderr.write(l + '\n'),
  stderr: process.stderr,
};
