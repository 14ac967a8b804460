import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { captureIo } from '../helpers/capture_io.ts';
import { parseArgs } from '../../src/cli/args.ts';
import { parseSpace } from '../../src/cli/cmd_tune.ts';
import { syntheticLog } from '../train/synthetic.ts';
import { InvalidInputError } from '../../src/errors.ts';

/** A CSV log with a latent structure, with times so leave-one-out is by time. */
function writeLog(dir: string): string {
  const log = syntheticLog({ numUsers: 80, numItems: 40, perUser: 8 });
  const lines = ['user,item,timestamp,event'];
  log.byUser.forEach((seq, u) => seq.forEach((i, t) => lines.push(`user${u},sku${i},${1000 + t},${t % 4 === 0 ? 'view' : 'select'}`)));
  const path = join(dir, 'log.csv');
  writeFileSync(path, lines.join('\n'));
  writeFileSync(join(dir, 'attrs.json'), JSON.stringify(Object.fromEntries(log.itemIds.map((_, i) => [`sku${i}`, [Math.floor(i / 10), 100 + (i % 2)]]))));
  return path;
}

describe('tastebud CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tastebud-cli-'));
  const log = writeLog(dir);
  const train = ['--dim', '8', '--epochs', '4', '--batch-size', '64', '--seed', '3'];

  it('pretrain → inspect → export uint8 → evaluate the artefact', async () => {
    const io = captureIo();
    const code = await runCli(['pretrain', '--data', log, '--attributes', join(dir, 'attrs.json'), '--event-weights', 'default', '--dedupe', '--out', join(dir, 'm32'), ...train], io);
    expect(io.stderrLines.join('')).not.toMatch(/Error/);
    expect(code).toBe(0);
    expect(io.stdout[0]).toMatch(/wrote .*m32\/.*model version tb-/);
    const manifest = JSON.parse(readFileSync(join(dir, 'm32', 'model.json'), 'utf8'));
    expect(manifest.tastebud.numItems).toBe(40);
    expect(manifest.tastebud.attributeVocab.length).toBeGreaterThan(0);
    expect(manifest.tastebud.trainingReport.epochs).toHaveLength(4);

    const inspect = captureIo();
    expect(await runCli(['inspect', '--model', join(dir, 'm32'), '--json'], inspect)).toBe(0);
    expect(JSON.parse(inspect.stdout.join('\n'))).toMatchObject({ valid: true, dim: 8, numItems: 40 });

    const exp = captureIo();
    expect(await runCli(['export', '--model', join(dir, 'm32'), '--out', join(dir, 'm8'), '--dtype', 'uint8'], exp)).toBe(0);
    const ev = captureIo();
    expect(await runCli(['evaluate', '--data', log, '--model', join(dir, 'm8'), '--out-dir', join(dir, 'ev1')], ev)).toBe(0);
    expect(ev.stdout.join('\n')).toMatch(/full ranking/);
    const res = JSON.parse(readFileSync(join(dir, 'ev1', 'results.json'), 'utf8'));
    expect(res.rows).toHaveLength(2);

    // the same artefact under the APR attack and its random control: two more rows (full, NCF) per kind and ε
    const at = captureIo();
    expect(await runCli(['evaluate', '--data', log, '--model', join(dir, 'm32'), '--perturb', '0.5,2', '--out-dir', join(dir, 'ev3')], at)).toBe(0);
    expect(at.stderrLines.join('')).toMatch(/perturbing the embeddings \(ε = 0.5, 2; mean row norm: users [\d.]+, items [\d.]+\)/);
    const rows: { name: string; protocol: string; metrics: Record<string, number> }[] = JSON.parse(readFileSync(join(dir, 'ev3', 'results.json'), 'utf8')).rows;
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['tastebud, adversarial ε = 0.5', 'tastebud, random ε = 2']));
    expect(rows).toHaveLength(2 + 2 * 2 * 2);
    const full = (name: string): number => rows.find((r) => r.name.includes(name) && r.protocol === 'full ranking')!.metrics['HR@10'];
    expect(full('adversarial ε = 2')).toBeLessThan(full('(fold-in)'));
    expect(await runCli(['evaluate', '--data', log, '--model', join(dir, 'm32'), '--perturb', '-1'], captureIo())).toBe(1);
  });

  it('evaluate trains with early stopping and beats popularity on structured data', async () => {
    const io = captureIo();
    const code = await runCli(['evaluate', '--data', log, '--out-dir', join(dir, 'ev2'), '--ks', '5,10', ...train, '--epochs', '12', '--lr', '0.1'], io);
    expect(code).toBe(0);
    const res = JSON.parse(readFileSync(join(dir, 'ev2', 'results.json'), 'utf8'));
    const hr = (name: string, protocol: string): number => res.rows.find((r: { name: string; protocol: string }) => r.name === name && r.protocol.startsWith(protocol)).metrics['HR@10'];
    expect(hr('tastebud', 'full')).toBeGreaterThan(hr('popularity', 'full'));
    expect(res.rows[0].metrics).toHaveProperty('NDCG@5');
    expect(existsSync(join(dir, 'ev2', 'learning_curve.svg'))).toBe(true);
    expect(readFileSync(join(dir, 'ev2', 'results.md'), 'utf8')).toMatch(/^\| model \| protocol \|/);
  });

  it('tune prints a table of trials ranked by validation', async () => {
    const io = captureIo();
    expect(await runCli(['tune', '--data', log, '--space', 'dim=4,8;lr=0.05', '--trials', '2', ...train], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/#\d dim=\d lr=0.05/);
    expect(io.stdout.join('\n')).toMatch(/best: /);
  });

  it('is deterministic under --seed', async () => {
    for (const out of ['d1', 'd2']) await runCli(['pretrain', '--data', log, '--out', join(dir, out), ...train], captureIo());
    expect(readFileSync(join(dir, 'd1', 'group1-shard1of1.bin'))).toEqual(readFileSync(join(dir, 'd2', 'group1-shard1of1.bin')));
  });

  it('trains on the TF.js wasm backend with the same losses as plain TypeScript', async () => {
    const losses = async (backend: string): Promise<number[]> => {
      await runCli(['pretrain', '--data', log, '--out', join(dir, `b-${backend}`), ...train, '--solver', 'sgd', '--epochs', '2', '--backend', backend], captureIo());
      const m = JSON.parse(readFileSync(join(dir, `b-${backend}`, 'model.json'), 'utf8'));
      expect(m.tastebud.trainingReport.trainer).toMatch(backend === 'plain' ? 'plain-ts' : /tfjs-wasm/);
      return m.tastebud.trainingReport.epochs.map((e: { loss: number }) => e.loss);
    };
    const plain = await losses('plain');
    const wasm = await losses('wasm');
    wasm.forEach((l, k) => expect(l).toBeCloseTo(plain[k], 4));
    const als = captureIo();
    expect(await runCli(['pretrain', '--data', log, '--out', join(dir, 'b-als'), ...train, '--backend', 'wasm'], als)).toBe(1);
    expect(als.stderrLines.join('')).toMatch(/InvalidInputError: --backend wasm .*--solver sgd/);
  });

  it('fails clearly on bad input, without a stack trace', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'user,item\nu1,i1\nu2\n');
    const io = captureIo();
    expect(await runCli(['pretrain', '--data', join(dir, 'bad.csv'), '--out', join(dir, 'x')], io)).toBe(1);
    expect(io.stderrLines.join('')).toMatch(/InvalidInputError: .*bad\.csv:3: expected at least 2 fields/);
    const missing = captureIo();
    expect(await runCli(['inspect', '--model', join(dir, 'nowhere')], missing)).toBe(1);
    expect(missing.stderrLines.join('')).toMatch(/ModelLoadError: Cannot read/);
    expect(await runCli(['frobnicate'], captureIo())).toBe(2);
    const typo = captureIo();
    expect(await runCli(['pretrain', '--dimm', '3'], typo)).toBe(1);
    expect(typo.stderrLines.join('')).toMatch(/unknown option --dimm \(did you mean --dim\?\)/);
  });
});

