/**
 * Fault suite, CLI (issue 15): a generated corpus of bad input — wrong files (a folder, /dev/zero, a corrupt
 * .gz, a line without end, missing or damaged artefacts, deeply nested JSON), bad --out targets, bad numbers,
 * choices, search spaces, stray positionals and unknown options for every command — run in-process. Each run
 * must exit non-zero with exactly one line on stderr that names the error, no stack trace, within a deadline.
 * Plus the process-level cases (a closed stdout pipe) in one spawned run. Prints the counts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeSealedArtefact } from '../../src/artefact/index.ts';
import { writeArtefactDir } from '../../src/cli/artefact_dir.ts';
import { runCli } from '../../src/cli/main.ts';
import type { Io } from '../../src/cli/io.ts';
import { createRng } from '../../src/model/rng.ts';
import { createTinyModel } from '../../harness/engine_model.ts';

const DEADLINE_MS = 15_000;
const tally = { runs: 0, named: 0, stacks: 0, hangs: 0, zeroExit: 0, multiLine: 0 };
afterAll(() => console.log(`CLI fuzz: ${tally.runs} bad-input runs, ${tally.named} named one-line errors, ${tally.stacks} stack traces, ${tally.hangs} hangs, ${tally.zeroExit} exit 0, ${tally.multiLine} multi-line`));

async function fixtures(): Promise<Record<string, string>> {
  const d = mkdtempSync(join(tmpdir(), 'tb-fuzz-'));
  const rows = ['user,item,timestamp'];
  for (let u = 0; u < 12; u++) for (let t = 0; t < 4; t++) rows.push(`u${u},i${(u * 3 + t) % 10},${t}`);
  const f = (name: string, data: string | Buffer): string => (writeFileSync(join(d, name), data), join(d, name));
  const art = async (name: string): Promise<string> => {
    await writeArtefactDir(join(d, name), await encodeSealedArtefact(createTinyModel({ numItems: 30 }), { shardBytes: 1024 }));
    return join(d, name);
  };
  const paths: Record<string, string> = {
    ok: f('ok.csv', rows.join('\n')),
    folder: d,
    missing: join(d, 'nope.csv'),
    devzero: '/dev/zero',
    badgz: f('bad.csv.gz', Buffer.from('this is not gzip at all')),
    truncgz: f('trunc.csv.gz', gzipSync(rows.join('\n')).subarray(0, 30)),
    noNewline: f('one-line.csv', 'a'.repeat(1.5 * 1024 * 1024)),
    malformed: f('malformed.csv', 'user,item\nu1\n'),
    binary: f('binary.csv', Buffer.from(Array.from({ length: 4096 }, (_, k) => (k * 37) % 256))),
    attrsDeep: f('deep.json', '['.repeat(100_000)),
    attrsBad: f('attrs.json', '{"i1": [1, 2'),
    good: await art('good'),
    corrupt: await art('corrupt'),
    noShard: await art('no-shard'),
    deepJson: await art('deep'),
    truncJson: await art('trunc'),
    hostile: await art('hostile'),
    notTastebud: await art('layers'),
    outFile: f('existing.txt', 'keep'),
    outSite: join(d, 'site'),
  };
  const shard = join(paths.corrupt, 'group1-shard1of3.bin');
  const b = readFileSync(shard);
  b[10] ^= 1;
  writeFileSync(shard, b);
  rmSync(join(paths.noShard, 'group1-shard2of3.bin'));
  writeFileSync(join(paths.deepJson, 'model.json'), '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000));
  const mj = readFileSync(join(paths.truncJson, 'model.json'), 'utf8');
  writeFileSync(join(paths.truncJson, 'model.json'), mj.slice(0, mj.length / 2));
  const h = JSON.parse(mj);
  h.weightsManifest[0].paths[0] = '%2e%2e/%2e%2e/etc/passwd';
  writeFileSync(join(paths.hostile, 'model.json'), JSON.stringify(h));
  writeFileSync(join(paths.notTastebud, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: {} }));
  mkdirSync(paths.outSite);
  writeFileSync(join(paths.outSite, 'index.html'), 'shop');
  return paths;
}

/** The bad-input corpus: every command with each bad file, target, number, choice and stray argument. */
function corpus(p: Record<string, string>): string[][] {
  const cases: string[][] = [];
  const badFiles = ['folder', 'missing', 'devzero', 'badgz', 'truncgz', 'noNewline', 'malformed', 'binary'].map((k) => p[k]);
  const out = join(p.folder, 'out-model');
  for (const cmd of ['pretrain', 'evaluate', 'tune']) {
    const extra = cmd === 'pretrain' ? ['--out', out] : [];
    for (const f of badFiles) cases.push([cmd, '--data', f, ...extra]);
    for (const f of badFiles.slice(0, 4)) cases.push([cmd, '--data', p.ok, '--test', f, ...extra]);
    for (const f of [p.folder, p.missing, p.devzero, p.attrsDeep, p.attrsBad]) cases.push([cmd, '--data', p.ok, '--attributes', f, ...extra]);
    for (const f of [p.folder, p.missing, p.devzero]) cases.push([cmd, '--data', p.ok, '--test', p.ok, '--candidates', f, ...extra]);
    const numeric = ['dim', 'epochs', 'negatives', 'lr', 'l2', 'batch-size', 'seed', 'adv-eps', 'patience', 'als-alpha', 'als-cg-steps', 'recency-half-life', 'min-user', 'lr-dense'];
    for (const n of numeric) for (const v of ['x', '', 'NaN', '1e400', '-1', '0.5e', '3e12']) cases.push([cmd, '--data', p.ok, `--${n}=${v}`, ...extra]);
    for (const [flag, v] of [['format', 'xml'], ['solver', 'svd'], ['loss', 'mse'], ['sampler', 'zipf'], ['optimizer', 'adam'], ['backend', 'webgpu'], ['event-weights', 'view=x'], ['event-weights', '=']])
      cases.push([cmd, '--data', p.ok, `--${flag}`, v, ...extra]);
    for (const flag of ['k-core', 'dedupe', 'skip-malformed']) cases.push([cmd, '--data', p.ok, `--${flag}`, '5', ...extra], [cmd, '--data', p.ok, `--${flag}=yes`, ...extra]);
    cases.push([cmd, '--data', p.ok, 'stray', ...extra], [cmd, '--data', p.ok, '--dimm', '3', ...extra], [cmd, '--data', ...extra], [cmd, '-x', ...extra], [cmd, ...extra], [cmd, '--data', p.ok, '--', '--dim', ...extra]);
  }
  for (const o of [p.outFile, p.outSite, '/proc/tastebud-x', '/dev/null']) cases.push(['pretrain', '--data', p.ok, '--out', o], ['export', '--model', p.good, '--out', o]);
  cases.push(['pretrain', '--data', p.ok]);
  for (const space of ['__proto__=1', 'constructor=1', 'toString=a', 'dim=', '=1', 'dim=a,b', 'solver=svd', 'dim=1e400', ';;=;;'])
    cases.push(['tune', '--data', p.ok, '--space', space]);
  for (const t of ['0', '-1', '1.5', 'x', '1e9']) cases.push(['tune', '--data', p.ok, '--trials', t]);
  for (const ks of ['0', 'x', '-3', '1.5']) cases.push(['evaluate', '--data', p.ok, '--ks', ks]);
  for (const e of ['0', '-1', 'x']) cases.push(['evaluate', '--data', p.ok, '--perturb', e]);
  const badModels = ['corrupt', 'noShard', 'deepJson', 'truncJson', 'hostile', 'notTastebud', 'missing', 'outFile', 'devzero'].map((k) => p[k]);
  for (const m of badModels) cases.push(['inspect', '--model', m], ['inspect', m], ['inspect', '--model', m, '--json'], ['export', '--model', m, '--out', out], ['evaluate', '--data', p.ok, '--model', m]);
  cases.push(['inspect'], ['inspect', p.good, p.good], ['inspect', '--model', p.good, p.good], ['export', '--model', p.good], ['export', '--out', out]);
  for (const v of ['0', '-1', 'x', '1e9']) cases.push(['export', '--model', p.good, '--out', out, '--shard-mib', v]);
  cases.push(['export', '--model', p.good, '--out', out, '--dtype', 'int4'], ['frobnicate'], ['__proto__'], ['constructor']);
  // seeded garbage: random flags and values from the real option names
  const rng = createRng(15);
  const names = ['data', 'out', 'dim', 'epochs', 'space', 'trials', 'model', 'ks', 'format', 'dtype', 'k-core', 'lr', 'zzz', 'no-validate', ''];
  const values = ['', '-', '--', '=', '0', '-0', 'NaN', 'Infinity', '1e308', '\u0000', '../../', p.devzero, p.folder, p.missing, '%2e%2e', ' ', '\t', '__proto__'];
  const pick = <T,>(xs: T[]): T => xs[Math.floor(rng.next() * xs.length)];
  for (let k = 0; k < 60; k++) {
    const cmd = pick(['pretrain', 'evaluate', 'tune', 'export', 'inspect']);
    const args = Array.from({ length: 1 + Math.floor(rng.next() * 4) }, () => (rng.next() < 0.7 ? `--${pick(names)}=${pick(values)}` : pick(values)));
    cases.push([cmd, ...args, '--data=' + p.missing]);
  }
  return cases;
}

