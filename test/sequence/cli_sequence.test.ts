import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { captureIo } from '../helpers/capture_io.ts';
import { readArtefactDir } from '../../src/cli/artefact_dir.ts';
import { encodeSequence } from '../../src/model/sequence/encode.ts';
import { AUTO_SEQUENCE_DROPOUT, sequenceRecipePlan } from '../../src/cli/sequence_recipe.ts';

/**
 * A log with order in it: each user walks a cycle of the catalogue (item k is followed by item k+1 mod 30) from
 * a random start, so the next item is known from the last one, while every item is equally popular.
 */
function writeSequentialLog(dir: string): string {
  const lines = ['user,item,timestamp'];
  for (let u = 0; u < 120; u++) {
    const start = (u * 7) % 30;
    for (let t = 0; t < 10; t++) lines.push(`u${u},sku${(start + t) % 30},${1000 + t}`);
  }
  const path = join(dir, 'log.csv');
  writeFileSync(path, lines.join('\n'));
  return path;
}

describe('tastebud CLI with a sequence model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tastebud-seq-cli-'));
  const log = writeSequentialLog(dir);
  const small = ['--dim', '16', '--max-len', '6', '--blocks', '1', '--heads', '2', '--ffn-dim', '32', '--epochs', '30', '--lr', '0.01', '--seed', '2'];

  it('pretrain --model sasrec → inspect → export uint8 → evaluate finds the order', { timeout: 120_000 }, async () => {
    const io = captureIo();
    expect(await runCli(['pretrain', '--model', 'sasrec', '--data', log, '--out', join(dir, 'seq'), ...small], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/wrote .*seq\/.*sasrec/);
    const model = await readArtefactDir(join(dir, 'seq'));
    expect(model.sequence?.config).toMatchObject({ dim: 16, maxLen: 6, blocks: 1, heads: 2, ffnDim: 32, numItems: 30 });
    expect(model.sequence!.itemEmb).toBe(model.itemEmb);
    expect(Array.from(model.w)).toEqual(new Array(16).fill(1));
    expect(model.popularity.reduce((a, b) => a + b, 0)).toBe(1200);
    expect(model.priorUser.every(Number.isFinite)).toBe(true);
    // the model learned the cycle: after sku3, sku4 is the top item
    const h = encodeSequence(model.sequence!, [model.itemIds.indexOf('sku2'), model.itemIds.indexOf('sku3')]);
    const scores = model.itemIds.map((_, i) => h.reduce((a, x, j) => a + x * model.itemEmb[i * 16 + j], model.itemBias[i]));
    expect(model.itemIds[scores.indexOf(Math.max(...scores))]).toBe('sku4');

    const insp = captureIo();
    expect(await runCli(['inspect', '--model', join(dir, 'seq'), '--json'], insp)).toBe(0);
    const summary = JSON.parse(insp.stdout.join('\n'));
    expect(summary.sequence).toMatchObject({ blocks: 1, maxLen: 6 });
    expect(summary.weights.map((w: { name: string }) => w.name)).toContain('seq/block0/w1');

    expect(await runCli(['export', '--model', join(dir, 'seq'), '--out', join(dir, 'seq8'), '--dtype', 'uint8'], captureIo())).toBe(0);
    const ev = captureIo();
    expect(await runCli(['evaluate', '--data', log, '--model', join(dir, 'seq8'), '--out-dir', join(dir, 'ev')], ev)).toBe(0);
    const table = ev.stdout.join('\n');
    expect(table).toMatch(/full ranking, ties against/);
    const hr = (name: RegExp): number => Number(table.split('\n').find((l) => name.test(l) && /full ranking/.test(l))!.split('|')[3]);
    // leave-one-out by time: the held-out item is the next one on the cycle; popularity is flat (1 in 21 left)
    expect(hr(/sequence/)).toBeGreaterThan(0.9);
    expect(hr(/popularity/)).toBeLessThan(0.6);
  });

  it('pretrain --model sasrec --auto chooses the on-device settings on held-out users and ships the best', { timeout: 180_000 }, async () => {
    const io = captureIo();
    expect(await runCli(['pretrain', '--model', 'sasrec', '--auto', '--learner-budget', '60', '--data', log, '--out', join(dir, 'seq-auto'), ...small], io)).toBe(0);
    const model = await readArtefactDir(join(dir, 'seq-auto'));
    const report = model.trainingReport!.learnerTune as { trials: { settings: { hybrid: number; priorClicks: number }; scores: { all: { hr: number } } }[]; validationUsers: number };
    // at most a fifth of the users replayed; the defaults first, then κ and γ walked
    expect(report.validationUsers).toBeGreaterThan(0);
    expect(report.validationUsers).toBeLessThanOrEqual(24);
    expect(report.trials[0].settings).toEqual({ hybrid: 0, priorClicks: 0 });
    expect(new Set(report.trials.map((t) => t.settings.priorClicks)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(report.trials.map((t) => t.settings.hybrid)).size).toBeGreaterThanOrEqual(4);
    const top = Math.max(...report.trials.map((t) => t.scores.all.hr));
    const chosen = report.trials.find((t) => t.scores.all.hr === top)!;
    expect(model.learner).toEqual({ sequence: chosen.settings });
    expect(io.stderrLines.join('\n')).toMatch(/--auto chose γ [\d.]+, κ [\d.]+ \(\d+ trials on \d+ users/);
    // the recipe half: one model per dropout value on the validation split, the best by NDCG@10 trains the artefact
    const recipe = model.trainingReport!.autoTune as { metric: string; trials: { params: { dropout: number }; metrics: Record<string, number> }[] };
    expect(recipe.metric).toBe('NDCG@10');
    expect(recipe.trials.map((t) => t.params.dropout).sort()).toEqual([...AUTO_SEQUENCE_DROPOUT].sort());
    for (const t of recipe.trials) expect(t.metrics['NDCG@10']).toBeGreaterThan(0);
    const bestTrial = recipe.trials.reduce((a, b) => (b.metrics['NDCG@10'] > a.metrics['NDCG@10'] ? b : a));
    expect(model.hyperParameters).toMatchObject({ dropout: bestTrial.params.dropout });
    expect(io.stderrLines.join('\n')).toContain(`--auto chose dropout ${bestTrial.params.dropout}`);
    // --learner-budget 0 ships no settings; --dropout fixes the recipe; --attributes ride along (the learner's
    // attribute affinity, the shop's rules)
    writeFileSync(join(dir, 'attrs.json'), JSON.stringify(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`sku${i}`, [i % 3]]))));
    const off = captureIo();
    expect(await runCli(['pretrain', '--model', 'sasrec', '--auto', '--learner-budget', '0', '--dropout', '0.1', '--attributes', join(dir, 'attrs.json'), '--data', log, '--out', join(dir, 'seq-off'), ...small], off)).toBe(0);
    const plain = await readArtefactDir(join(dir, 'seq-off'));
    expect(plain.learner).toBeUndefined();
    expect(plain.trainingReport!.autoTune).toBeUndefined();
    expect(plain.hyperParameters).toMatchObject({ dropout: 0.1 });
    expect(off.stderrLines.join('\n')).toContain('--dropout 0.1 is given, so the sequence recipe is kept');
    const sku4 = plain.itemIds.indexOf('sku4');
    expect(plain.itemAttributes?.[sku4]).toEqual(plain.itemAttributes?.[plain.itemIds.indexOf('sku7')]); // 4 % 3 = 7 % 3
    expect(plain.itemAttributes?.[sku4]).not.toEqual(plain.itemAttributes?.[plain.itemIds.indexOf('sku5')]);
    expect(Object.keys(plain.itemAttributes?.[sku4] ?? {}).length).toBeGreaterThan(0);
  });

  it('--auto\'s dropout trials run as long as the final run unless --auto-budget caps them', () => {
    expect(sequenceRecipePlan({ timeBudgetMs: 900_000 })).toEqual({ trialSeconds: 900, shorter: false, fullBudget: 1800 });
    expect(sequenceRecipePlan({ timeBudgetMs: 900_000 }, 600)).toEqual({ trialSeconds: 300, shorter: true, fullBudget: 1800 });
    expect(sequenceRecipePlan({ timeBudgetMs: 60_000 }, 600)).toEqual({ trialSeconds: 60, shorter: false, fullBudget: 120 });
    expect(sequenceRecipePlan({ epochs: 30 })).toEqual({ trialSeconds: 300, shorter: false });
    expect(sequenceRecipePlan({ epochs: 30 }, 100)).toEqual({ trialSeconds: 50, shorter: false });
  });

  it('evaluate --family sasrec trains on the training part; pretrain --model auto picks by validation', { timeout: 180_000 }, async () => {
    const ev = captureIo();
    expect(await runCli(['evaluate', '--family', 'sasrec', '--data', log, ...small], ev)).toBe(0);
    expect(ev.stdout.join('\n')).toMatch(/\(sequence\).*full ranking, ties against/);
    const io = captureIo();
    expect(await runCli(['pretrain', '--model', 'auto', '--data', log, '--out', join(dir, 'auto'), ...small], io)).toBe(0);
    const m = /validation NDCG@10: als ([\d.]+), sasrec ([\d.]+) → (als|sasrec)/.exec(io.stderrLines.join(''));
    expect(m).not.toBeNull();
    const [als, sasrec, chosen] = [Number(m![1]), Number(m![2]), m![3]];
    expect(chosen).toBe(sasrec > als ? 'sasrec' : 'als');
    expect(Boolean((await readArtefactDir(join(dir, 'auto'))).sequence)).toBe(chosen === 'sasrec');
  });

  it('tune --family sasrec scores each trial on validation and sorts them', { timeout: 120_000 }, async () => {
    const io = captureIo();
    const base = ['--dim', '16', '--blocks', '1', '--heads', '2', '--ffn-dim', '32', '--epochs', '10', '--lr', '0.01'];
    expect(await runCli(['tune', '--family', 'sasrec', '--data', log, '--space', 'maxLen=2,6', '--trials', '2', ...base], io)).toBe(0);
    const ndcg = [...io.stderrLines.join('').matchAll(/trial (\d): \{"maxLen":(\d)\} → val NDCG@10 ([\d.]+)/g)].map((m) => Number(m[3]));
    expect(ndcg).toHaveLength(2);
    const best = JSON.parse(/best: (\{.*\})/.exec(io.stdout.join('\n'))![1]) as { maxLen: number };
    const trials = [...io.stderrLines.join('').matchAll(/"maxLen":(\d)\} → val NDCG@10 ([\d.]+)/g)].map((m) => ({ maxLen: Number(m[1]), ndcg: Number(m[2]) }));
    expect(best.maxLen).toBe(trials.sort((a, b) => b.ndcg - a.ndcg)[0].maxLen);
    expect(await runCli(['tune', '--family', 'sasrec', '--data', log, '--space', 'l2=1'], captureIo())).toBe(1);
  });

  it('--seq-attributes on trains the items\' attributes into the item table; off, or a log without them, trains the plain model', { timeout: 120_000 }, async () => {
    writeFileSync(join(dir, 'attrs3.json'), JSON.stringify(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`sku${i}`, [i % 3]]))));
    const short = ['--dim', '16', '--max-len', '6', '--blocks', '1', '--heads', '2', '--ffn-dim', '32', '--epochs', '3', '--lr', '0.01', '--seed', '2'];
    const trained = async (name: string, extra: string[]): Promise<Awaited<ReturnType<typeof readArtefactDir>>> => {
      expect(await runCli(['pretrain', '--model', 'sasrec', '--no-auto', '--data', log, '--out', join(dir, name), ...short, ...extra], captureIo())).toBe(0);
      return readArtefactDir(join(dir, name));
    };
    const on = await trained('attr-on', ['--attributes', join(dir, 'attrs3.json'), '--seq-attributes', 'on']);
    expect(on.hyperParameters.attributes).toBe(true);
    expect((on.trainingReport?.settings as { itemFeatures?: unknown }).itemFeatures).toEqual({ tokens: 3, itemsWithTokens: 30 });
    const off = await trained('attr-off', ['--attributes', join(dir, 'attrs3.json'), '--seq-attributes', 'off']);
    expect(off.hyperParameters.attributes).toBe(false);
    expect((off.trainingReport?.settings as { itemFeatures?: unknown }).itemFeatures).toBeUndefined();
    const none = await trained('attr-none', ['--seq-attributes', 'on']);
    expect(none.hyperParameters.attributes).toBe(false);
    const bad = captureIo();
    expect(await runCli(['tune', '--family', 'sasrec', '--data', log, '--space', 'attributes=maybe'], bad)).toBe(1);
    expect(bad.stderrLines.join('')).toMatch(/attributes value "maybe" is not one of on, off/);
  });

  it('rejects sequence options that cannot work, by name', async () => {
    const io = captureIo();
    expect(await runCli(['pretrain', '--model', 'sasrec', '--data', log, '--out', join(dir, 'bad'), '--dim', '10', '--heads', '3'], io)).toBe(1);
    expect(io.stderrLines.join('')).toMatch(/InvalidInputError: --heads 3 must divide --dim 10/);
  });
});

