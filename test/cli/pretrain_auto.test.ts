import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/main.ts';
import { syntheticLog } from '../train/synthetic.ts';

describe('pretrain --auto', () => {
  it('reports its trials, ships the chosen recipe and keeps the trials in the artefact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tastebud-auto-'));
    const log = syntheticLog({ numUsers: 60, numItems: 40, perUser: 8 });
    const lines = ['user id item'];
    log.byUser.forEach((seq, u) => seq.forEach((i) => lines.push(`u${u} i${i}`)));
    writeFileSync(join(dir, 'log.ssv'), lines.slice(1).join('\n'));
    const errs: string[] = [];
    const io: Io = { out: () => undefined, err: (l) => errs.push(l), stderr: { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream };
    const code = await runCli(['pretrain', '--data', join(dir, 'log.ssv'), '--format', 'ssv', '--auto', '--auto-budget', '5', '--epochs', '3', '--dim', '8', '--out', join(dir, 'm')], io);
    expect(code, errs.join('\n')).toBe(0);
    expect(errs.join('\n')).toMatch(/trial 1: \{"dim":8,/);
    expect(errs.join('\n')).toMatch(/no times/);
    const m = JSON.parse(readFileSync(join(dir, 'm', 'model.json'), 'utf8')).tastebud;
    const auto = m.trainingReport.autoTune;
    expect(auto.metric).toBe('validation full-ranking NDCG@10');
    expect(auto.trials.length).toBeGreaterThanOrEqual(1);
    expect(m.hyperParameters.dim).toBe(auto.trials[0].params.dim);
    expect(m.hyperParameters.solver).toBe('als');
  });
});
