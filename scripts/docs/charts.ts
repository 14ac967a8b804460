/**
 * `npm run docs:charts`: the charts of docs/benchmarks.md, drawn from the tables on that page (so a chart can never
 * disagree with its table) with the same SVG code the benches use (src/eval/report.ts). Today: the share of
 * full-ranking HR@10 each model keeps under the APR attack, per dataset (docs/img/robustness-<dataset>.svg), as
 * `npm run bench:robust` draws it from a fresh run. test/docs/snippets.test.ts fails when a chart is stale.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { seriesSvg } from '../../src/eval/report.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** The rows of the first Markdown table after `heading`, as cells. */
export function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) throw new Error(`no heading "${heading}" in docs/benchmarks.md`);
  const first = lines.findIndex((l, i) => i > start && l.startsWith('|'));
  const rows: string[][] = [];
  for (let i = first + 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i].split('|').slice(1, -1).map((c) => c.trim()));
  return rows;
}

const percent = (cell: string): number => Number(/^([\d.]+) %/.exec(cell)?.[1]);

/** docs/img/<name>.svg → its content, from the benchmarks page's text. */
export function charts(benchmarks: string): Record<string, string> {
  const rows = tableAfter(benchmarks, '## Robustness to perturbed embeddings (APR)');
  const out: Record<string, string> = {};
  for (const [key, title] of [['ml-1m', 'ML-1M'], ['beauty', 'Beauty']] as const) {
    const series = rows
      .filter((r) => r[0].startsWith(`${title},`))
      .map((r) => ({ label: r[0].slice(title.length + 2), points: [{ x: 0, y: 100 }, { x: 0.5, y: percent(r[3]) }, { x: 1, y: percent(r[4]) }] }));
    if (series.length < 2) throw new Error(`fewer than two ${title} rows in the robustness table`);
    out[`robustness-${key}`] = seriesSvg(series, { x: 'attack size ε', y: '% of clean full-ranking HR@10 kept', title: `${title}: HR@10 kept under the APR attack` });
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  mkdirSync(join(ROOT, 'docs', 'img'), { recursive: true });
  for (const [name, svg] of Object.entries(charts(readFileSync(join(ROOT, 'docs', 'benchmarks.md'), 'utf8')))) {
    writeFileSync(join(ROOT, 'docs', 'img', `${name}.svg`), svg);
    console.log(`wrote docs/img/${name}.svg`);
  }
}
