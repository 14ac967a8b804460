/**
 * Size and startup bench for the embed and the demo (`npm run bench:size`):
 * - the loader `tastebud.js`, gzip -9 (budget 5 KB) and proof it carries no TF.js;
 * - the worker bundle: its entry, everything it can import, and what each backend actually downloads, gzip -9,
 *   against the 366 KB of the whole tf.min.js;
 * - per backend, the worker JS fetched before the first answer (budget 60 KB: TF.js and the backend load after
 *   it), counted from the requests Chromium finished before the shelf showed the runtime's first answer;
 * - navigation → first painted shelf and → personalised shelf (the runtime's first answer), cold (empty storage)
 *   and warm (reload: model cached, state restored), in headless Chromium (SwiftShader WebGPU here), median of RUNS.
 * Writes bench/results/size.json and size.md. Builds into dist-bench unless TASTEBUD_DIST names a build.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { embedChunks, gzipBytes as gz, gzipOfAssets } from '../lib/chunks.ts';

const DIST = process.env.TASTEBUD_DIST ?? 'dist-bench';
const PORT = Number(process.env.TASTEBUD_BENCH_PORT ?? 4413);
const RUNS = Number(process.env.TASTEBUD_BENCH_RUNS ?? 3);
const BACKENDS = (process.env.TASTEBUD_BENCH_BACKENDS ?? 'auto,webgl,wasm,cpu').split(',');
const TF_MIN_GZ = 366 * 1024;
const LOADER_BUDGET = 5 * 1024;
const FIRST_ANSWER_BUDGET = 60 * 1024;

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function sizes(dist: string) {
  const loader = join(dist, 'tastebud.js');
  const loaderText = readFileSync(loader, 'utf8');
  const assets = join(dist, 'assets');
  const chunks = embedChunks(dist);
  const sum = (files: Set<string>): number => [...files].reduce((s, f) => s + gz(f), 0);
  const wasm = readdirSync(assets).filter((f) => f.endsWith('.wasm'));
  return {
    loader: { bytes: loaderText.length, gzip: gz(loader), budget: LOADER_BUDGET, importsTfjs: /@tensorflow|registerKernel|tfjs/i.test(loaderText), hasImportStatement: /^import |[;}]import[ {]/m.test(loaderText) },
    runtime: { gzip: gz(join(dist, 'tastebud-runtime.js')), withStaticImportsGzip: sum(chunks.runtime) },
    worker: {
      file: basename(chunks.worker),
      entryGzip: sum(chunks.workerStatic),
      allReachableGzip: sum(chunks.workerAll),
      wasmGzip: Object.fromEntries(wasm.map((f) => [f, gz(join(assets, f))])),
      tfMinJsGzip: TF_MIN_GZ,
    },
  };
}

/** Milliseconds since navigation start: page load event, loader run, runtime import, recommender ready, first shelf. */
interface Phases {
  loadEvent: number;
  loader: number;
  runtime: number;
  ready: number;
  /** First shelf painted by the loader (the one kept on the device, or the shipped trending list). */
  firstPaint: number;
  firstRec: number;
}

const medianPhases = (xs: Phases[]): Phases => {
  const keys = Object.keys(xs[0]) as (keyof Phases)[];
  return Object.fromEntries(keys.map((k) => [k, median(xs.map((x) => x[k]))])) as unknown as Phases;
};

/** What one backend's page load fetched: every JS/wasm asset, and those finished before the first answer (cold). */
interface Fetched {
  all: string[];
  beforeAnswer: string[];
}

