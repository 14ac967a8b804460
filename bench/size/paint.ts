/**
 * Navigation → first painted shelf, two builds side by side in one run (`npm run bench:paint`): the demo shop of
 * each build is loaded in turns (the order alternates each round, so drift in the
 * machine's load falls on both; one port, served from each build's folder in turn), cold (empty storage: the shipped trending list paints) and warm (reload: the
 * shelf kept on the device paints), per backend; also navigation → the runtime's first answer (personalised).
 * Files are served with the demo's Cache-Control (demo/cache_policy.ts: the loader and snippet cached for five
 * minutes, pages revalidated), as `npm start` serves them; a build given as `label=folder:nocache` is served with no
 * caching headers at all (every file fetched again on each visit), to compare the two.
 * Environment: TASTEBUD_PAINT_BUILDS="before=dist-before,after=dist" (label=folder[:nocache], the first is the baseline),
 * TASTEBUD_BENCH_RUNS (rounds, default 5), TASTEBUD_BENCH_BACKENDS (default auto,webgl,wasm,cpu),
 * TASTEBUD_BENCH_PORT (default 4413). Writes bench/results/paint.json and paint.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { chromium, type Browser } from '@playwright/test';
import { serveStatic } from '../lib/static_server.ts';
import { cacheControlFor } from '../../demo/cache_policy.ts';

const BUILDS = (process.env.TASTEBUD_PAINT_BUILDS ?? 'before=dist-before,after=dist').split(',').map((s) => s.split('=') as [string, string]);
const RUNS = Number(process.env.TASTEBUD_BENCH_RUNS ?? 5);
const BACKENDS = (process.env.TASTEBUD_BENCH_BACKENDS ?? 'auto,webgl,wasm,cpu').split(',');
const PORT = Number(process.env.TASTEBUD_BENCH_PORT ?? 4413);

/** Milliseconds since navigation start. */
interface Times {
  /** The first shelf painted (kept one or shipped list), the `tastebud:first-paint` mark. */
  paint: number;
  /** The runtime's first answer on a shelf (`tastebud:render`). */
  personal: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function oneVisit(browser: Browser, url: string): Promise<{ cold: Times; warm: Times }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    document.addEventListener('tastebud:render', () => ((window as unknown as { firstRec?: number }).firstRec ??= performance.now()));
  });
  // A string, not a function: tsx's keepNames would wrap inner helpers in a __name() the page lacks.
  const read = async (): Promise<Times> => {
    await page.waitForFunction(() => (window as unknown as { firstRec?: number }).firstRec !== undefined, null, { timeout: 120_000 });
    return page.evaluate(`({ paint: performance.getEntriesByName('tastebud:first-paint')[0]?.startTime ?? NaN, personal: window.firstRec })`) as Promise<Times>;
  };
  await page.goto(url);
  const cold = await read();
  await page.waitForTimeout(300); // the answer is kept on the device (shelf_cache.ts) as it renders
  await page.reload();
  const warm = await read();
  await context.close();
  return { cold, warm };
}

type Row = Record<string, { cold: Times; warm: Times; runs: { cold: Times; warm: Times }[] }>;

async function measure(): Promise<Record<string, Row>> {
  const browser = await chromium.launch({ executablePath: process.env.TASTEBUD_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic'] });
  const out: Record<string, Row> = Object.fromEntries(BACKENDS.map((b) => [b, {}]));
  try {
    for (const backend of BACKENDS) {
      const runs: Record<string, { cold: Times; warm: Times }[]> = Object.fromEntries(BUILDS.map(([label]) => [label, []]));
      for (let r = 0; r < RUNS; r++) {
        const order = r % 2 ? [...BUILDS].reverse() : BUILDS;
        for (const [label, dir] of order) {
          const [folder, mode] = dir.split(':');
          const server = await serveStatic(folder, PORT, {}, mode === 'nocache' ? undefined : cacheControlFor);
          try {
            runs[label].push(await oneVisit(browser, `http://localhost:${PORT}/${backend === 'auto' ? '' : `?backend=${backend}`}`));
          } finally {
            server.closeAllConnections();
            await new Promise((ok) => server.close(ok));
          }
        }
      }
      for (const [label] of BUILDS) {
        const m = (phase: 'cold' | 'warm'): Times => ({ paint: median(runs[label].map((x) => x[phase].paint)), personal: median(runs[label].map((x) => x[phase].personal)) });
        out[backend][label] = { cold: m('cold'), warm: m('warm'), runs: runs[label] };
        console.log(`${backend} ${label}: first painted shelf cold ${out[backend][label].cold.paint.toFixed(0)} ms, warm ${out[backend][label].warm.paint.toFixed(0)} ms; personalised cold ${out[backend][label].cold.personal.toFixed(0)}, warm ${out[backend][label].warm.personal.toFixed(0)}`);
      }
    }
  } finally {
    await browser.close();
  }
  return out;
}

function markdown(t: Record<string, Row>, load: number[]): string {
  const [base] = BUILDS[0];
  const cell = (x: Times, b: Times): string => `**${x.paint.toFixed(0)}** (${(x.paint / b.paint).toFixed(2)}x) / ${x.personal.toFixed(0)}`;
  const rows = Object.entries(t).flatMap(([backend, row]) => BUILDS.map(([label]) => `| ${backend} | ${label} | ${cell(row[label].cold, row[base].cold)} | ${cell(row[label].warm, row[base].warm)} |`));
  return [
    '# Navigation → first painted shelf, side by side',
    '',
    `Builds: ${BUILDS.map(([l, d]) => `${l} = \`${d}\``).join(', ')}; median of ${RUNS} rounds, the order alternating; headless Chromium; ${cpus().length} cores, load average ${load.map((x) => x.toFixed(1)).join(' / ')} at the start.`,
    'Cells: **first painted shelf** (ratio to the first build) / the personalised shelf, ms since navigation start.',
    '',
    '| requested | build | cold (empty storage) | warm (reload) |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

const load = loadavg();
const t = await measure();
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/paint.json', JSON.stringify({ date: new Date().toISOString(), builds: BUILDS, loadAverage: load, runs: RUNS, results: t }, null, 2));
writeFileSync('bench/results/paint.md', markdown(t, load));
console.log(markdown(t, load));
