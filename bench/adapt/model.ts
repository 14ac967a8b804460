/**
 * The global model of the adaptation bench: the pipeline's `pretrain` on the training users' events, cached
 * under bench/results/ (gitignored) by dataset and options so reruns are fast.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { GlobalModel } from '../../src/model/global_model.ts';
import { pretrain, type PretrainOptions } from '../../src/train/pretrain.ts';
import type { Stream } from './data.ts';
import { trainAls, type AlsOptions } from './als.ts';

export const RESULTS_DIR = new URL('../results/', import.meta.url).pathname;

/** The CLI's default recipe (`tastebud pretrain` with no solver flags): ALS with recency weighting. */
export const PRETRAIN: PretrainOptions = {
  solver: 'als',
  dim: 64,
  epochs: 15,
  alsAlpha: 1,
  alsUnobserved: 0.3,
  l2: 0.005,
  recencyBoost: 4,
  recencyHalfLife: 5,
  seed: 1,
};

/**
 * Pretrains (or loads the cached model for) `name` on the training streams.
 *
 * @example
 * const model = await globalModelFor('ml-1m', ds.train, PRETRAIN);
 */
export async function globalModelFor(name: string, train: Stream[], options: PretrainOptions, log = console.log): Promise<GlobalModel> {
  const key = `${name}-${hashOptions(options)}-${train.length}`;
  const path = `${RESULTS_DIR}model-${key}.json`;
  if (existsSync(path)) return decodeModel(readFileSync(path, 'utf8'));
  const itemIndex = new Map<string, number>();
  const users: number[] = [];
  const items: number[] = [];
  train.forEach((s, u) =>
    s.items.forEach((id) => {
      if (!itemIndex.has(id)) itemIndex.set(id, itemIndex.size);
      users.push(u);
      items.push(itemIndex.get(id)!);
    }),
  );
  log(`pretraining ${key}: ${train.length} users, ${itemIndex.size} items, ${users.length} events`);
  const t0 = Date.now();
  const { model } = await pretrain(
    { users: Int32Array.from(users), items: Int32Array.from(items), itemIds: [...itemIndex.keys()], numUsers: train.length },
    { ...options, modelVersion: key, onEpoch: (e) => log(`  epoch ${e.epoch} loss ${e.loss.toFixed(4)} (${e.seconds.toFixed(1)} s)`) },
  );
  log(`  pretrained in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path, encodeModel(model));
  return model;
}

/** ALS item factors (the "imported from Spark ALS" path of DESIGN.md), cached like the pretrained model. */
export function alsModelFor(name: string, train: Stream[], options: AlsOptions, log = console.log, labels?: Map<string, string[]>): GlobalModel {
  const key = `${name}-als-${hashOptions(options)}-${train.length}`;
  const path = `${RESULTS_DIR}model-${key}.json`;
  if (existsSync(path)) return decodeModel(readFileSync(path, 'utf8'));
  log(`training ALS ${key}`);
  const model = trainAls(train, options, key, log, labels);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path, encodeModel(model));
  return model;
}

function hashOptions(o: object): string {
  const s = JSON.stringify(o);
  let h = 2166136261;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 16777619);
  return (h >>> 0).toString(16);
}

const F32_FIELDS = ['itemEmb', 'itemBias', 'w', 'priorUser', 'popularity'] as const;

function encodeModel(m: GlobalModel): string {
  const plain: Record<string, unknown> = { ...m, attributeProjection: undefined, trainingReport: undefined };
  for (const f of F32_FIELDS) plain[f] = Buffer.from(m[f].buffer, m[f].byteOffset, m[f].byteLength).toString('base64');
  return JSON.stringify(plain);
}

function decodeModel(text: string): GlobalModel {
  const raw = JSON.parse(text) as Record<string, unknown>;
  for (const f of F32_FIELDS) {
    const b = Buffer.from(raw[f] as string, 'base64');
    raw[f] = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }
  return raw as unknown as GlobalModel;
}

/**
 * The model with the dataset's item labels (ML-1M genres, Beauty brand/category ids) as `itemAttributes`,
 * one field per label, as a shop would ship them; the engine's attribute affinity reads them.
 *
 * @example
 * const m = withAttributes(model, ds.labels); m.itemAttributes?.[0]; // { Drama: 1, War: 1 }
 */
export function withAttributes(model: GlobalModel, labels: Map<string, string[]>): GlobalModel {
  if (labels.size === 0) return model;
  return { ...model, itemAttributes: model.itemIds.map((id) => Object.fromEntries((labels.get(id) ?? []).map((l) => [l, 1]))) };
}
