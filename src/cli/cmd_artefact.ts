/** `tastebud export` (re-encode an artefact as float32 / float16 / uint8) and `tastebud inspect`. */
import { decodeArtefact } from '../artefact/decode.ts';
import { encodeArtefact } from '../artefact/encode.ts';
import type { WeightDtype } from '../artefact/format.ts';
import type { Specs } from './args.ts';
import { getters, parseArgs } from './args.ts';
import { readArtefactDir, readManifestDir, writeArtefactDir } from './artefact_dir.ts';
import type { Io } from './io.ts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const EXPORT_SPECS: Specs = {
  model: { type: 'string', help: 'artefact folder to read' },
  out: { type: 'string', help: 'artefact folder to write' },
  dtype: { type: 'string', help: 'weight storage', choices: ['float32', 'float16', 'uint8'], default: 'uint8' },
  'shard-mib': { type: 'number', help: 'shard size in MiB', default: 4 },
  'model-version': { type: 'string', help: 'set a new model version' },
};

export async function cmdExport(argv: string[], io: Io): Promise<void> {
  const g = getters(parseArgs(argv, EXPORT_SPECS));
  const model = await readArtefactDir(g.required('model'));
  const version = g.str('model-version');
  if (version) model.modelVersion = version;
  const enc = encodeArtefact(model, { dtype: g.str('dtype') as WeightDtype, shardBytes: Math.round((g.num('shard-mib') ?? 4) * 1024 * 1024) });
  const w = await writeArtefactDir(g.required('out'), enc);
  io.out(`wrote ${g.str('out')}/ as ${g.str('dtype')}: ${w.files.length} files, ${(w.bytes / 1024).toFixed(0)} KiB`);
}

export const INSPECT_SPECS: Specs = {
  model: { type: 'string', help: 'artefact folder' },
  json: { type: 'boolean', help: 'print the summary as JSON' },
};

export async function cmdInspect(argv: string[], io: Io): Promise<void> {
  const p = parseArgs(argv, INSPECT_SPECS);
  const g = getters(p);
  const dir = g.str('model') ?? p.positionals[0];
  if (!dir) throw new (await import('../errors.ts')).InvalidInputError('inspect needs --model <folder>');
  const { json, manifest } = await readManifestDir(dir);
  // decoding checks the shard bytes against the manifest and every value for NaN/Infinity
  const shards = await Promise.all(manifest.paths.map(async (path) => new Uint8Array(await readFile(join(dir, path))).buffer));
  const model = decodeArtefact(json, shards);
  const m = manifest.meta;
  const summary = {
    valid: true,
    formatVersion: m.formatVersion,
    modelVersion: m.modelVersion,
    dim: m.dim,
    numItems: m.numItems,
    weights: manifest.weights.map((w) => ({ name: w.name, shape: w.shape, storage: w.quantization?.dtype ?? 'float32', bytes: w.bytes })),
    totalWeightBytes: manifest.totalBytes,
    shards: manifest.paths,
    attributes: Boolean(m.items.attributes),
    attributeVocab: m.attributeVocab?.length ?? 0,
    ...(m.sequence ? { sequence: m.sequence } : {}),
    hyperParameters: m.hyperParameters,
    training: pick(m.trainingReport ?? {}, ['bestEpoch', 'bestValidation', 'trainSeconds', 'samplesPerSecond', 'numUsers', 'numInteractions', 'trainer']),
    mostPopular: topPopular(model.popularity, model.itemIds, 5),
  };
  if (g.bool('json')) return io.out(JSON.stringify(summary, null, 2));
  io.out(`${dir}: valid tastebud artefact, format v${summary.formatVersion}, model ${summary.modelVersion}`);
  io.out(`  ${summary.numItems} items × dim ${summary.dim}; weights ${(summary.totalWeightBytes / 1024).toFixed(0)} KiB in ${summary.shards.length} shard(s)`);
  for (const w of summary.weights) io.out(`  ${w.name.padEnd(22)} [${w.shape.join(', ')}] ${w.storage} ${w.bytes} B`);
  io.out(`  attributes: ${summary.attributes ? 'yes' : 'no'}; projection vocabulary ${summary.attributeVocab}`);
  if (m.sequence) io.out(`  sequence model: ${m.sequence.blocks} blocks, ${m.sequence.heads} heads, window ${m.sequence.maxLen}, feed-forward ${m.sequence.ffnDim}`);
  io.out(`  hyper-parameters: ${JSON.stringify(summary.hyperParameters)}`);
  io.out(`  training: ${JSON.stringify(summary.training)}`);
  io.out(`  most popular: ${summary.mostPopular.join(', ')}`);
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}

function topPopular(pop: Float32Array, ids: string[], k: number): string[] {
  return Array.from(pop.keys()).sort((a, b) => pop[b] - pop[a] || a - b).slice(0, k).map((i) => `${ids[i]} (${pop[i]})`);
}
