/**
 * Parquet input for imports: a file, or a folder of Spark/Hive-style part files (`part-*.parquet`, `_SUCCESS`,
 * `.crc` side files ignored), read with hyparquet one file at a time so only the requested columns of one
 * part sit in memory at once.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { InvalidInputError } from '../errors.ts';

export type ParquetRow = Record<string, unknown>;

/** The Parquet files of a path: itself, or the data files of a folder in name order. */
export async function parquetFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new InvalidInputError(`${path}: no such file or folder`);
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => !n.startsWith('_') && !n.startsWith('.') && !n.endsWith('.crc')).sort();
  if (names.length === 0) throw new InvalidInputError(`${path}: an empty folder (expected part-*.parquet files)`);
  return names.map((n) => join(path, n));
}

/**
 * Rows of every Parquet file under `path`, one file at a time.
 *
 * @example
 * for await (const row of readParquetRows('model/itemFactors', ['id', 'features'])) row.features; // number[]
 */
export async function* readParquetRows(path: string, columns: string[]): AsyncGenerator<ParquetRow> {
  for (const file of await parquetFiles(path)) {
    let rows: ParquetRow[];
    try {
      rows = await parquetReadObjects({ file: await asyncBufferFromFile(file), columns });
    } catch (e) {
      throw new InvalidInputError(`${file}: not a Parquet file with columns ${columns.join(', ')} (${(e as Error).message})`, { cause: e });
    }
    yield* rows;
  }
}
