/**
 * Size and startup bench for the embed and the demo (`npm run bench:size`):
 * - the loader `tastebud.js`, gzip -9 (budget 5 KB) and proof it carries no TF.js;
 * - the worker bundle: its entry, everything it can import, and what each backend actually downloads, gzip -9,
 *   against the 366 KB of the whole tf.min.js;
 * - page load → first recommendation rendered, cold (empty storage) and warm (model cached, state restored),
 *   in headless Chromium (SwiftShader WebGPU here), per backend, median of RUNS.
 * Writes bench/results/size.json and size.md. Builds into dist-bench unless TASTEBUD_DIST names a build.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from '@playwright/test';

const DIST = process.env.TASTEBUD_DIST ?? 'dist-bench';
const PORT = Number(process.env.TASTEBUD_BENCH_PORT ?? 4413);
const RUNS = Number(process.env.TASTEBUD_BENCH_RUNS ?? 3);
const BACKENDS = (process.env.TASTEBUD_BENCH_BACKENDS ?? 'auto,webgl,wasm,cpu').split(',');
const TF_MIN_GZ = 366 * 1024;
const LOADER_BUDGET = 5 * 1024;

const gz = (path: string): number => gzipSync(readFileSync(path), { level: 9 }).length;
const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Relative imports of a built chunk, as absolute paths: static (`from"./x.js"`) and dynamic (`import("./x.js")`). */
function importsOf(file: string): { static: string[]; dynamic: string[] } {
  const text = readFileSync(file, 'utf8');
  const pick = (re: RegExp): string[] => [...text.matchAll(re)].map((m) => resolve(dirname(file), m[1]));
  return {
    static: pick(/(?:from|import)\s*["'`](\.\/[\w./-]+\.js)["'`]/g),
    dynamic: pick(/import\(\s*["'`](\.\/[\w./-]+\.js)["'`]\s*\)/g),
  };
}

/** Every chunk reachable from `entry` (an absolute path), following dynamic imports too when asked. */
function closure(entry: string, followDynamic: boolean): Set<string> {
  const seen = new Set<string>();
  const visit = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    const { static: s, dynamic: d } = importsOf(f);
    for (const x of followDynamic ? [...s, ...d] : s) visit(x);
  };
  visit(entry);
  return seen;
}

function sizes(dist: string) {
  const loader = join(dist, 'tastebud.js');
  const loaderText = readFileSync(loader, 'utf8');
  const assets = join(dist, 'assets');
  // The worker the runtime spawns: named in a chunk the runtime imports (`new Worker(new URL('worker-….js'))`).
  const runtimeDeps = [...closure(join(dist, 'tastebud-runtime.js'), false)];
  const workerName = runtimeDeps.map((f) => readFileSync(f, 'utf8').match(/worker-[\w-]+\.js/)?.[0]).find(Boolean)!;
  const worker = join(assets, workerName);
  const sum = (files: Set<string>): number => [...files].reduce((s, f) => s + gz(f), 0);
  const wasm = readdirSync(assets).filter((f) => f.endsWith('.wasm'));
  return {
    loader: { bytes: loaderText.length, gzip: gz(loader), budget: LOADER_BUDGET, importsTfjs: /@tensorflow|registerKernel|tfjs/i.test(loaderText), hasImportStatement: /^import |[;}]import[ {]/m.test(loaderText) },
    runtime: { gzip: gz(join(dist, 'tastebud-runtime.js')), withStaticImportsGzip: sum(new Set(runtimeDeps)) },
    worker: {
      file: workerName,
      entryGzip: sum(closure(worker, false)),
      allReachableGzip: sum(closure(worker, true)),
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

async function firstRecommendation(browser: Browser, base: string, backend: string) {
  const context = await browser.newContext();
  const downloaded = new Set<string>();
  context.on('request', (r) => {
    const p = new URL(r.url()).pathname;
    if (/\/assets\/.*\.(js|wasm)$/.test(p)) downloaded.add(basename(p));
  });
  const page = await context.newPage();
  await page.addInitScript(() => {
    document.addEventListener('tastebud:render', () => {
      (window as unknown as { firstRec?: number }).firstRec ??= performance.now();
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
  const backendUsed = await page.getByTestId('backend').textContent();
  await page.reload();
  const warm = await measure();
  await context.close();
  return { cold, warm, backendUsed, downloaded: [...downloaded] };
}

async function startup(dist: string) {
  const server = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--outDir', dist, '--port', String(PORT), '--strictPort'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 2500));
  const browser = await chromium.launch({ executablePath: process.env.TASTEBUD_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic'] });
  const out: Record<string, { backend: string; cold: Phases; warm: Phases; downloadGzip: number }> = {};
  try {
    for (const backend of BACKENDS) {
      const runs: { cold: Phases; warm: Phases }[] = [];
      let files: string[] = [];
      let used = '';
      for (let i = 0; i < RUNS; i++) {
        const r = await firstRecommendation(browser, `http://localhost:${PORT}`, backend);
        runs.push({ cold: r.cold, warm: r.warm });
        files = r.downloaded;
        used = r.backendUsed ?? '';
      }
      const downloadGzip = files.reduce((s, f) => s + gz(join(dist, 'assets', f)), 0);
      out[backend] = { backend: used, cold: medianPhases(runs.map((r) => r.cold)), warm: medianPhases(runs.map((r) => r.warm)), downloadGzip };
      console.log(`${backend}: backend ${used}, first shelf painted cold ${out[backend].cold.firstPaint.toFixed(0)} ms, warm ${out[backend].warm.firstPaint.toFixed(0)} ms; first recommendation cold ${out[backend].cold.firstRec.toFixed(0)} ms, warm ${out[backend].warm.firstRec.toFixed(0)} ms, JS+wasm ${kb(downloadGzip)} gz`);
    }
  } finally {
    await browser.close();
    server.kill();
  }
  return out;
}

function markdown(s: ReturnType<typeof sizes>, t: Awaited<ReturnType<typeof startup>>): string {
  const f = (p: Phases): string => `**${p.firstPaint.toFixed(0)}** / ${p.firstRec.toFixed(0)} (load ${p.loadEvent.toFixed(0)} · runtime ${p.runtime.toFixed(0)} · ready ${p.ready.toFixed(0)})`;
  const rows = Object.entries(t).map(([k, v]) => `| ${k} | ${v.backend} | ${f(v.cold)} | ${f(v.warm)} | ${kb(v.downloadGzip)} |`);
  return [
    '# tastebud size and startup',
    '',
    `Loader \`tastebud.js\`: **${kb(s.loader.gzip)}** gzip -9 (budget ${kb(s.loader.budget)}; ${s.loader.bytes} bytes raw); TF.js inside: ${s.loader.importsTfjs ? 'YES' : 'no'}; import statements: ${s.loader.hasImportStatement ? 'YES' : 'no'}.`,
    `Runtime \`tastebud-runtime.js\` (main thread, loaded after the page): ${kb(s.runtime.gzip)} gzip, ${kb(s.runtime.withStaticImportsGzip)} with its static imports (client, comlink).`,
    `Worker \`${s.worker.file}\`: entry ${kb(s.worker.entryGzip)}; everything it can import (every backend) ${kb(s.worker.allReachableGzip)} gzip — vs ${kb(s.worker.tfMinJsGzip)} for the whole tf.min.js.`,
    `WASM binaries (gzip): ${Object.entries(s.worker.wasmGzip).map(([f, n]) => `${f} ${kb(n)}`).join(', ')}.`,
    '',
    `Navigation → **first painted shelf** (targets: warm <= 150, cold <= 500) / the runtime's first shelf (personalised), headless`,
    `Chromium, median of ${RUNS}, ms since navigation start; in brackets`,
    'the page load event, the runtime import (after load + idle), and the recommender ready (worker, backend, model, state).',
    'Download = JS + wasm the page fetched for that backend (gzip -9).',
    '',
    '| requested | backend used | cold (empty storage) | warm (reload) | download |',
    '|---|---|---|---|---|',
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
if (s.loader.gzip > LOADER_BUDGET || s.loader.importsTfjs) process.exitCode = 1;
