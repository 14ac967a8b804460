/**
 * A Parquet interaction log, read one row group at a time (hyparquet), only the named columns: the columns
 * are found from the schema's names like a CSV header's (`user_id`, `item_id`, `timestamp`…), or by
 * `--columns` in schema order.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { InvalidInputError } from '../errors.ts';
import type { ColumnMap } from '../data/columns.ts';
import { columnsFromHeader, parseColumns } from '../data/columns.ts';
import type { InteractionSet, LogBuilder, RawInteraction } from '../data/interactions.ts';
import { parseTime } from '../data/parsers.ts';
import type { ReadStats } from '../data/read_log.ts';
import type { ReadProgressInfo } from './read_progress.ts';

/**
 * @example
 * const { set } = await readParquetLog('events.parquet', { builder: createLogBuilder() });
 */
export async function readParquetLog(
  path: string,
  { columns, builder, onRead }: { columns?: string; builder: LogBuilder; onRead?: (p: ReadProgressInfo) => void },
): Promise<{ set: InteractionSet; stats: ReadStats }> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file).catch((e: Error) => {
    throw new InvalidInputError(`${path}: not a Parquet file (${e.message})`);
  });
  const names = parquetSchema(metadata).children.map((c) => c.element.name);
  const map: ColumnMap | null = columns ? parseColumns(columns) : columnsFromHeader(names);
  if (!map) throw new InvalidInputError(`${path}: the columns (${names.join(', ')}) name no user and item column; name them with --columns`);
  const roles = (Object.entries(map) as [keyof ColumnMap, number | undefined][]).filter(([, at]) => at !== undefined).map(([role, at]) => [role, names[at!]] as const);
  const missing = roles.find(([, name]) => name === undefined);
  if (missing) throw new InvalidInputError(`${path}: --columns names a ${missing[0]} column past the file's ${names.length} columns`);
  const stats: ReadStats = { lines: 0, rows: 0, skippedEmpty: 0, skippedMalformed: 0, filtered: 0, errors: [] };
  const total = Number(metadata.num_rows);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file, metadata, columns: roles.map(([, n]) => n), rowStart, rowEnd });
    for (const r of rows) {
      stats.lines++;
      builder.add(toRaw(r, roles, `${path} row ${stats.lines}`));
      stats.rows++;
    }
    rowStart = rowEnd;
    onRead?.({ source: path, lines: stats.lines, bytes: total ? (file.byteLength * rowStart) / total : 0, totalBytes: file.byteLength });
  }
  return { set: builder.build(), stats };
}

function toRaw(r: Record<string, unknown>, roles: readonly (readonly [keyof ColumnMap, string])[], where: string): RawInteraction {
  const out: RawInteraction = { user: '', item: '' };
  for (const [role, name] of roles) {
    const v = r[name];
    if (v === null || v === undefined) continue;
    if (role === 'user' || role === 'item') out[role] = String(v);
    else if (role === 'event') out.event = String(v);
    else if (role === 'weight') out.weight = Number(v);
    else out.timestamp = v instanceof Date ? v.getTime() / 1000 : typeof v === 'bigint' || typeof v === 'number' ? Number(v) : parseTime(String(v));
  }
  if (!out.user || !out.item) throw new InvalidInputError(`${where}: empty user or item id`);
  if (out.weight !== undefined && !Number.isFinite(out.weight)) throw new InvalidInputError(`${where}: weight is not a number`);
  return out;
}
