import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseArgs, getters } from '../../src/cli/args.ts';
import { readArtefactDir } from '../../src/cli/artefact_dir.ts';
import { PRETRAIN_SPECS } from '../../src/cli/cmd_pretrain.ts';
import type { LoadOptions } from '../../src/cli/datasets.ts';
import { loadDataset } from '../../src/cli/datasets.ts';
import { runCli } from '../../src/cli/main.ts';
import { loadPairs } from '../../src/cli/pair_log.ts';
import { STREAM_MIN_BYTES, STREAM_MIN_GZ_BYTES, streamDecision } from '../../src/cli/pretrain_stream.ts';
import { InvalidInputError } from '../../src/errors.ts';
import { createRng } from '../../src/model/rng.ts';
import { buildPlacements } from '../../src/train/placements.ts';
import type { PlacementStreamOptions } from '../../src/train/placements_stream.ts';
import { createPlacementStream } from '../../src/train/placements_stream.ts';
import { captureIo } from '../helpers/capture_io.ts';

type Times = 'shuffled' | 'none' | 'equal' | 'mixed';

/**
 * A log with repeats, sessions of related items, ties in time listed against item order, and users 0-9 in
 * time order while the others are shuffled (out of order); `times` says what the time column holds.
 */
function writeLog(dir: string, name: string, times: Times, events = 2500): string {
  const rng = createRng(11);
  const lines = [times === 'none' ? 'user_id,item_id,event,weight' : 'user_id,item_id,timestamp,event,weight'];
  for (let n = 0; n < events; n++) {
    const u = rng.int(60);
    const base = 3 * (u % 7); // sessions: each user group clicks around its own items, so pairs repeat
    const item = rng.int(4) === 0 ? rng.int(45) : base + rng.int(6);
    const t = u < 10 ? 1_700_000_000 + Math.floor(n / 3) : 1_700_000_000 + rng.int(events / 3);
    const time = times === 'equal' ? '0' : times === 'mixed' && rng.int(5) === 0 ? '' : String(t);
    const event = ['view', 'select', 'purchase', 'add_to_cart'][rng.int(4)];
    const weight = rng.int(3) + 1;
    lines.push(times === 'none' ? `u${u},i${item},${event},${weight}` : `u${u},i${item},${time},${event},${weight}`);
  }
  const path = join(dir, name);
  writeFileSync(path, name.endsWith('.gz') ? gzipSync(lines.join('\n') + '\n') : lines.join('\n') + '\n');
  return path;
}

/** The lists of the streamed reads (loadPairs + the placement stream) and of the per-event load + buildPlacements. */
async function bothLists(o: LoadOptions, opts: PlacementStreamOptions = {}) {
  const p = createPlacementStream(opts);
  const log = await loadPairs(o, { boost: 4, halfLife: 5 }, { onRow: p.observe });
  p.start(log.userIds.length, log.itemIds.length);
  await log.replay(p.add);
  const streamed = p.finish();
  const set = (await loadDataset(o)).set;
  const { memoryBytes: _m, ...placementOpts } = opts;
  return { streamed, inMemory: buildPlacements(set, placementOpts), log, set };
}

describe('placement lists from a streamed log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tastebud-stream-'));

  it.each<[Times, string]>([
    ['shuffled', 'shuffled.csv.gz'],
    ['none', 'none.csv'],
    ['equal', 'equal.csv'],
    ['mixed', 'mixed.csv'],
  ])('equal the in-memory lists exactly (times: %s)', async (times, name) => {
    const { streamed, inMemory, log, set } = await bothLists({ data: writeLog(dir, name, times), format: 'csv', eventWeights: 'view=0,select=1,add_to_cart=2,purchase=3' });
    expect(log.itemIds).toEqual(set.itemIds);
    expect(set.users.length).toBeLessThan(2500); // views weigh 0 and are dropped, so positions count kept rows
    expect(streamed.trending).toEqual(inMemory.trending);
    expect(streamed.together).toEqual(inMemory.together);
    expect(streamed.together.filter((l) => l.length > 0).length).toBeGreaterThan(20);
    expect(streamed.inexactItems).toBe(0);
    if (times === 'shuffled' || times === 'mixed') expect(streamed.lateUsers).toBeGreaterThan(30);
    else expect(streamed.lateUsers).toBe(0); // without times every row is in file order
  });

  it('counts in a fixed budget: exact rows within the cap, the overflowing ones close (the stated tolerance)', async () => {
    const path = writeLog(dir, 'wide.csv', 'shuffled', 20_000);
    const o: LoadOptions = { data: path, format: 'csv' };
    const exact = await bothLists(o);
    expect(exact.streamed.inexactItems).toBe(0);
    expect(exact.streamed.together).toEqual(exact.inMemory.together);
    // 45 items with 44 possible neighbours each: a 16-neighbour cap (the floor) makes every row overflow
    const { streamed, inMemory } = await bothLists(o, { memoryBytes: 1 });
    expect(streamed.neighbourCap).toBe(16);
    expect(streamed.inexactItems).toBeGreaterThan(30);
    let hits = 0;
    let total = 0;
    inMemory.together.forEach((want, i) => {
      const got = new Set(streamed.together[i]);
      hits += want.filter((j) => got.has(j)).length;
      total += want.length;
    });
    expect(total).toBeGreaterThan(300);
    expect(hits / total).toBeGreaterThanOrEqual(0.5); // a flat, adversarial case: 16 of 44 neighbours kept, 0.54 measured
    expect(streamed.trending).toEqual(inMemory.trending); // trending is exact at any budget
  }, 300_000); // four reads and two in-memory loads of 20,000 events: slow on a loaded machine
});

