/**
 * Streams a text file line by line (gzip when the name ends in .gz), so a million-line log never sits in
 * memory as one string.
 */
import { createReadStream } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { InvalidInputError } from '../errors.ts';

/**
 * @example
 * for await (const line of readLines('ratings.dat')) { ... }
 */
export async function* readLines(path: string, onBytes?: (bytes: number, totalBytes: number) => void): AsyncGenerator<string> {
  let total = 0;
  try {
    await access(path);
    total = (await stat(path)).size;
  } catch {
    throw new InvalidInputError(`Cannot read ${path}: no such file (check the path)`);
  }
  const raw = createReadStream(path);
  if (onBytes) {
    let read = 0;
    raw.on('data', (chunk) => onBytes((read += chunk.length), total));
  }
  const stream = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
    raw.destroy();
  }
}

/** Lines of several files in a row (e.g. train.csv then test.csv through one id table). */
export async function* concatLines(...sources: AsyncIterable<string>[]): AsyncGenerator<string> {
  for (const s of sources) yield* s;
}