describe('sequenceOptions: the sequence flags reach the trainer', () => {
  it('maps each flag it is given and leaves the others to the trainer defaults', async () => {
    const { parseArgs, getters } = await import('../../src/cli/args.ts');
    const { SEQUENCE_SPECS, sequenceOptions } = await import('../../src/cli/sequence_family.ts');
    const argv = ['--seq-bce', '0.5', '--seq-windows', 'crop', '--seq-crop-newest', '0.25', '--seq-average-tail', '0.3', '--lr-decay', '0.2', '--max-len', '20', '--negative-mix', '0.25', '--seq-weight-decay', '0.05', '--seq-label-smoothing', '0.1', '--seq-future-weight', '0.3', '--seq-future-window', '6'];
    const o = sequenceOptions(getters(parseArgs(argv, SEQUENCE_SPECS)), argv);
    expect(o).toEqual({ bceWeight: 0.5, windows: 'crop', cropNewest: 0.25, averageTail: 0.3, lrDecay: 0.2, maxLen: 20, negativeMix: 0.25, weightDecay: 0.05, labelSmoothing: 0.1, futureWeight: 0.3, futureWindow: 6 });
    expect(sequenceOptions(getters(parseArgs([], SEQUENCE_SPECS)), [])).toEqual({});
  });
});

describe('parseSequenceSpace', () => {
  it('takes bceWeight as a numeric key, so a shop\'s own validation can choose the loss mix', async () => {
    const { parseSequenceSpace } = await import('../../src/cli/sequence_tune.ts');
    expect(parseSequenceSpace('bceWeight=0,1;loss=full')).toEqual({ bceWeight: [0, 1], loss: ['full'] });
    expect(() => parseSequenceSpace('bceWeight=-1')).toThrow(/bceWeight value "-1"/);
    expect(parseSequenceSpace('weightDecay=0,0.05;labelSmoothing=0,0.1;futureWeight=0,0.3')).toEqual({ weightDecay: [0, 0.05], labelSmoothing: [0, 0.1], futureWeight: [0, 0.3] });
  });
  it('takes windows as a named key, and names a value that is not a window kind', async () => {
    const { parseSequenceSpace } = await import('../../src/cli/sequence_tune.ts');
    expect(parseSequenceSpace('windows=crop,prefix;dropout=0.2')).toEqual({ windows: ['crop', 'prefix'], dropout: [0.2] });
    expect(() => parseSequenceSpace('windows=crop,suffix')).toThrow(/windows value "suffix" is not one of newest, all, crop, prefix/);
  });
});
