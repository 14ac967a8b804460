import { describe, expect, it } from 'vitest';
import { createMetricAccumulator, metricsAtK } from '../../src/eval/metrics.ts';
import { evaluateCandidates, evaluateFullRanking } from '../../src/eval/protocols.ts';
import { createParamsScorer, createPopularityScorer } from '../../src/eval/scorers.ts';
import type { Scorer } from '../../src/eval/scorers.ts';
import { buildUserItemIndex } from '../../src/train/user_index.ts';
import { learningCurveSvg, markdownTable, seriesSvg } from '../../src/eval/report.ts';
import { createParams } from '../../src/model/cf_model.ts';

describe('metricsAtK (hand-computed)', () => {
  it('single held-out item at rank 3 (0-based 2)', () => {
    const m = metricsAtK([7, 3, 9, 1], new Set([9]), 3);
    expect(m.hr).toBe(1);
    expect(m.ndcg).toBeCloseTo(0.5, 12); // 1/log2(4)
    expect(m.recall).toBe(1);
    expect(m.mrr).toBeCloseTo(1 / 3, 12);
  });
  it('a miss beyond K counts zero', () => {
    expect(metricsAtK([7, 3, 9, 1], new Set([1]), 3)).toEqual({ hr: 0, ndcg: 0, recall: 0, mrr: 0 });
  });
  it('two relevant items: recall and ideal-DCG normalisation', () => {
    // hits at ranks 1 and 3 of K=3; DCG = 1 + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) = 1.6309
    const m = metricsAtK([5, 8, 6], new Set([5, 6, 99]), 3);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.ndcg).toBeCloseTo(1.5 / (1 + 1 / Math.log2(3) + 0.5), 12);
    expect(m.mrr).toBe(1);
  });
  it('averages over users', () => {
    const acc = createMetricAccumulator([1, 2]);
    acc.add([1, 2], new Set([1]));
    acc.add([1, 2], new Set([2]));
    const r = acc.result();
    expect(r['HR@1']).toBe(0.5);
    expect(r['HR@2']).toBe(1);
    expect(r['NDCG@2']).toBeCloseTo((1 + 1 / Math.log2(3)) / 2, 12);
  });
});

/** Scores item i as `table[u][i]`. */
const tableScorer = (table: number[][]): Scorer => ({
  name: 'table',
  numItems: table[0].length,
  scoreAll: (u, out) => out.set(table[u]),
});

