/**
 * Streams a text file line by line (gzip when the name ends in .gz), so a million-line log never sits in
 * memory as one string.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { InvalidInputError } from '../errors.ts';

/**
 * @example
 * for await (const line of readLines('ratings.dat')) { ... }
 */
export async function* readLines(path: string): AsyncGenerator<string> {
  try {
    await access(path);
  } catch {
    throw new InvalidInputError(`Cannot read ${path}: no such file (check the path)`);
  }
  const raw = createReadStream(path);
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