describe('argument parsing', () => {
  it('parses values, flags, negation, defaults and rejects bad numbers', () => {
    const specs = { dim: { type: 'number' as const, help: '', default: 8 }, v: { type: 'boolean' as const, help: '', default: true }, f: { type: 'string' as const, help: '', choices: ['a', 'b'] } };
    expect(parseArgs(['--no-v', '--f=b', 'pos'], specs, { maxPositionals: 1 })).toEqual({ positionals: ['pos'], values: { dim: 8, v: false, f: 'b' } });
    expect(() => parseArgs(['--v', '5'], specs)).toThrow(/unexpected argument "5" \(--v is a switch/);
    expect(() => parseArgs(['--v=5'], specs)).toThrow(/--v is a switch/);
    expect(() => parseArgs(['--dim', 'x'], specs)).toThrow(InvalidInputError);
    expect(() => parseArgs(['--f', 'c'], specs)).toThrow(/one of a, b/);
    expect(() => parseArgs(['--dim'], specs)).toThrow(/needs a value/);
  });
  it('parses a search space', () => {
    expect(parseSpace('dim=32,64;loss=bce,bpr')).toEqual({ dim: [32, 64], loss: ['bce', 'bpr'] });
    expect(() => parseSpace('depth=3')).toThrow(/unknown key/);
    expect(parseSpace('solver=als;alsUnobserved=0.1,0.3')).toEqual({ solver: ['als'], alsUnobserved: [0.1, 0.3] });
    expect(() => parseSpace('solver=svd')).toThrow(/not one of sgd, als/);
  });
});