async function firstRecommendation(browser: Browser, base: string, backend: string) {
  const context = await browser.newContext();
  const finished: { name: string; at: number }[] = [];
  let answeredAt = Infinity;
  context.on('requestfinished', (r) => {
    const p = new URL(r.url()).pathname;
    if (/\/assets\/.*\.(js|wasm)$/.test(p)) finished.push({ name: basename(p), at: Date.now() });
  });
  const page = await context.newPage();
  // The page tells us the moment of its first answer; requests finished before it are what that answer needed.
  await page.exposeFunction('tastebudBenchAnswered', () => void (answeredAt = Math.min(answeredAt, Date.now())));
  await page.addInitScript(() => {
    document.addEventListener('tastebud:render', () => {
      const w = window as unknown as { firstRec?: number; tastebudBenchAnswered?: () => void };
      if (w.firstRec !== undefined) return;
      w.firstRec = performance.now();
      w.tastebudBenchAnswered?.();
    });
  });
  const url = `${base}/${backend === 'auto' ? '' : `?backend=${backend}`}`;
  const measure = async (): Promise<Phases> => {
    await page.waitForFunction(() => (window as unknown as { firstRec?: number }).firstRec !== undefined, null, { timeout: 120_000 });
    // A string, not a function: tsx's keepNames would wrap inner helpers in a __name() the page lacks.
    return page.evaluate(`(() => {
      const at = (n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
      const nav = performance.getEntriesByType('navigation')[0];
      return { loadEvent: nav.loadEventEnd, loader: at('tastebud:loader'), runtime: at('tastebud:load'), ready: at('tastebud:ready'), firstPaint: at('tastebud:first-paint'), firstRec: window.firstRec };
    })()`) as Promise<Phases>;
  };
  await page.goto(url);
  const cold = await measure();
  const beforeAnswer = finished.filter((f) => f.at <= answeredAt).map((f) => f.name);
  // The backend in use once it has loaded (the inspector shows 'plain' until then).
  await page.waitForFunction(() => !/loading|plain/.test(document.querySelector('[data-testid=backend]')?.textContent ?? 'loading'), null, { timeout: 120_000 });
  const backendUsed = await page.getByTestId('backend').textContent();
  const fetched: Fetched = { all: [...new Set(finished.map((f) => f.name))], beforeAnswer: [...new Set(beforeAnswer)] };
  await page.reload();
  const warm = await measure();
  await context.close();
  return { cold, warm, backendUsed, fetched };
}

interface BackendRow {
  backend: string;
  cold: Phases;
  warm: Phases;
  /** JS + wasm the page fetched for this backend, gzip -9. */
  downloadGzip: number;
  /** Worker JS fetched before the first answer (cold), gzip -9, and the files. */
  workerBeforeAnswerGzip: number;
  workerBeforeAnswer: string[];
}

