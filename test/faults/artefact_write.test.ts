/**
 * Fault suite, artefact writes (issue 15): a write that fails (full disk, a blocked path, a model the browser
 * would refuse) leaves the artefact that was there byte-identical; a good write leaves no stale shards; and
 * `pretrain` refuses, by name and before writing, what the browser would refuse (shared limits, src/limits.ts).
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeArtefact, encodeSealedArtefact } from '../../src/artefact/index.ts';
import { readArtefactDir, writeArtefactDir } from '../../src/cli/artefact_dir.ts';
import { runCli } from '../../src/cli/main.ts';
import type { Io } from '../../src/cli/io.ts';
import { InvalidInputError, ModelLoadError, StorageError } from '../../src/errors.ts';
import { LIMITS } from '../../src/limits.ts';
import { MAX_ID_LENGTH } from '../../src/engine/validate.ts';
import { DEFAULT_LIMITS } from '../../src/artefact/format.ts';
import { createTinyModel } from '../../harness/engine_model.ts';

const snapshot = (dir: string): Record<string, string> => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

function io(): Io & { errs: string[]; outs: string[] } {
  const errs: string[] = [];
  const outs: string[] = [];
  return { errs, outs, out: (l) => outs.push(l), err: (l) => errs.push(l), stderr: { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream };
}

describe('atomic artefact writes', () => {
  const root = mkdtempSync(join(tmpdir(), 'tb-write-'));
  const out = join(root, 'model');

  it('a full disk mid-write leaves the previous artefact untouched and no temporary folder behind', async () => {
    await writeArtefactDir(out, await encodeSealedArtefact(createTinyModel({ numItems: 80, modelVersion: 'good' }), { keepVersion: true, shardBytes: 1024 }));
    const before = snapshot(out);
    let n = 0;
    const fullDisk = async (): Promise<void> => {
      if (n++ >= 1) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    const next = await encodeSealedArtefact(createTinyModel({ numItems: 90, seed: 3 }));
    await expect(writeArtefactDir(out, next, { writeFile: fullDisk })).rejects.toBeInstanceOf(StorageError);
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(root)).toEqual(['model']);
    expect((await readArtefactDir(out)).modelVersion).toBe('good');
  });

  it('a model the browser would refuse is not swapped in (NaN table, over-long id)', async () => {
    const before = snapshot(out);
    const nan = createTinyModel({ numItems: 30 });
    nan.itemEmb[5] = NaN;
    await expect(writeArtefactDir(out, encodeArtefact(nan))).rejects.toThrow(/does not load back.*non-finite/);
    const longId = createTinyModel({ numItems: 30 });
    longId.itemIds[0] = 'x'.repeat(LIMITS.maxIdLength + 1);
    await expect(writeArtefactDir(out, encodeArtefact(longId))).rejects.toBeInstanceOf(ModelLoadError);
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(root)).toEqual(['model']);
  });

  it('a successful write replaces the folder whole: no stale shards of the previous model', async () => {
    expect(readdirSync(out).filter((f) => f.endsWith('.bin')).length).toBeGreaterThan(1);
    const w = await writeArtefactDir(out, await encodeSealedArtefact(createTinyModel({ numItems: 40 }), { shardBytes: 1 << 20 }));
    expect(readdirSync(out).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    expect((await readArtefactDir(out)).modelVersion).toBe(w.modelVersion);
  });

  it('refuses an existing file, a folder of other files, and an unwritable place — by name', async () => {
    const file = join(root, 'file.txt');
    writeFileSync(file, 'keep me');
    const enc = await encodeSealedArtefact(createTinyModel({ numItems: 20 }));
    await expect(writeArtefactDir(file, enc)).rejects.toThrow(/existing file/);
    mkdirSync(join(root, 'site'));
    writeFileSync(join(root, 'site', 'index.html'), '<p>shop</p>');
    await expect(writeArtefactDir(join(root, 'site'), enc)).rejects.toThrow(/index\.html/);
    await expect(writeArtefactDir('/proc/tastebud-x', enc)).rejects.toBeInstanceOf(InvalidInputError);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect(readFileSync(join(root, 'site', 'index.html'), 'utf8')).toBe('<p>shop</p>');
  });
});

describe('one set of limits', () => {
  it('the API, the artefact decoder and the CLI use the same numbers', () => {
    expect(MAX_ID_LENGTH).toBe(LIMITS.maxIdLength);
    expect(DEFAULT_LIMITS.maxIdLength).toBe(LIMITS.maxIdLength);
    expect(DEFAULT_LIMITS.maxDim).toBe(LIMITS.maxDim);
  });

  it('pretrain refuses, before writing, what the browser would refuse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-limits-'));
    const rows = ['user,item,timestamp'];
    for (let u = 0; u < 20; u++) for (let t = 0; t < 4; t++) rows.push(`u${u},i${(u + t) % 9},${t}`);
    writeFileSync(join(dir, 'ok.csv'), rows.join('\n'));
    writeFileSync(join(dir, 'long.csv'), [...rows, `u1,${'y'.repeat(LIMITS.maxIdLength + 1)},9`].join('\n'));
    const cases: [string[], RegExp][] = [
      [['--data', join(dir, 'long.csv')], new RegExp(`long\\.csv:${rows.length + 1}: .*item ids are at most ${LIMITS.maxIdLength}`)],
      [['--data', join(dir, 'ok.csv'), '--dim', String(LIMITS.maxDim + 1)], /--dim must be an integer in 1\.\.1024/],
      [['--data', join(dir, 'ok.csv'), '--solver', 'sgd', '--optimizer', 'sgd', '--lr', '100', '--l2', '0', '--dim', '4', '--epochs', '20'], /training diverged.*nothing was written/],
    ];
    for (const [args, msg] of cases) {
      const c = io();
      expect(await runCli(['pretrain', ...args, '--out', join(dir, 'm')], c)).toBe(1);
      expect(c.errs.join('\n')).toMatch(msg);
      expect(readdirSync(dir)).not.toContain('m');
    }
  });
});
