/**
 * Reads an artefact folder (model.json + shards) back in Node, checked exactly as the browser checks it: the
 * manifest, every shard's SHA-256 hash, then the decode (`loadArtefact`). Writing is in artefact_write.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadArtefact, type IntegrityStatus } from '../artefact/integrity.ts';
import { validateManifest } from '../artefact/manifest.ts';
import type { ValidatedManifest } from '../artefact/manifest.ts';
import type { GlobalModel } from '../model/global_model.ts';
import { ModelLoadError } from '../errors.ts';
import { parseJsonText } from './json_text.ts';

export { writeArtefactDir } from './artefact_write.ts';

/** Reads and validates model.json only, without touching the shards. */
export async function readManifestDir(dir: string): Promise<{ json: unknown; manifest: ValidatedManifest }> {
  const path = join(dir, 'model.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ModelLoadError(`Cannot read ${path}: ${fsReason(e)}`, { cause: e });
  }
  const json = parseJsonText(text, path);
  return { json, manifest: validateManifest(json) };
}

/**
 * @example
 * const { model, integrity } = await readArtefactDirChecked('out/model'); // integrity: 'verified'
 */
export async function readArtefactDirChecked(dir: string): Promise<{ model: GlobalModel; integrity: IntegrityStatus; manifest: ValidatedManifest }> {
  const { json, manifest } = await readManifestDir(dir);
  const shards = await Promise.all(
    manifest.paths.map(async (p) => {
      try {
        const b = await readFile(join(dir, p));
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
      } catch (e) {
        throw new ModelLoadError(`Cannot read shard ${p} in ${dir}: ${fsReason(e)}`, { cause: e });
      }
    }),
  );
  return { ...(await loadArtefact(json, shards)), manifest };
}

/**
 * @example
 * const model = await readArtefactDir('out/model');
 */
export async function readArtefactDir(dir: string): Promise<GlobalModel> {
  return (await readArtefactDirChecked(dir)).model;
}

/** "no such file" rather than a raw "ENOENT: no such file or directory, open '…'". */
export function fsReason(e: unknown): string {
  const code = (e as { code?: string }).code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EISDIR: 'is a folder, not a file',
    ENOTDIR: 'a part of the path is not a folder',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOSPC: 'no space left on the disk',
    EROFS: 'read-only file system',
    EEXIST: 'already exists',
    EMFILE: 'too many open files',
  };
  return (code && reasons[code]) ? `${reasons[code]} (${code})` : (e as Error).message ?? String(e);
}
