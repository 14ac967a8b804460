import { describe, expect, it } from 'vitest';
import { createLogBuilder } from '../../src/data/interactions.ts';
import { leaveOneOut } from '../../src/data/split.ts';
import { runExperiment, sampleUsers } from '../../src/eval/experiment.ts';
import { tune, TUNE_METRIC } from '../../src/eval/tune.ts';
import { AUTO_SPACE, AUTO_VALIDATION_USERS, autoTune } from '../../src/eval/auto.ts';
import { InvalidInputError } from '../../src/errors.ts';
import { syntheticLog } from '../train/synthetic.ts';

function logSet(): ReturnType<typeof leaveOneOut> {
  const log = syntheticLog({ numUsers: 60, numItems: 40, perUser: 8 });
  const b = createLogBuilder();
  log.byUser.forEach((seq, u) => seq.forEach((i, t) => b.add({ user: `u${u}`, item: `i${i}`, timestamp: t })));
  return leaveOneOut(b.build());
}

describe('honest evaluation', () => {
  const { train, test } = logSet();
  const base = { solver: 'als' as const, dim: 8, epochs: 6, seed: 1, patience: 2 };

  it('refits on the whole training part for the best epoch count before scoring test', async () => {
    const r = await runExperiment({ train, test }, { train: base, validation: true });
    expect(r.report.numInteractions).toBe(train.users.length);
    expect(r.report.epochs.length).toBe(Math.max(1, r.curve.reduce((b, c, k) => ((c.validation ?? -1) > (r.curve[b].validation ?? -1) ? k : b), 0) + 1));
    const early = await runExperiment({ train, test }, { train: base, validation: true, refit: false });
    expect(early.report.numInteractions).toBe(train.users.length - new Set(train.users).size);
  });

  it('early-stops on a named validation metric and rejects unknown ones', async () => {
    const r = await runExperiment({ train, test }, { train: base, validation: true, validationProtocol: 'full', validationMetric: 'NDCG@10', skipTest: true });
    const hr = await runExperiment({ train, test }, { train: base, validation: true, validationProtocol: 'full', validationMetric: 'HR@10', skipTest: true });
    expect(r.report.bestValidation!).toBeGreaterThan(0);
    expect(r.report.bestValidation!).toBeLessThan(hr.report.bestValidation!); // NDCG@10 < HR@10 unless every hit is at rank 1
    await expect(runExperiment({ train, test }, { train: base, validation: true, validationMetric: 'AUC' })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('tune ranks trials by full-ranking NDCG@10 on validation', async () => {
    expect(TUNE_METRIC).toBe('NDCG@10');
    const trials = await tune({ train }, { dim: [2, 8] }, { base });
    const ref = await runExperiment({ train, test: train }, { train: { ...base, ...trials[0].params }, validation: true, validationProtocol: 'full', validationMetric: 'NDCG@10', skipTest: true });
    expect(trials[0].validation).toBeCloseTo(ref.report.bestValidation!, 10);
    expect(trials[0].validation).toBeGreaterThanOrEqual(trials[1].validation);
  });

  it('--auto runs the given recipe first, stops at the time budget, and picks the best on validation', async () => {
    const all = { ...train };
    const base = { ...baseAls(), dim: 8, l2: 0.005 };
    const one = await autoTune(all, base, { budgetSeconds: 0 });
    expect(one.trials).toHaveLength(1);
    expect(one.trials[0].params).toMatchObject({ dim: 8, l2: 0.005 });
    const few = await autoTune(all, { ...base, epochs: 3 }, { budgetSeconds: 60, trials: 3 });
    expect(few.trials.length).toBeGreaterThan(1);
    expect(few.best.dim === 8 || AUTO_SPACE.dim!.includes(few.best.dim!)).toBe(true);
    expect(few.trials[0].validation).toBe(Math.max(...few.trials.map((t) => t.validation)));
    expect(few.epochs).toBe(Math.max(1, few.trials[0].bestEpoch));
  });
});

describe('validation on a sample of users', () => {
  const { train } = logSet();
  const { test: val } = leaveOneOut(train);
  const base = { solver: 'als' as const, dim: 8, epochs: 4, seed: 1, patience: 2 };

  it('keeps every event of at most that many users, the same ones for a seed', () => {
    const s = sampleUsers(val, 10, 7);
    const kept = new Set(s.users);
    expect(kept.size).toBe(10);
    for (const u of kept) expect(s.users.filter((x) => x === u).length).toBe(val.users.filter((x) => x === u).length);
    for (let n = 0; n < s.users.length; n++) {
      const at = val.users.findIndex((u, k) => u === s.users[n] && val.items[k] === s.items[n]);
      expect(at, 'each kept row is a row of the set').toBeGreaterThanOrEqual(0);
      expect(s.timestamps[n]).toBe(val.timestamps[at]);
    }
    expect([...sampleUsers(val, 10, 7).users]).toEqual([...s.users]);
    expect(new Set(sampleUsers(val, 10, 8).users)).not.toEqual(kept);
    expect(sampleUsers(val, 1000, 7)).toBe(val); // no more users than that: the set itself
    expect(() => sampleUsers(val, 0, 7)).toThrow(InvalidInputError);
    expect(() => sampleUsers(val, 2.5, 7)).toThrow(InvalidInputError);
  });

  it('validates on the sample: one user gives one user\'s NDCG@10, and tune passes it through', async () => {
    const one = await runExperiment({ train, test: train }, { train: base, validation: true, validationProtocol: 'full', validationMetric: 'NDCG@10', skipTest: true, validationUsers: 1 });
    const single = [0, ...Array.from({ length: 10 }, (_, r) => 1 / Math.log2(r + 2))];
    for (const e of one.report.epochs) expect(single.some((v) => Math.abs(v - (e.validation ?? -1)) < 1e-9), `epoch ${e.epoch}: ${e.validation}`).toBe(true);
    const all = await runExperiment({ train, test: train }, { train: base, validation: true, validationProtocol: 'full', validationMetric: 'NDCG@10', skipTest: true });
    const trials = await tune({ train }, { dim: [8] }, { base, validationUsers: 1 });
    expect(trials[0].validation).toBeCloseTo(one.report.bestValidation!, 10);
    expect(all.report.epochs.some((e) => !single.some((v) => Math.abs(v - (e.validation ?? -1)) < 1e-9)), 'all 60 users average to other values').toBe(true);
    expect(AUTO_VALIDATION_USERS).toBeGreaterThanOrEqual(6040); // ML-1M-sized logs validate on everyone
  });
});

function baseAls(): { solver: 'als'; epochs: number; seed: number; patience: number } {
  return { solver: 'als', epochs: 4, seed: 1, patience: 2 };
}
