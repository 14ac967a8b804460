/**
 * Content hashes of an artefact (SHA-256 through Web Crypto, which browsers, workers and Node 20 all have):
 * one per shard, one of all weight bytes (what the browser cache stores), one of the item table (ids,
 * attributes, item metadata), and one of everything (`content`), from which the model version is derived unless
 * the shop names it. A flipped bit anywhere in the shards or the item table is a ModelLoadError before the model
 * is used or cached. Artefacts written before the hashes existed still load, with a warning (docs/integrity.md).
 */
import { ModelLoadError } from '../errors.ts';
import type { GlobalModel } from '../model/global_model.ts';
import { decodeValidatedArtefact } from './decode.ts';
import type { EncodedArtefact, EncodeOptions } from './encode.ts';
import { encodeArtefact } from './encode.ts';
import type { ArtefactLimits } from './format.ts';
import { DEFAULT_LIMITS } from './format.ts';
import type { ArtefactJson, IntegrityBlock, ValidatedManifest } from './manifest.ts';
import { validateManifest } from './manifest.ts';

export const HASH_ALGORITHM = 'SHA-256';

/** Lower-case hex SHA-256 of bytes or of a string's UTF-8. */
export async function sha256Hex(data: ArrayBuffer | Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data instanceof Uint8Array ? data : new Uint8Array(data);
  const digest = await globalThis.crypto.subtle.digest(HASH_ALGORITHM, bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The item table as hashed: ids, attributes (any layout) and item metadata, in model.json's own JSON. */
function itemsText(json: ArtefactJson): string {
  return JSON.stringify(json.tastebud.items);
}

/** Everything else that shapes the model: the weight layout and the metadata, without the version and the hashes. */
function layoutText(json: ArtefactJson): string {
  const { modelVersion: _v, integrity: _i, items: _items, ...meta } = json.tastebud;
  return JSON.stringify({ format: json.format, weightsManifest: json.weightsManifest, tastebud: meta });
}

async function contentHash(shards: string[], weights: string, items: string, json: ArtefactJson): Promise<string> {
  return sha256Hex(JSON.stringify({ shards, weights, items, layout: await sha256Hex(layoutText(json)) }));
}

/**
 * Adds the hashes to an encoded artefact and, unless `keepVersion`, sets its model version to `tb-` and the first
 * 16 hex digits of the content hash, so any change (weights, re-keyed ids, new attributes) is a new version.
 *
 * @example
 * const sealed = await sealArtefact(encodeArtefact(model));
 * sealed.modelJson.tastebud.integrity.shards.length === sealed.shards.length; // true
 */
export async function sealArtefact(enc: EncodedArtefact, opts: { keepVersion?: boolean } = {}): Promise<EncodedArtefact> {
  const modelJson: ArtefactJson = { ...enc.modelJson, tastebud: { ...enc.modelJson.tastebud } };
  delete modelJson.tastebud.integrity;
  const shards = await Promise.all(enc.shards.map((s) => sha256Hex(s.data)));
  const weights = await sha256Hex(enc.weights);
  const items = await sha256Hex(itemsText(modelJson));
  const content = await contentHash(shards, weights, items, modelJson);
  if (!opts.keepVersion) modelJson.tastebud.modelVersion = `tb-${content.slice(0, 16)}`;
  modelJson.tastebud.integrity = { algorithm: HASH_ALGORITHM, shards, weights, items, content };
  return { ...enc, modelJson };
}

/** encodeArtefact, then sealArtefact: what the CLI writes and what a shop should host. */
export async function encodeSealedArtefact(model: GlobalModel, opts: EncodeOptions & { keepVersion?: boolean } = {}): Promise<EncodedArtefact> {
  return sealArtefact(encodeArtefact(model, opts), { keepVersion: opts.keepVersion });
}

/** 'verified': every hash matched; 'unhashed': an older artefact without hashes; 'unchecked': no Web Crypto (a page on plain HTTP). */
export type IntegrityStatus = 'verified' | 'unhashed' | 'unchecked';

/**
 * Checks the bytes against the manifest's hashes: an array of shards shard by shard (naming the bad one), one
 * buffer (the browser cache's concatenation) against the weights hash; then the item table and the content hash.
 * Resolves 'unhashed' for an artefact without hashes (older than them); throws ModelLoadError on any mismatch.
 */
export async function verifyArtefact(modelJson: unknown, weights: ArrayBuffer | ArrayBuffer[], limits: ArtefactLimits = DEFAULT_LIMITS): Promise<IntegrityStatus> {
  return verifyValidated(validateManifest(modelJson, limits), modelJson, weights);
}

async function verifyValidated(m: ValidatedManifest, modelJson: unknown, weights: ArrayBuffer | ArrayBuffer[]): Promise<IntegrityStatus> {
  const block = m.meta.integrity;
  if (!block) return 'unhashed';
  // Web Crypto exists only in secure contexts (HTTPS, localhost): a page on plain HTTP cannot check the hashes
  if (!globalThis.crypto?.subtle) return 'unchecked';
  const json = modelJson as ArtefactJson;
  const bad = (what: string): never => {
    throw new ModelLoadError(`Corrupt tastebud artefact: ${what}: the ${HASH_ALGORITHM} hash differs from model.json's (damaged download, disk or cache; re-upload the artefact)`);
  };
  if (Array.isArray(weights)) {
    if (weights.length !== block.shards.length) bad(`the number of shards (${weights.length})`);
    const got = await Promise.all(weights.map((w) => sha256Hex(w)));
    got.forEach((h, k) => h !== block.shards[k] && bad(`shard ${m.paths[k]}`));
  } else if ((await sha256Hex(weights)) !== block.weights) bad('the weight bytes');
  if ((await sha256Hex(itemsText(json))) !== block.items) bad('the item table (ids, attributes)');
  if ((await contentHash(block.shards, block.weights, block.items, json)) !== block.content) bad('the model metadata');
  return 'verified';
}

const warned = new Set<IntegrityStatus>();
const WARNINGS: Partial<Record<IntegrityStatus, string>> = {
  unhashed: 'tastebud: this model.json carries no integrity hashes (written by an older tastebud); it is loaded unchecked. Re-export it with `tastebud export` to add them.',
  unchecked: 'tastebud: this page is not a secure context (plain HTTP), so Web Crypto is missing and the model\'s SHA-256 hashes cannot be checked; serve the shop over HTTPS.',
};

/**
 * The loader every reader uses (browser worker, fetchArtefact, CLI): verify the hashes, then decode.
 *
 * @example
 * const { model, integrity } = await loadArtefact(JSON.parse(text), shards); // integrity: 'verified'
 */
export async function loadArtefact(modelJson: unknown, weights: ArrayBuffer | ArrayBuffer[], limits: ArtefactLimits = DEFAULT_LIMITS): Promise<{ model: GlobalModel; integrity: IntegrityStatus }> {
  const m = validateManifest(modelJson, limits); // once, for the hash check and the decode
  const integrity = await verifyValidated(m, modelJson, weights);
  const warning = WARNINGS[integrity];
  if (warning && !warned.has(integrity)) {
    warned.add(integrity);
    console.warn(warning);
  }
  return { model: decodeValidatedArtefact(m, weights), integrity };
}

export type { IntegrityBlock };