async function startup(dist: string) {
  const server = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--outDir', dist, '--port', String(PORT), '--strictPort'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 2500));
  const browser = await chromium.launch({ executablePath: process.env.TASTEBUD_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic'] });
  const worker = new Set([...embedChunks(dist).workerAll].map((f) => basename(f)));
  const out: Record<string, BackendRow> = {};
  try {
    for (const backend of BACKENDS) {
      const runs: { cold: Phases; warm: Phases }[] = [];
      let fetched: Fetched = { all: [], beforeAnswer: [] };
      let used = '';
      for (let i = 0; i < RUNS; i++) {
        const r = await firstRecommendation(browser, `http://localhost:${PORT}`, backend);
        runs.push({ cold: r.cold, warm: r.warm });
        fetched = r.fetched;
        used = r.backendUsed ?? '';
      }
      const workerBeforeAnswer = fetched.beforeAnswer.filter((f) => worker.has(f));
      const row: BackendRow = { backend: used, cold: medianPhases(runs.map((r) => r.cold)), warm: medianPhases(runs.map((r) => r.warm)), downloadGzip: gzipOfAssets(dist, fetched.all), workerBeforeAnswerGzip: gzipOfAssets(dist, workerBeforeAnswer), workerBeforeAnswer };
      out[backend] = row;
      console.log(`${backend}: backend ${used}, first shelf painted cold ${row.cold.firstPaint.toFixed(0)} ms, warm ${row.warm.firstPaint.toFixed(0)} ms; personalised cold ${row.cold.firstRec.toFixed(0)} ms, warm ${row.warm.firstRec.toFixed(0)} ms; worker JS before the first answer ${kb(row.workerBeforeAnswerGzip)} gz (${workerBeforeAnswer.join(', ')}), all JS+wasm ${kb(row.downloadGzip)} gz`);
    }
  } finally {
    await browser.close();
    server.kill();
  }
  return out;
}

function markdown(s: ReturnType<typeof sizes>, t: Awaited<ReturnType<typeof startup>>): string {
  const f = (p: Phases): string => `**${p.firstPaint.toFixed(0)}** / ${p.firstRec.toFixed(0)} (load ${p.loadEvent.toFixed(0)} · runtime ${p.runtime.toFixed(0)} · ready ${p.ready.toFixed(0)})`;
  const rows = Object.entries(t).map(([k, v]) => `| ${k} | ${v.backend} | ${kb(v.workerBeforeAnswerGzip)} | ${f(v.cold)} | ${f(v.warm)} | ${kb(v.downloadGzip)} |`);
  return [
    '# tastebud size and startup',
    '',
    `Loader \`tastebud.js\`: **${kb(s.loader.gzip)}** gzip -9 (budget ${kb(s.loader.budget)}; ${s.loader.bytes} bytes raw); TF.js inside: ${s.loader.importsTfjs ? 'YES' : 'no'}; import statements: ${s.loader.hasImportStatement ? 'YES' : 'no'}.`,
    `Runtime \`tastebud-runtime.js\` (main thread, loaded after the page): ${kb(s.runtime.gzip)} gzip, ${kb(s.runtime.withStaticImportsGzip)} with its static imports (client, comlink).`,
    `Worker \`${s.worker.file}\`: entry ${kb(s.worker.entryGzip)}; everything it can import (every backend) ${kb(s.worker.allReachableGzip)} gzip — vs ${kb(s.worker.tfMinJsGzip)} for the whole tf.min.js.`,
    `WASM binaries (gzip): ${Object.entries(s.worker.wasmGzip).map(([f, n]) => `${f} ${kb(n)}`).join(', ')}.`,
    '',
    `Worker JS before the first answer = the worker chunks Chromium finished fetching before the shelf showed the runtime's`,
    `first answer (cold; budget ${kb(FIRST_ANSWER_BUDGET)} gzip): TF.js and the backend load after that answer.`,
    `Navigation → **first painted shelf** (targets: warm <= 150, cold <= 500) / the personalised shelf (the runtime's first`,
    `answer), headless Chromium, median of ${RUNS}, ms since navigation start; in brackets`,
    'the page load event, the runtime import (after load + idle), and the recommender ready (worker, model, state).',
    'Download = all JS + wasm the page fetched for that backend, TF.js included (gzip -9).',
    '',
    '| requested | backend used | worker JS before first answer | cold (empty storage) | warm (reload) | download |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (!process.env.TASTEBUD_DIST || !existsSync(join(DIST, 'tastebud.js'))) {
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--outDir', DIST, '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}
const s = sizes(DIST);
console.log(`loader ${kb(s.loader.gzip)} gz (tfjs: ${s.loader.importsTfjs}); worker entry ${kb(s.worker.entryGzip)}, all reachable ${kb(s.worker.allReachableGzip)} gz`);
const t = await startup(DIST);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/size.json', JSON.stringify({ date: new Date().toISOString(), sizes: s, startup: t }, null, 2));
writeFileSync('bench/results/size.md', markdown(s, t));
console.log(markdown(s, t));
if (s.loader.gzip > LOADER_BUDGET || s.loader.importsTfjs || Object.values(t).some((r) => r.workerBeforeAnswerGzip > FIRST_ANSWER_BUDGET)) process.exitCode = 1;