function capture(): Io & { errs: string[] } {
  const errs: string[] = [];
  return { errs, out: () => undefined, err: (l) => errs.push(l), stderr: { isTTY: false, write: (s: string) => (s.includes('\n    at ') && errs.push(s), true) } as unknown as NodeJS.WriteStream };
}

describe('CLI bad-input corpus', () => {
  it('every bad input: non-zero exit, one named line on stderr, no stack, no hang', async () => {
    const p = await fixtures();
    const failures: string[] = [];
    for (const args of corpus(p)) {
      const io = capture();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const code = await Promise.race([runCli(args, io), new Promise<'hang'>((r) => (timer = setTimeout(() => r('hang'), DEADLINE_MS)))]);
      clearTimeout(timer);
      tally.runs++;
      const text = io.errs.join('\n');
      const problems = [
        code === 'hang' && (tally.hangs++, 'hang'),
        code === 0 && (tally.zeroExit++, 'exit 0'),
        /\n\s+at .+\(.+:\d+:\d+\)|^\s+at /m.test(text) && (tally.stacks++, 'stack trace'),
        io.errs.length !== 1 && (tally.multiLine++, `${io.errs.length} stderr lines`),
        !/^tastebud( \w+)?: (\w+Error: |unknown command)/.test(io.errs[0] ?? '') && 'unnamed error',
      ].filter(Boolean);
      if (problems.length) failures.push(`${JSON.stringify(args)} → ${problems.join(', ')}: ${text.slice(0, 300)}`);
      else tally.named++;
    }
    expect(failures, failures.slice(0, 8).join('\n')).toEqual([]);
    expect(tally.runs).toBeGreaterThan(300);
  });

  it('a closed stdout pipe ends quietly, without a stack trace', async () => {
    const p = await fixtures();
    const child = spawn(process.execPath, ['bin/tastebud.mjs', 'inspect', '--model', p.good, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader went away before the first byte (`| head -c0`)
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const code = await new Promise<number | null>((resolve, reject) => {
      const t = setTimeout(() => (child.kill(), reject(new Error('hang'))), DEADLINE_MS);
      child.on('exit', (c) => (clearTimeout(t), resolve(c)));
    });
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).not.toBeNull();
  });
});
