/**
 * BigQuery ML matrix factorisation weights, as `SELECT * FROM ML.WEIGHTS(MODEL m)` exported:
 * columns `processed_input` (the user or item column's name), `feature` (the user or item id),
 * `factor_weights` ARRAY<STRUCT<factor INT64, weight FLOAT64>> and `intercept`. Read from
 * - JSON lines (EXPORT DATA format JSON; INT64 factors come as strings there),
 * - Parquet (EXPORT DATA format PARQUET: a LIST of structs),
 * - CSV, which cannot hold arrays: either one row per factor (`processed_input,feature,factor,weight,intercept`,
 *   from `UNNEST(factor_weights)`), or `factor_weights` as a JSON string (`TO_JSON_STRING`).
 * A file, a `.gz` of one, or a folder of export shards (`*-000000000000.json` …).
 */
import { InvalidInputError } from '../errors.ts';
import { readLines } from '../cli/lines.ts';
import { splitDelimited } from '../data/parsers.ts';
import type { ImportedFactors } from './factors.ts';
import { createTableBuilder, meanRow } from './factors.ts';
import { parquetFiles, readParquetRows } from './parquet_rows.ts';

interface WeightRow {
  input: string;
  feature: string;
  pairs: [number, number][];
  intercept: number;
}

export interface BigQueryOptions {
  /** `processed_input` of the item rows: the model's item_col (BigQuery's default 'item'). */
  itemColumn?: string;
}

/**
 * @example
 * const f = await readBigQueryWeights('weights.jsonl', { itemColumn: 'product_id' });
 */
export async function readBigQueryWeights(path: string, opts: BigQueryOptions = {}): Promise<ImportedFactors> {
  const byKey = new Map<string, WeightRow>();
  for (const file of await parquetFiles(path)) {
    for await (const r of rowsOf(file)) {
      const key = `${r.input}\u0000${r.feature}`;
      const prev = byKey.get(key);
      if (prev) prev.pairs.push(...r.pairs);
      else byKey.set(key, r);
    }
  }
  const inputs = [...new Set([...byKey.values()].map((r) => r.input))];
  const itemColumn = opts.itemColumn ?? 'item';
  if (!inputs.includes(itemColumn)) throw new InvalidInputError(`${path}: no rows with processed_input "${itemColumn}"; found ${inputs.map((s) => `"${s}"`).join(', ')} (pass --item-column)`);
  const items = toTable(path, [...byKey.values()].filter((r) => r.input === itemColumn));
  const userRows = [...byKey.values()].filter((r) => r.input !== itemColumn);
  const users = userRows.length ? toTable(path, userRows) : null;
  if (users && users.dim !== items.dim) throw new InvalidInputError(`${path}: user rows have ${users.dim} factors, item rows ${items.dim}`);
  return {
    source: 'bigquery-ml',
    dim: items.dim,
    items,
    userMean: users ? meanRow(users.factors, users.dim) : undefined,
    users: users?.ids.length ?? 0,
    info: { itemColumn, userColumn: inputs.find((s) => s !== itemColumn) },
  };
}

function toTable(path: string, rows: WeightRow[]): ReturnType<ReturnType<typeof createTableBuilder>['build']> {
  const factorIds = [...new Set(rows.flatMap((r) => r.pairs.map(([f]) => f)))].sort((a, b) => a - b);
  const at = new Map(factorIds.map((f, k) => [f, k]));
  const b = createTableBuilder(path);
  const v = new Float64Array(factorIds.length);
  for (const r of rows) {
    if (r.pairs.length !== factorIds.length) throw new InvalidInputError(`${path}: ${r.input} ${r.feature} has ${r.pairs.length} factor weights, expected ${factorIds.length}`);
    for (const [f, w] of r.pairs) v[at.get(f)!] = w;
    b.add(r.feature, v, r.intercept);
  }
  return b.build();
}

async function* rowsOf(file: string): AsyncGenerator<WeightRow> {
  const name = file.replace(/\.gz$/, '').toLowerCase();
  if (name.endsWith('.parquet')) {
    for await (const r of readParquetRows(file, ['processed_input', 'feature', 'factor_weights', 'intercept'])) yield normalise(file, r);
  } else if (name.endsWith('.csv')) yield* csvRows(file);
  else {
    let lineNo = 0;
    for await (const line of readLines(file)) {
      lineNo++;
      if (line.trim() === '') continue;
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new InvalidInputError(`${file}:${lineNo}: not a JSON line (export ML.WEIGHTS as NEWLINE_DELIMITED_JSON, CSV or PARQUET)`);
      }
      yield normalise(`${file}:${lineNo}`, obj);
    }
  }
}

async function* csvRows(file: string): AsyncGenerator<WeightRow> {
  let head: string[] | null = null;
  let lineNo = 0;
  for await (const line of readLines(file)) {
    lineNo++;
    if (line.trim() === '') continue;
    const f = splitDelimited(line.replace(/\r$/, ''), ',');
    if (!head) {
      head = f.map((s) => s.trim().toLowerCase());
      if (!head.includes('processed_input') || !head.includes('feature')) throw new InvalidInputError(`${file}: the header must name processed_input and feature (got ${head.join(', ')})`);
      continue;
    }
    const obj = Object.fromEntries(head.map((h, k) => [h, f[k]]));
    if (obj.factor_weights === undefined) {
      if (obj.factor === undefined || obj.weight === undefined) throw new InvalidInputError(`${file}: needs factor_weights (JSON) or factor and weight columns`);
      yield { input: String(obj.processed_input), feature: String(obj.feature), pairs: [[num(obj.factor, `${file}:${lineNo} factor`), num(obj.weight, `${file}:${lineNo} weight`)]], intercept: Number(obj.intercept || 0) };
    } else yield normalise(`${file}:${lineNo}`, { ...obj, factor_weights: parseJson(String(obj.factor_weights), `${file}:${lineNo}`) });
  }
}

function normalise(where: string, r: Record<string, unknown>): WeightRow {
  const fw = r.factor_weights;
  if (!Array.isArray(fw)) throw new InvalidInputError(`${where}: factor_weights is not an array of {factor, weight}`);
  const pairs = fw.map((e: Record<string, unknown>) => [num(e?.factor, `${where} factor`), num(e?.weight, `${where} weight`)] as [number, number]);
  if (r.processed_input === undefined || r.feature === undefined || r.feature === null) throw new InvalidInputError(`${where}: needs processed_input and feature`);
  return { input: String(r.processed_input), feature: String(r.feature), pairs, intercept: r.intercept == null ? 0 : num(r.intercept, `${where} intercept`) };
}

function num(v: unknown, what: string): number {
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  if (v === null || v === undefined || v === '' || !Number.isFinite(n)) throw new InvalidInputError(`${what}: "${String(v)}" is not a number`);
  return n;
}

function parseJson(s: string, where: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    throw new InvalidInputError(`${where}: factor_weights is not JSON`);
  }
}
