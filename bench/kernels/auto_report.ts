/** The Markdown of `npm run bench -- --auto` (bench/results/auto_backend.md). */
import type { AutoBenchResult } from './auto_core.ts';

const CANDIDATES = ['plain', 'cpu', 'wasm', 'webgl', 'webgpu'] as const;

/**
 * @example autoMarkdown([result], { date: '2026-12-06' }); // '# auto backend …| 10,000 | wasm | … | 1.00 |'
 */
export function autoMarkdown(results: (AutoBenchResult | { env: string; error: string })[], meta: Record<string, unknown>): string {
  const lines = [
    '# `backend: auto` against every backend (recommend: scan + top-10)',
    '',
    `${JSON.stringify(meta)}`,
    '',
    'Reference: steady-state median ms of one recommend per candidate; **bold** is auto\'s choice. "auto measured" is the',
    "worker's own short measurement (its median per candidate) and the wall time it took, warm-ups included.",
    'Ratio: auto\'s choice over the fastest reference (target <= 1.2).',
  ];
  for (const r of results) {
    lines.push('', `## ${r.env}`, '');
    if ('error' in r) {
      lines.push(`failed: ${r.error}`);
      continue;
    }
    const cols = CANDIDATES.filter((c) => r.candidates.includes(c));
    lines.push(`| items | ${cols.join(' | ')} | auto's choice | auto measured (ms) | measurement wall ms | ratio |`, `|---:|${cols.map(() => '---:').join('|')}|---|---|---:|---:|`);
    for (const s of r.sizes) {
      const cell = (c: (typeof cols)[number]): string => {
        const v = s.referenceMs[c];
        const text = v === undefined ? `failed (${s.referenceErrors[c] ?? '?'})` : v.toFixed(3);
        return c === s.choice ? `**${text}**` : text;
      };
      const measured = Object.entries(s.autoMs).map(([c, v]) => `${c} ${v!.toFixed(2)}`).join(', ');
      const failed = s.autoFailed.length ? `; failed: ${s.autoFailed.map((f) => f.backend).join(', ')}` : '';
      const skipped = s.autoSkipped?.length ? `; not timed (software GPU): ${s.autoSkipped.map((f) => f.backend).join(', ')}` : '';
      lines.push(`| ${s.numItems.toLocaleString('en')} | ${cols.map(cell).join(' | ')} | ${s.choice} | ${measured}${failed}${skipped} | ${s.measureWallMs} | ${s.ratio.toFixed(2)} |`);
    }
  }
  return lines.join('\n') + '\n';
}
