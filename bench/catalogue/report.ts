/** bench:catalogue results as JSON and Markdown (bench/results/catalogue.{json,md}). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanRow } from './core.ts';

export interface SizeBytes {
  items: number;
  dtype: string;
  jsonBytes: number;
  weightBytes: number;
  gzipBytes: number;
}

export interface BackendRun {
  backend: string;
  loads: ({ items: number; dtype: string; workerMemoryBytes: number | null } & Record<string, unknown>)[];
  scans: { items: number; rows: ScanRow[]; uploadMs?: number; workerMemoryBytes: number | null; tfBytes?: number }[];
  error?: string;
}

const mb = (b: unknown): string => (typeof b === 'number' ? (b / 2 ** 20).toFixed(1) : '—');
const ms = (x: unknown): string => (typeof x === 'number' ? (x < 10 ? x.toFixed(2) : x.toFixed(0)) : '—');

/** Writes both files and returns the Markdown. */
export function writeReport(dir: string, r: { sizes: number[]; dim: number; bytes: SizeBytes[]; runs: BackendRun[] }): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'catalogue.json'), JSON.stringify({ generatedAt: new Date().toISOString(), ...r }, null, 2));
  const md = [`# Catalogue sizes in the browser (dim ${r.dim}, headless Chromium Worker)`, '', '## Artefact bytes', '',
    '| items | dtype | model.json MiB | weights MiB | total MiB | gzip MiB |', '|---|---|---|---|---|---|',
    ...r.bytes.map((b) => `| ${b.items.toLocaleString('en')} | ${b.dtype} | ${mb(b.jsonBytes)} | ${mb(b.weightBytes)} | ${mb(b.jsonBytes + b.weightBytes)} | ${mb(b.gzipBytes)} |`),
    '', '## Worker memory after loading (measureUserAgentSpecificMemory; — where unavailable) and load time', '',
    '| backend | items | dtype | load ms | worker MiB | float32 table MiB | uint8 codes kept MiB |', '|---|---|---|---|---|---|---|',
    ...r.runs.flatMap((run) => run.loads.map((l) => `| ${run.backend} | ${l.items.toLocaleString('en')} | ${l.dtype} | ${ms(l.loadMs)} | ${mb(l.workerMemoryBytes)} | ${mb(l.floatTableBytes)} | ${mb(l.uint8CodesBytes)} |`)),
    '', '## Scan + top-10 (median ms; agree = items of the plain float32 top-10 also returned)', '',
    '| backend | items | implementation | first ms | median ms | vs plain float32 | agree | worker MiB with the backend table |', '|---|---|---|---|---|---|---|---|',
    ...r.runs.flatMap((run) => run.scans.flatMap((s) => {
      const base = s.rows.find((x) => x.impl === 'plain-f32')?.medianMs;
      return s.rows.map((x) => `| ${run.backend} | ${s.items.toLocaleString('en')} | ${x.impl} | ${ms(x.firstMs)} | ${x.error ? `error: ${x.error.slice(0, 80)}` : ms(x.medianMs)} | ${base && x.medianMs ? `${(x.medianMs / base).toFixed(2)}x` : '—'} | ${x.agree ?? '—'} | ${mb(s.workerMemoryBytes)} |`);
    })),
    ...r.runs.filter((run) => run.error).map((run) => `\n${run.backend}: ${run.error}`),
  ];
  writeFileSync(join(dir, 'catalogue.md'), md.join('\n') + '\n');
  return md.join('\n');
}
