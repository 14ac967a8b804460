/**
 * Writes an artefact folder atomically: everything goes to a temporary sibling folder, is read back with the
 * browser's own loader (hashes, manifest, decode), and only then swapped in by rename. A failure at any point
 * (full disk, blocked path, a model the browser would refuse) leaves the artefact that was there untouched, and
 * the new folder holds no stale shards of the old one. The folder is what a shop uploads to its CDN.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile as fsWriteFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { EncodedArtefact } from '../artefact/encode.ts';
import { sealArtefact } from '../artefact/integrity.ts';
import { InvalidInputError, ModelLoadError, StorageError } from '../errors.ts';
import { fsReason, readArtefactDirChecked } from './artefact_dir.ts';

export interface WriteOptions {
  /** More files for the folder (e.g. learning_curve.svg), swapped in with the artefact. */
  extras?: { name: string; data: string | Uint8Array }[];
  /** For tests: the file writer (to simulate a full disk). */
  writeFile?: (path: string, data: string | Uint8Array) => Promise<void>;
}

/** What may already be in an output folder: a previous artefact. Anything else makes the write refuse. */
const OWN_FILE = /^(model\.json|learning_curve\.svg|group\d+-shard\d+of\d+\.bin)$/;

/**
 * @example
 * await writeArtefactDir('out/model', await encodeSealedArtefact(model, { dtype: 'uint8' }));
 * // out/model/model.json, out/model/group1-shard1of1.bin
 */
export async function writeArtefactDir(dir: string, enc: EncodedArtefact, opts: WriteOptions = {}): Promise<{ files: string[]; bytes: number; modelVersion: string }> {
  const sealed = enc.modelJson.tastebud.integrity ? enc : await sealArtefact(enc, { keepVersion: true });
  const existed = await checkTarget(dir);
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true }).catch((e: unknown) => fail(e, `cannot create the folder ${parent}`));
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const write = opts.writeFile ?? ((p: string, d: string | Uint8Array) => fsWriteFile(p, d));
  const json = JSON.stringify(sealed.modelJson);
  try {
    await mkdir(tmp).catch((e: unknown) => fail(e, `cannot create a folder next to ${dir}`));
    for (const s of sealed.shards) await write(join(tmp, s.path), new Uint8Array(s.data)).catch((e: unknown) => fail(e, `cannot write ${s.path}`));
    for (const x of opts.extras ?? []) await write(join(tmp, x.name), x.data).catch((e: unknown) => fail(e, `cannot write ${x.name}`));
    await write(join(tmp, 'model.json'), json).catch((e: unknown) => fail(e, 'cannot write model.json'));
    await readArtefactDirChecked(tmp).catch((e: unknown) => {
      throw new ModelLoadError(`the artefact written for ${dir} does not load back (${(e as Error).message}); nothing was replaced`, { cause: e });
    });
    await swapIn(tmp, dir, existed);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  const files = ['model.json', ...sealed.shards.map((s) => s.path), ...(opts.extras ?? []).map((x) => x.name)];
  const bytes = Buffer.byteLength(json) + sealed.shards.reduce((a, s) => a + s.data.byteLength, 0);
  return { files, bytes, modelVersion: sealed.modelJson.tastebud.modelVersion };
}

/**
 * The checks of writeArtefactDir that need no artefact, run before training so a bad --out fails in
 * milliseconds: not a file, no foreign files, and a folder can be created beside it.
 */
export async function checkOutDir(dir: string): Promise<void> {
  await checkTarget(dir);
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true }).catch((e: unknown) => fail(e, `cannot create the folder ${parent}`));
  const probe = join(parent, `.${basename(dir)}.probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(probe).catch((e: unknown) => fail(e, `cannot write next to ${dir}`));
  await rm(probe, { recursive: true, force: true });
}

/** True when `dir` holds a previous artefact; refuses a file, or a folder with anything but an artefact in it. */
async function checkTarget(dir: string): Promise<boolean> {
  const st = await stat(dir).catch((e: { code?: string }) => (e.code === 'ENOENT' ? null : fail(e, `cannot use ${dir}`)));
  if (!st) return false;
  if (!st.isDirectory()) throw new InvalidInputError(`--out ${dir} is an existing file; give a folder (new, or one holding an artefact)`);
  const foreign = (await readdir(dir).catch((e: unknown) => fail(e, `cannot read ${dir}`))).filter((n) => !OWN_FILE.test(n));
  if (foreign.length)
    throw new InvalidInputError(`--out ${dir} holds files that are not part of a tastebud artefact (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}); it is replaced as a whole, so give a new or artefact-only folder`);
  return true;
}

/** rename(old → aside), rename(tmp → dir), delete aside; the old folder is put back if the second rename fails. */
async function swapIn(tmp: string, dir: string, existed: boolean): Promise<void> {
  const aside = `${tmp}.old`;
  if (existed) await rename(dir, aside).catch((e: unknown) => fail(e, `cannot move the previous artefact in ${dir} aside`));
  try {
    await rename(tmp, dir);
  } catch (e) {
    if (existed) await rename(aside, dir).catch(() => undefined);
    fail(e, `cannot move the new artefact into ${dir}`);
  }
  if (existed) await rm(aside, { recursive: true, force: true }).catch(() => undefined);
}

function fail(e: unknown, what: string): never {
  const code = (e as { code?: string }).code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EIO') throw new StorageError(`${what}: ${fsReason(e)}; the previous artefact is untouched`, { cause: e });
  throw new InvalidInputError(`${what}: ${fsReason(e)}`, { cause: e });
}
