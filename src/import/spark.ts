/**
 * A Spark matrix-factorisation model as `save(path)` writes it:
 * - spark.ml `ALSModel`: `metadata/part-00000` (one JSON line: `class`, `sparkVersion`, `rank`, `paramMap`…),
 *   `itemFactors/` and `userFactors/` Parquet with `id` int32 and `features` array<float>;
 * - the older spark.mllib `MatrixFactorizationModel`: `metadata/` (`class`, `version`, `rank`), `data/product/`
 *   and `data/user/` Parquet with `id` int and `features` array<double>.
 * Spark's ids are integers (a StringIndexer's or the shop's own); `--id-map` maps them back to item ids.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { InvalidInputError } from '../errors.ts';
import type { ImportedFactors } from './factors.ts';
import { createTableBuilder, meanRow } from './factors.ts';
import { parquetFiles, readParquetRows } from './parquet_rows.ts';

const ML_CLASS = 'org.apache.spark.ml.recommendation.ALSModel';
const MLLIB_CLASS = 'org.apache.spark.mllib.recommendation.MatrixFactorizationModel';

/**
 * @example
 * const f = await readSparkModel('hdfs-copy/als-model'); // f.source 'spark-ml', f.items.ids ['1', '2', …]
 */
export async function readSparkModel(dir: string): Promise<ImportedFactors> {
  const meta = await readMetadata(dir);
  const cls = String(meta.class ?? '');
  const layout = cls === ML_CLASS ? { items: 'itemFactors', users: 'userFactors', source: 'spark-ml' as const } : cls === MLLIB_CLASS ? { items: 'data/product', users: 'data/user', source: 'spark-mllib' as const } : null;
  if (!layout) throw new InvalidInputError(`${dir}/metadata: class "${cls}" is neither ${ML_CLASS} nor ${MLLIB_CLASS}`);
  const items = await readFactorRows(join(dir, layout.items));
  const rank = Number(meta.rank);
  if (Number.isInteger(rank) && rank !== items.dim) throw new InvalidInputError(`${dir}: metadata says rank ${rank} but the item factors have ${items.dim} values`);
  let userMean: Float32Array | undefined;
  let users = 0;
  if (existsSync(join(dir, layout.users))) {
    const u = await readFactorRows(join(dir, layout.users));
    if (u.dim !== items.dim) throw new InvalidInputError(`${dir}: user factors have ${u.dim} values, item factors ${items.dim}`);
    userMean = meanRow(u.factors, u.dim);
    users = u.ids.length;
  }
  const info = { class: cls, sparkVersion: meta.sparkVersion ?? meta.version, uid: meta.uid, rank: items.dim, paramMap: meta.paramMap };
  return { source: layout.source, dim: items.dim, items, userMean, users, info };
}

async function readMetadata(dir: string): Promise<Record<string, unknown>> {
  const metaDir = join(dir, 'metadata');
  if (!existsSync(metaDir)) throw new InvalidInputError(`${dir}: no metadata/ folder; is this the folder ALSModel.save(path) wrote?`);
  const [file] = await parquetFiles(metaDir);
  const line = (await readFile(file, 'utf8')).split('\n').find((l) => l.trim() !== '');
  try {
    return JSON.parse(line ?? '') as Record<string, unknown>;
  } catch {
    throw new InvalidInputError(`${file}: the first line is not JSON (Spark writes one JSON line of metadata)`);
  }
}

async function readFactorRows(path: string): Promise<ReturnType<ReturnType<typeof createTableBuilder>['build']>> {
  const b = createTableBuilder(path);
  for await (const row of readParquetRows(path, ['id', 'features'])) {
    if (!Array.isArray(row.features)) throw new InvalidInputError(`${path}: row ${String(row.id)} has no features array`);
    b.add(String(row.id), row.features as number[]);
  }
  return b.build();
}
