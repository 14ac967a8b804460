/** The artefact a shop hosts: encode a GlobalModel, decode or fetch one back, validate a model.json. */
export { concatBytes, encodeArtefact } from './encode.ts';
export type { EncodeOptions, EncodedArtefact } from './encode.ts';
export { decodeArtefact } from './decode.ts';
export { fetchArtefact } from './fetch.ts';
export type { FetchArtefactOptions } from './fetch.ts';
export { resolveShardUrl, validateManifest } from './manifest.ts';
export type { ArtefactJson, IntegrityBlock, TastebudMetadata, ValidatedManifest } from './manifest.ts';
export { encodeSealedArtefact, loadArtefact, sealArtefact, sha256Hex, verifyArtefact } from './integrity.ts';
export type { IntegrityStatus } from './integrity.ts';
export { DEFAULT_LIMITS, FORMAT_NAME, FORMAT_VERSION } from './format.ts';
export type { ArtefactLimits, WeightDtype } from './format.ts';