describe('protocols', () => {
  it('full ranking excludes training items but keeps the held-out one', () => {
    // user 0 trained on items 0,1 (top scores); held-out item 3 is third overall, first once 0,1 are excluded
    const seen = buildUserItemIndex(Int32Array.of(0, 0), Int32Array.of(0, 1), 1);
    const r = evaluateFullRanking(tableScorer([[9, 8, 1, 7, 5]]), seen, { users: Int32Array.of(0), items: Int32Array.of(3) }, { ks: [1, 2] });
    expect(r.metrics['HR@1']).toBe(1);
    expect(r.metrics['MRR@2']).toBe(1);
  });
  it('full ranking counts ties against the held-out item', () => {
    // every item scores 1: the held-out item 1 ranks after both others, whatever its index
    const seen = buildUserItemIndex(Int32Array.of(), Int32Array.of(), 1);
    const r = evaluateFullRanking(tableScorer([[1, 1, 1]]), seen, { users: Int32Array.of(0), items: Int32Array.of(0) }, { ks: [1, 2, 3] });
    expect(r.metrics['HR@1']).toBe(0);
    expect(r.metrics['HR@2']).toBe(0);
    expect(r.metrics['HR@3']).toBe(1);
    expect(r.metrics['NDCG@3']).toBeCloseTo(0.5, 12);
  });
  it('a constant scorer scores no better than its rank among ties allows', () => {
    // 20 items, all equal: the held-out item is last, so HR@10 is 0 for every user (index order used to give 0.5)
    const users = 20;
    const table = Array.from({ length: users }, () => new Array(20).fill(0.5));
    const seen = buildUserItemIndex(Int32Array.of(), Int32Array.of(), users);
    const test = { users: Int32Array.from({ length: users }, (_, u) => u), items: Int32Array.from({ length: users }, (_, u) => u) };
    expect(evaluateFullRanking(tableScorer(table), seen, test, { ks: [10] }).metrics['HR@10']).toBe(0);
  });
  it('NCF ties count against the positive, with or without scoreItems', () => {
    const sets = [{ user: 0, items: Int32Array.of(0, 3, 4) }];
    const plain = evaluateCandidates(tableScorer([[5, 9, 9, 5, 1]]), sets, { ks: [1, 2] });
    expect(plain.metrics['HR@1']).toBe(0);
    expect(plain.metrics['HR@2']).toBe(1);
    const pop = evaluateCandidates(createPopularityScorer(Float32Array.of(5, 9, 9, 5, 1)), sets, { ks: [1, 2] });
    expect(pop.metrics).toEqual(plain.metrics);
  });
  it('NCF protocol ranks the positive among its candidates only', () => {
    // the positive (item 2) has score 5; among candidates [2, 0, 4] only item 0 (6) is higher; item 1 (9) is not a candidate
    const sets = [{ user: 0, items: Int32Array.of(2, 0, 4) }];
    const r = evaluateCandidates(tableScorer([[6, 9, 5, 0, 1]]), sets, { ks: [1, 2] });
    expect(r.metrics['HR@1']).toBe(0);
    expect(r.metrics['HR@2']).toBe(1);
    expect(r.metrics['NDCG@2']).toBeCloseTo(1 / Math.log2(3), 12);
  });
  it('popularity and parameter scorers score what they should', () => {
    const out = new Float32Array(3);
    createPopularityScorer(Float32Array.of(3, 1, 2)).scoreAll(5, out);
    expect(Array.from(out)).toEqual([3, 1, 2]);
    const p = createParams({ numUsers: 2, numItems: 3, dim: 2, seed: 1 });
    p.itemBias.set([0.5, 0, -0.5]);
    createParamsScorer(p).scoreAll(1, out);
    const expected = [0, 1, 2].map((i) => p.itemBias[i] + p.w[0] * p.userEmb[2] * p.itemEmb[i * 2] + p.w[1] * p.userEmb[3] * p.itemEmb[i * 2 + 1]);
    expected.forEach((e, i) => expect(out[i]).toBeCloseTo(e, 6));
    const some = new Float32Array(2);
    createParamsScorer(p).scoreItems!(1, Int32Array.of(2, 0), some);
    expect(Array.from(some)).toEqual([out[2], out[0]]);
  });
});

describe('report', () => {
  it('renders a Markdown table with every metric column', () => {
    const md = markdownTable([
      { name: 'tastebud', protocol: 'ncf', metrics: { 'HR@10': 0.7251, 'NDCG@10': 0.44 } },
      { name: 'pop|ularity', protocol: 'ncf', metrics: { 'HR@10': 0.453 }, extra: { seconds: 2 } },
    ]);
    const lines = md.split('\n');
    expect(lines[0]).toBe('| model | protocol | HR@10 | NDCG@10 | seconds |');
    expect(lines[2]).toContain('0.7251');
    expect(lines[3]).toContain('pop\\|ularity');
  });
  it('draws a well-formed SVG learning curve', () => {
    const svg = learningCurveSvg([{ epoch: 1, loss: 0.5, validation: 0.3 }, { epoch: 2, loss: 0.4, validation: 0.35 }], { title: 'a < b' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('a &#60; b');
    expect(svg.match(/<path /g)).toHaveLength(2);
  });
  it('draws one line and one legend entry per series, skipping points that are not finite', () => {
    const svg = seriesSvg(
      [
        { label: 'BPR & co', points: [{ x: 0, y: 1 }, { x: 0.5, y: 0.9 }, { x: 1, y: Number.NaN }] },
        { label: 'APR', points: [{ x: 0, y: 1 }, { x: 1, y: 0.95 }] },
      ],
      { x: 'ε', y: 'kept', title: 't' },
    );
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(4);
    expect(svg).toContain('BPR &#38; co');
    expect(svg).toContain('>0.900<');
  });
});
