/**
 * Writes an encoded artefact to a directory (model.json + shards) and reads one back, validated, in Node.
 * The directory is what a shop uploads to its static hosting or CDN.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EncodedArtefact } from '../artefact/encode.ts';
import { decodeArtefact } from '../artefact/decode.ts';
import { validateManifest } from '../artefact/manifest.ts';
import type { ValidatedManifest } from '../artefact/manifest.ts';
import type { GlobalModel } from '../model/global_model.ts';
import { ModelLoadError } from '../errors.ts';

/**
 * @example
 * await writeArtefactDir('out/model', encodeArtefact(model, { dtype: 'uint8' }));
 * // out/model/model.json, out/model/group1-shard1of1.bin
 */
export async function writeArtefactDir(dir: string, enc: EncodedArtefact): Promise<{ files: string[]; bytes: number }> {
  await mkdir(dir, { recursive: true });
  const json = JSON.stringify(enc.modelJson);
  await writeFile(join(dir, 'model.json'), json);
  let bytes = Buffer.byteLength(json);
  for (const s of enc.shards) {
    await writeFile(join(dir, s.path), new Uint8Array(s.data));
    bytes += s.data.byteLength;
  }
  return { files: ['model.json', ...enc.shards.map((s) => s.path)], bytes };
}

/** Reads and validates model.json only (for `inspect`), without touching the shards. */
export async function readManifestDir(dir: string): Promise<{ json: unknown; manifest: ValidatedManifest }> {
  const path = join(dir, 'model.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ModelLoadError(`Cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelLoadError(`${path} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  return { json, manifest: validateManifest(json) };
}

/**
 * @example
 * const model = await readArtefactDir('out/model');
 */
export async function readArtefactDir(dir: string): Promise<GlobalModel> {
  const { json, manifest } = await readManifestDir(dir);
  const shards = await Promise.all(
    manifest.paths.map(async (p) => {
      try {
        const b = await readFile(join(dir, p));
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
      } catch (e) {
        throw new ModelLoadError(`Cannot read shard ${p} in ${dir}: ${(e as Error).message}`, { cause: e });
      }
    }),
  );
  return decodeArtefact(json, shards);
}
