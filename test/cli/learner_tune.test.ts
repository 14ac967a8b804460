import { describe, expect, it } from 'vitest';
import { FOLD_IN_SETTINGS, tuneLearner } from '../../src/cli/learner_tune.ts';
import { BUCKETS, type Scores } from '../../src/cli/prequential.ts';
import type { LearnerConfig } from '../../src/engine/learner_config.ts';
import { checkShippedSettings } from '../../src/engine/shipped_learner.ts';
import { autoDecision, AUTO_MIN_EVENTS, AUTO_MIN_USERS } from '../../src/cli/auto_default.ts';

/** Scores with HR@10 `hr[bucket]` (NDCG half of it). */
function scores(hr: [number, number, number, number]): Scores {
  return Object.fromEntries(BUCKETS.map((b, k) => [b.name, { steps: 100, hr: hr[k], ndcg: hr[k] / 2 }])) as Scores;
}

const isFoldIn = (s: Partial<LearnerConfig>): boolean => s.foldInScale === 1000 && s.steps === 0 && s.denoise === false;

describe('tuneLearner (replay search over learner settings)', () => {
  it('runs the closed-form fold-in first and picks the better of injected candidates', async () => {
    const seen: Partial<LearnerConfig>[] = [];
    const space: [keyof LearnerConfig, number[]][] = [['ridge', [2, 8, 32]]];
    const r = await tuneLearner(
      async (s) => {
        seen.push(s);
        if (isFoldIn(s)) return scores([0.1, 0.1, 0.1, 0.1]);
        return s.ridge === 32 ? scores([0.12, 0.2, 0.2, 0.18]) : scores([0.11, 0.15, 0.15, 0.14]);
      },
      { budgetSeconds: 1e6, space },
    );
    expect(r.trials[0].label).toBe('closed-form fold-in');
    expect(r.trials[0].settings).toMatchObject(FOLD_IN_SETTINGS);
    expect(r.best.ridge).toBe(32);
    expect(r.trials.find((t) => t.settings.ridge === 32)?.hr.all).toBe(0.18);
    expect(r.bestLabel).toBe('ridge=32');
    // effective duplicates run once: defaults have ridge 8, so `ridge=8` from the defaults is not re-run
    expect(new Set(seen.map((s) => JSON.stringify(s))).size).toBe(seen.length);
  });

  it('keeps the fold-in when every other candidate is worse in some bucket, even if better overall', async () => {
    const r = await tuneLearner(async (s) => (isFoldIn(s) && s.ridge === 8 ? scores([0.1, 0.1, 0.1, 0.1]) : scores([0.09, 0.3, 0.3, 0.3])), {
      budgetSeconds: 1e6,
      space: [['ridge', [2, 32]]],
    });
    expect(r.best).toEqual(r.trials[0].settings);
    expect(r.trials.length).toBeGreaterThan(2);
    expect(r.trials.slice(1).every((t) => !t.eligible)).toBe(true);
  });

  it('searches on from a candidate that loses a bucket by a hair, and ships only what clears the bar', async () => {
    const r = await tuneLearner(
      async (s) => {
        if (isFoldIn(s) && s.alpha === 10) return scores([0.4, 0.2, 0.1, 0.15]);
        if (s.steps === 1 && s.alpha === 10) return scores([0.41, 0.29, 0.19, 0.24]); // the defaults, mended
        if (s.steps === 1) return scores([0.398, 0.3, 0.2, 0.25]); // the defaults: far better, but 1-5 below the fold-in
        return scores([0.3, 0.1, 0.1, 0.1]);
      },
      { budgetSeconds: 1e6, space: [['alpha', [10, 40]]] },
    );
    expect(r.trials[1]).toMatchObject({ label: 'defaults', eligible: false });
    expect(r.best).toMatchObject({ steps: 1, alpha: 10 });
    expect(r.trials.find((t) => t.label === 'alpha=10')?.eligible).toBe(true);
  });

  it('never tries or ships settings outside the bounds, and every trial passes the artefact check', async () => {
    const tried: Partial<LearnerConfig>[] = [];
    const space = [
      ['ridge', [-1, 0, 1e9, 4]],
      ['steps', [1.5, 999, 2]],
      ['halfLifeEvents', [Infinity, 5]],
    ] as [keyof LearnerConfig, number[]][];
    const r = await tuneLearner(
      async (s) => {
        tried.push(s);
        return isFoldIn(s) ? scores([0, 0, 0, 0]) : scores([1, 1, 1, 1]); // the out-of-bounds ones would win
      },
      { budgetSeconds: 1e6, space },
    );
    for (const s of [...tried, r.best]) expect(() => checkShippedSettings(s)).not.toThrow();
    expect(tried.some((s) => s.ridge === -1 || s.ridge === 0 || s.ridge === 1e9 || s.steps === 999 || s.steps === 1.5 || s.halfLifeEvents === Infinity)).toBe(false);
    expect(JSON.parse(JSON.stringify(r.best))).toEqual(r.best);
  });

  it('stops at the time budget, but the fold-in and the defaults always run', async () => {
    let clock = 0;
    const r = await tuneLearner(
      async () => {
        clock += 10_000; // every trial takes 10 s
        return scores([0.1, 0.1, 0.1, 0.1]);
      },
      { budgetSeconds: 5, now: () => clock },
    );
    expect(r.trials.map((t) => t.label)).toEqual(['closed-form fold-in', 'defaults']);
    const longer = await tuneLearner(
      async () => {
        clock += 10_000;
        return scores([0.1, 0.1, 0.1, 0.1]);
      },
      { budgetSeconds: 45, now: () => clock },
    );
    expect(longer.trials.length).toBe(4); // 40 s spent, a fifth would end at 50 s
  });

  it('tries the attribute affinity only on a model with attributes', async () => {
    const labels = async (attributes: boolean) =>
      (await tuneLearner(async () => scores([0.1, 0.1, 0.1, 0.1]), { budgetSeconds: 1e6, attributes })).trials.map((t) => t.label);
    expect((await labels(true)).some((l) => l.startsWith('attributeWeight'))).toBe(true);
    expect((await labels(false)).some((l) => l.startsWith('attributeWeight'))).toBe(false);
  });
});

describe('--auto by default', () => {
  it('is on for a large log without recipe flags, off for a small one, and the flags always win', () => {
    expect(autoDecision(['--data', 'x'], undefined, AUTO_MIN_EVENTS, AUTO_MIN_USERS).auto).toBe(true);
    expect(autoDecision(['--data', 'x'], undefined, AUTO_MIN_EVENTS - 1, 10_000).auto).toBe(false);
    expect(autoDecision(['--data', 'x'], undefined, 10 * AUTO_MIN_EVENTS, AUTO_MIN_USERS - 1).auto).toBe(false);
    expect(autoDecision(['--data', 'x', '--dim', '32'], undefined, 1e7, 1e5)).toMatchObject({ auto: false, why: expect.stringContaining('--dim') });
    expect(autoDecision(['--data', 'x', '--l2=0.01'], undefined, 1e7, 1e5).auto).toBe(false);
    expect(autoDecision(['--no-auto'], false, 1e7, 1e5).auto).toBe(false);
    expect(autoDecision(['--auto'], true, 10, 2).auto).toBe(true);
  });
});
