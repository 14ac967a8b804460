/**
 * `tastebud import`: an artefact from item factors trained elsewhere — a Spark `ALSModel.save(path)` folder
 * (or the older mllib `MatrixFactorizationModel`), or BigQuery ML `ML.WEIGHTS` exported as JSON lines, CSV or
 * Parquet — renamed through an id map, with the shop's catalogue for attributes and popularity. The written
 * folder is read back and validated like any artefact.
 */
import { encodeArtefact } from '../artefact/encode.ts';
import type { WeightDtype } from '../artefact/format.ts';
import { InvalidInputError } from '../errors.ts';
import { readBigQueryWeights } from '../import/bigquery.ts';
import { buildImportedModel } from '../import/build_model.ts';
import type { BuildOptions } from '../import/build_model.ts';
import { readCatalogue, readIdMap } from '../import/catalogue.ts';
import { readSparkModel } from '../import/spark.ts';
import type { Specs } from './args.ts';
import { getters, parseArgs } from './args.ts';
import { readArtefactDir, writeArtefactDir } from './artefact_dir.ts';
import { loadDataset } from './datasets.ts';
import type { Format } from './datasets.ts';
import type { Io } from './io.ts';

export const IMPORT_SPECS: Specs = {
  spark: { type: 'string', help: 'folder written by ALSModel.save(path) (spark.ml) or MatrixFactorizationModel.save (mllib)' },
  bigquery: { type: 'string', help: 'ML.WEIGHTS export: .jsonl/.json, .csv (one row per factor, or factor_weights as JSON) or .parquet, a file or a folder of shards' },
  'item-column': { type: 'string', help: 'BigQuery: processed_input of the item rows (the model\'s item_col)', default: 'item' },
  'id-map': { type: 'string', help: 'two columns: source id, shop item id (Spark ids are integers)' },
  catalogue: { type: 'string', help: 'the shop\'s catalogue (CSV, TSV or JSON lines with an id column): only its items are kept; attributes and a popularity column are read' },
  'attribute-columns': { type: 'list', help: 'catalogue columns that become item attributes', default: 'category,brand,priceBand' },
  data: { type: 'string', help: 'the shop\'s interaction log, for popularity when the catalogue has none' },
  format: { type: 'string', help: 'format of --data', default: 'csv' },
  columns: { type: 'string', help: 'columns of --data (csv/tsv/ssv), e.g. user,item,timestamp' },
  alpha: { type: 'number', help: 'confidence slope the source trained with (Spark alpha, BigQuery wals_alpha); for the fold-in' },
  reg: { type: 'number', help: 'regularisation the source trained with (Spark regParam, BigQuery l2_reg); for the fold-in' },
  out: { type: 'string', help: 'output artefact folder' },
  dtype: { type: 'string', help: 'weight storage', choices: ['float32', 'float16', 'uint8'], default: 'float32' },
  'model-version': { type: 'string', help: 'model version string (default: content hash)' },
};

export async function cmdImport(argv: string[], io: Io): Promise<void> {
  const g = getters(parseArgs(argv, IMPORT_SPECS));
  const spark = g.str('spark');
  const bq = g.str('bigquery');
  if (!spark === !bq) throw new InvalidInputError('import needs exactly one of --spark <folder> or --bigquery <file>');
  const out = g.required('out');
  const factors = spark ? await readSparkModel(spark) : await readBigQueryWeights(bq!, { itemColumn: g.str('item-column') });
  io.err(`read ${factors.source}: ${factors.items.ids.length} items x ${factors.dim} factors, ${factors.users} users`);
  const o: BuildOptions = { modelVersion: g.str('model-version'), training: { alpha: g.num('alpha'), reg: g.num('reg') } };
  const idMap = g.str('id-map');
  if (idMap) o.idMap = await readIdMap(idMap);
  const catalogue = g.str('catalogue');
  if (catalogue) o.catalogue = await readCatalogue(catalogue, g.list('attribute-columns') ?? []);
  const data = g.str('data');
  if (data) o.popularity = await logCounts(data, g.str('format') as Format, g.str('columns'));
  const { model, notes } = buildImportedModel(factors, o);
  for (const n of notes) io.err(`  ${n}`);
  const written = await writeArtefactDir(out, encodeArtefact(model, { dtype: g.str('dtype') as WeightDtype }));
  const back = await readArtefactDir(out);
  io.out(`wrote ${out}/ (${written.files.join(', ')}; ${(written.bytes / 1024).toFixed(0)} KiB): ${back.itemIds.length} items, dim ${back.dim}, model version ${back.modelVersion}, mean item factor norm ${meanNorm(back.itemEmb, back.dim).toFixed(3)}`);
}

async function logCounts(path: string, format: Format, columns: string | undefined): Promise<Map<string, number>> {
  const { set } = await loadDataset({ data: path, format, columns });
  const counts = new Float64Array(set.itemIds.length);
  for (const i of set.items) counts[i]++;
  return new Map(set.itemIds.map((id, k) => [id, counts[k]]));
}

function meanNorm(v: Float32Array, d: number): number {
  let s = 0;
  const n = v.length / d;
  for (let r = 0; r < n; r++) {
    let q = 0;
    for (let j = 0; j < d; j++) q += v[r * d + j] ** 2;
    s += Math.sqrt(q);
  }
  return n ? s / n : 0;
}
