/**
 * Spark and BigQuery exports written here, with the documented schemas, from a model tastebud trained:
 * hyparquet-writer for Parquet (Spark's `id` int32 + `features` LIST<float>; mllib's LIST<double>; BigQuery's
 * `factor_weights` LIST<STRUCT<factor INT64, weight FLOAT64>>), plain text for JSON lines and CSV.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';

export interface Factors {
  ids: number[];
  rows: number[][];
}

function listSchema(name: string, elementType: 'FLOAT' | 'DOUBLE'): Record<string, unknown>[] {
  return [
    { name: 'spark_schema', num_children: 2 },
    { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
    { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: elementType, repetition_type: 'REQUIRED' },
  ];
}

function writeFactorParquet(dir: string, f: Factors, elementType: 'FLOAT' | 'DOUBLE', parts = 2): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '_SUCCESS'), '');
  const per = Math.ceil(f.ids.length / parts);
  for (let p = 0; p < parts; p++) {
    const ids = f.ids.slice(p * per, (p + 1) * per);
    const rows = f.rows.slice(p * per, (p + 1) * per);
    const buf = parquetWriteBuffer({
      columnData: [{ name: 'id', data: Int32Array.from(ids) }, { name: 'features', data: rows }],
      schema: listSchema('features', elementType) as never,
    });
    writeFileSync(join(dir, `part-0000${p}-3f1c.snappy.parquet`), new Uint8Array(buf));
  }
}

/** A spark.ml ALSModel.save(path) folder. */
export function writeSparkMl(dir: string, items: Factors, users: Factors, rank: number): void {
  mkdirSync(join(dir, 'metadata'), { recursive: true });
  const meta = { class: 'org.apache.spark.ml.recommendation.ALSModel', timestamp: 1733400000000, sparkVersion: '3.5.1', uid: 'ALS_5a1b', paramMap: { userCol: 'user', itemCol: 'item', coldStartStrategy: 'drop' }, defaultParamMap: { blockSize: 4096, predictionCol: 'prediction' }, rank };
  writeFileSync(join(dir, 'metadata', 'part-00000'), JSON.stringify(meta) + '\n');
  writeFileSync(join(dir, 'metadata', '_SUCCESS'), '');
  writeFactorParquet(join(dir, 'itemFactors'), items, 'FLOAT');
  writeFactorParquet(join(dir, 'userFactors'), users, 'FLOAT');
}

/** An mllib MatrixFactorizationModel.save(sc, path) folder. */
export function writeSparkMllib(dir: string, items: Factors, users: Factors, rank: number): void {
  mkdirSync(join(dir, 'metadata'), { recursive: true });
  writeFileSync(join(dir, 'metadata', 'part-00000'), JSON.stringify({ class: 'org.apache.spark.mllib.recommendation.MatrixFactorizationModel', version: '1.0', rank }) + '\n');
  writeFactorParquet(join(dir, 'data', 'product'), items, 'DOUBLE', 1);
  writeFactorParquet(join(dir, 'data', 'user'), users, 'DOUBLE', 1);
}

interface WeightRows {
  inputs: string[];
  features: string[];
  rows: number[][];
}

function weightRows(items: { ids: string[]; rows: number[][] }, users: { ids: string[]; rows: number[][] }): WeightRows {
  return {
    inputs: [...items.ids.map(() => 'product_id'), ...users.ids.map(() => 'visitor')],
    features: [...items.ids, ...users.ids],
    rows: [...items.rows, ...users.rows],
  };
}

/** ML.WEIGHTS exported as JSON lines (INT64 factor numbers as strings, as BigQuery's JSON export writes them). */
export function writeBigQueryJsonl(path: string, items: { ids: string[]; rows: number[][] }, users: { ids: string[]; rows: number[][] }): void {
  const w = weightRows(items, users);
  const lines = w.features.map((f, k) => JSON.stringify({ processed_input: w.inputs[k], feature: f, factor_weights: w.rows[k].map((x, j) => ({ factor: String(j + 1), weight: x })), intercept: 0 }));
  writeFileSync(path, lines.join('\n') + '\n');
}

/** ML.WEIGHTS flattened with UNNEST(factor_weights) and exported as CSV (factors in scrambled order). */
export function writeBigQueryCsv(path: string, items: { ids: string[]; rows: number[][] }, users: { ids: string[]; rows: number[][] }): void {
  const w = weightRows(items, users);
  const lines = ['processed_input,feature,factor,weight,intercept'];
  w.features.forEach((f, k) => [...w.rows[k].keys()].reverse().forEach((j) => lines.push(`${w.inputs[k]},"${f}",${j + 1},${w.rows[k][j]},0`)));
  writeFileSync(path, lines.join('\n') + '\n');
}

/** ML.WEIGHTS exported as Parquet: factor_weights a LIST of STRUCT<factor INT64, weight FLOAT64>. */
export function writeBigQueryParquet(path: string, items: { ids: string[]; rows: number[][] }, users: { ids: string[]; rows: number[][] }): void {
  const w = weightRows(items, users);
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'processed_input', data: w.inputs },
      { name: 'feature', data: w.features },
      { name: 'factor_weights', data: w.rows.map((r) => r.map((x, j) => ({ factor: BigInt(j + 1), weight: x }))) },
      { name: 'intercept', data: w.rows.map(() => 0) },
    ],
    schema: [
      { name: 'root', num_children: 4 },
      { name: 'processed_input', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'feature', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'factor_weights', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
      { name: 'factor', type: 'INT64', repetition_type: 'OPTIONAL' },
      { name: 'weight', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
      { name: 'intercept', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
    ] as never,
  });
  writeFileSync(path, new Uint8Array(buf));
}
