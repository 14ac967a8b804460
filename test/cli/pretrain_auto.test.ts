import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/main.ts';
import { syntheticLog } from '../train/synthetic.ts';
import { checkShippedSettings } from '../../src/engine/shipped_learner.ts';

describe('pretrain --auto', () => {
  it('reports its trials, ships the chosen recipe and keeps the trials in the artefact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tastebud-auto-'));
    const log = syntheticLog({ numUsers: 60, numItems: 40, perUser: 8 });
    const lines = ['user id item'];
    log.byUser.forEach((seq, u) => seq.forEach((i) => lines.push(`u${u} i${i}`)));
    writeFileSync(join(dir, 'log.ssv'), lines.slice(1).join('\n'));
    const errs: string[] = [];
    const io: Io = { out: () => undefined, err: (l) => errs.push(l), stderr: { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream };
    const code = await runCli(['pretrain', '--data', join(dir, 'log.ssv'), '--format', 'ssv', '--auto', '--auto-budget', '5', '--learner-budget', '5', '--epochs', '3', '--dim', '8', '--out', join(dir, 'm')], io);
    expect(code, errs.join('\n')).toBe(0);
    expect(errs.join('\n')).toMatch(/trial 1: \{"dim":8,/);
    expect(errs.join('\n')).toMatch(/no times/);
    const m = JSON.parse(readFileSync(join(dir, 'm', 'model.json'), 'utf8')).tastebud;
    const auto = m.trainingReport.autoTune;
    expect(auto.metric).toBe('validation full-ranking NDCG@10');
    expect(auto.trials.length).toBeGreaterThanOrEqual(1);
    expect(m.hyperParameters.dim).toBe(auto.trials[0].params.dim);
    expect(m.hyperParameters.solver).toBe('als');
    // the on-device learner: replayed on held-out users, the fold-in first, the winner shipped and accepted by the engine
    expect(errs.join('\n')).toMatch(/learner trial 1 \(closed-form fold-in\): HR@10 1-5 [0-9.]+ 6-20 [0-9.]+ 21-100 [0-9.]+ all [0-9.]+/);
    const tuned = m.trainingReport.learnerTune;
    expect(tuned.trials[0].label).toBe('closed-form fold-in');
    expect(tuned.trials.length).toBeGreaterThanOrEqual(2);
    expect(tuned.validationUsers).toBeGreaterThan(0);
    expect(tuned.validationUsers).toBeLessThanOrEqual(12); // a fifth of the 60 users at most
    expect(tuned.trials.map((t: { settings: unknown }) => t.settings)).toContainEqual(m.learner);
    expect(() => checkShippedSettings(m.learner)).not.toThrow();
  });

  it('ships no learner settings with --learner-budget 0, and --no-auto trains the recipe as given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tastebud-auto-'));
    const log = syntheticLog({ numUsers: 30, numItems: 20, perUser: 5 });
    const lines: string[] = [];
    log.byUser.forEach((seq, u) => seq.forEach((i) => lines.push(`u${u} i${i}`)));
    writeFileSync(join(dir, 'log.ssv'), lines.join('\n'));
    const errs: string[] = [];
    const io: Io = { out: () => undefined, err: (l) => errs.push(l), stderr: { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream };
    const base = ['pretrain', '--data', join(dir, 'log.ssv'), '--format', 'ssv', '--epochs', '2', '--dim', '4'];
    expect(await runCli([...base, '--auto', '--auto-budget', '1', '--learner-budget', '0', '--out', join(dir, 'a')], io), errs.join('\n')).toBe(0);
    const a = JSON.parse(readFileSync(join(dir, 'a', 'model.json'), 'utf8')).tastebud;
    expect(a.trainingReport.autoTune).toBeDefined();
    expect(a.learner).toBeUndefined();
    expect(await runCli([...base, '--no-auto', '--out', join(dir, 'b')], io), errs.join('\n')).toBe(0);
    const b = JSON.parse(readFileSync(join(dir, 'b', 'model.json'), 'utf8')).tastebud;
    expect(b.trainingReport?.autoTune).toBeUndefined();
    expect(b.learner).toBeUndefined();
  });
});
