/**
 * Streams a text file line by line (gzip when the name ends in .gz), so a million-line log never sits in
 * memory as one string. Everything that can go wrong is a named InvalidInputError with the file (and line):
 * a missing or unreadable file, a folder, a device such as /dev/zero, a corrupt .gz, a line over
 * LIMITS.maxLineLength (a binary file or one without newlines is refused, not buffered for ever).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { InvalidInputError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { fsReason } from './artefact_dir.ts';

export interface ReadLinesOptions {
  /** Told the raw (on-disk) bytes read so far and the file size, after each chunk. */
  onBytes?: (read: number, total: number) => void;
  maxLineLength?: number;
}

/**
 * @example
 * for await (const line of readLines('ratings.dat')) { ... }
 */
export async function* readLines(path: string, opts: ReadLinesOptions = {}): AsyncGenerator<string> {
  const size = await checkReadable(path);
  const max = opts.maxLineLength ?? LIMITS.maxLineLength;
  const raw = createReadStream(path);
  let read = 0;
  raw.on('data', (c) => {
    read += c.length;
    opts.onBytes?.(read, size);
  });
  const gz = path.endsWith('.gz');
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  if (gz) raw.on('error', (e) => stream.destroy(e));
  const decoder = new TextDecoder();
  let rest = '';
  let lineNo = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
      rest = lines.pop()!;
      for (const l of lines) {
        lineNo++;
        yield l.endsWith('\r') ? l.slice(0, -1) : l;
      }
      if (rest.length > max) throw new InvalidInputError(`${path}:${lineNo + 1}: a line longer than ${max} characters; is this a text log?`);
    }
  } catch (e) {
    if (e instanceof InvalidInputError) throw e;
    const code = (e as { code?: string }).code;
    if (code?.startsWith('Z_')) throw new InvalidInputError(`${path}: not a valid gzip file (${(e as Error).message})`, { cause: e });
    throw new InvalidInputError(`Cannot read ${path}: ${fsReason(e)}`, { cause: e });
  } finally {
    raw.destroy();
  }
  rest += decoder.decode();
  if (rest) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

/** The file's size; refuses what is not a readable regular file (or a pipe) with a named error. */
async function checkReadable(path: string): Promise<number> {
  const st = await stat(path).catch((e: unknown) => {
    throw new InvalidInputError(`Cannot read ${path}: ${fsReason(e)}${(e as { code?: string }).code === 'ENOENT' ? ' (check the path)' : ''}`, { cause: e });
  });
  if (st.isDirectory()) throw new InvalidInputError(`${path} is a folder; give the log file (the ml1m-implicit format takes its folder)`);
  if (!st.isFile() && !st.isFIFO()) throw new InvalidInputError(`${path} is not a regular file (a device or socket); give the log file`);
  return st.size;
}

/** Lines of several files in a row (e.g. train.csv then test.csv through one id table). */
export async function* concatLines(...sources: AsyncIterable<string>[]): AsyncGenerator<string> {
  for (const s of sources) yield* s;
}

/** A whole small text file (attributes JSON, NCF candidates), refused by name when it is not a readable regular file. */
export async function readTextFile(path: string, maxBytes = 1 << 30): Promise<string> {
  const size = await checkReadable(path);
  if (size > maxBytes) throw new InvalidInputError(`${path} has ${size} bytes, over the ${maxBytes}-byte limit for this file`);
  const { readFile } = await import('node:fs/promises');
  return readFile(path, 'utf8').catch((e: unknown) => {
    throw new InvalidInputError(`Cannot read ${path}: ${fsReason(e)}`, { cause: e });
  });
}