describe('tastebud pretrain --stream', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tastebud-stream-cli-'));
  const log = writeLog(dir, 'log.csv.gz', 'shuffled');
  const recipe = ['--dim', '8', '--epochs', '3', '--seed', '3', '--threads', '1', '--recency-boost', '19', '--event-weights', 'default'];

  it('writes the artefact the in-memory path writes (factors to float tolerance, lists and popularity exactly)', async () => {
    const io = captureIo();
    expect(await runCli(['pretrain', '--data', log, '--stream', '--out', join(dir, 's'), ...recipe], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/streamed: read .* events\/s.*peak memory \d+ MB/);
    expect(io.stderrLines.join('')).toMatch(/no --auto: the log is read as a stream/);
    expect(await runCli(['pretrain', '--data', log, '--no-stream', '--out', join(dir, 'm'), ...recipe], captureIo())).toBe(0);
    const s = await readArtefactDir(join(dir, 's'));
    const m = await readArtefactDir(join(dir, 'm'));
    expect(s.itemIds).toEqual(m.itemIds);
    expect([...s.popularity]).toEqual([...m.popularity]);
    expect(s.placements).toEqual(m.placements);
    expect(s.placements!.trending.length).toBeGreaterThan(10);
    expect(s.itemEmb.length).toBe(m.itemEmb.length);
    s.itemEmb.forEach((v, k) => expect(v).toBeCloseTo(m.itemEmb[k], 3));
    s.priorUser.forEach((v, k) => expect(v).toBeCloseTo(m.priorUser[k], 3));
    expect(s.hyperParameters).toEqual(m.hyperParameters);
    expect(s.trainingReport?.stream).toMatchObject({ reads: 3, distinctPairs: expect.any(Number) });
  }, 300_000);

  it('refuses what needs every event in memory, by name', async () => {
    for (const extra of [['--auto'], ['--validate'], ['--model', 'sasrec'], ['--model', 'auto'], ['--solver', 'sgd'], ['--dedupe'], ['--repeats', 'sum'], ['--min-user', '2'], ['--holdout', 'random']]) {
      const io = captureIo();
      expect(await runCli(['pretrain', '--data', log, '--stream', '--out', join(dir, 'x'), ...extra], io), extra.join(' ')).toBe(1);
      expect(io.stderrLines.join(''), extra.join(' ')).toMatch(new RegExp(`InvalidInputError: --stream .*${extra[0]}`));
    }
  });

  it('bad input in a streamed log stops the read with the line', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'user_id,item_id,timestamp\nu1,i1,1700000000\nu2,i2,yesterday-ish\n');
    const io = captureIo();
    expect(await runCli(['pretrain', '--data', bad, '--stream', '--out', join(dir, 'bad')], io)).toBe(1);
    expect(io.stderrLines.join('')).toMatch(/InvalidInputError: .*bad\.csv:3/);
    const missing = captureIo();
    expect(await runCli(['pretrain', '--data', join(dir, 'nope.csv'), '--stream', '--out', join(dir, 'bad')], missing)).toBe(1);
    expect(missing.stderrLines.join('')).toMatch(/InvalidInputError: .*nope\.csv/);
    const attrs = captureIo();
    expect(await runCli(['pretrain', '--data', log, '--stream', '--attributes', join(dir, 'none.json'), '--out', join(dir, 'bad')], attrs)).toBe(1);
    expect(attrs.stderrLines.join('')).toMatch(/InvalidInputError: --attributes .*none\.json: no such file/);
    expect(attrs.stderrLines.join('')).not.toMatch(/read \d+ interactions/); // refused before the read
  });

  it('streams large logs by default, says so, and holds events when a flag needs them', async () => {
    const decide = (argv: string[], bytes: number) => {
      const parsed = parseArgs(['--data', 'big.csv', '--out', 'm', ...argv], PRETRAIN_SPECS);
      return streamDecision(parsed.values, getters(parsed), bytes);
    };
    expect((await decide([], STREAM_MIN_BYTES - 1)).stream).toBe(false);
    const big = await decide([], STREAM_MIN_BYTES);
    expect(big.stream).toBe(true);
    expect(big.why).toMatch(/reading it as a stream.*--no-stream/);
    expect((await decide(['--no-stream'], STREAM_MIN_BYTES * 4)).stream).toBe(false);
    const held = await decide(['--validate'], STREAM_MIN_BYTES);
    expect(held).toMatchObject({ stream: false, why: expect.stringMatching(/--validate .*needs every event/) });
    const parsed = parseArgs(['--data', 'big.csv.gz', '--out', 'm'], PRETRAIN_SPECS);
    expect((await streamDecision(parsed.values, getters(parsed), STREAM_MIN_GZ_BYTES)).stream).toBe(true);
    await expect(decide(['--stream', '--auto'], 10)).rejects.toThrow(InvalidInputError);
  });
});
