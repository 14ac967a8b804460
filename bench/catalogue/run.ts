/**
 * `npm run bench:catalogue`: what a catalogue of 10k / 100k / 1M items costs in the browser. Writes artefacts
 * of each size in float32, float16 and uint8 (random 64-dim factors, real ids and popularity, sealed as the
 * CLI writes them), serves them with the built harness (cross-origin isolated, so the page can call
 * performance.measureUserAgentSpecificMemory), and in headless Chromium, one fresh page per backend, the
 * harness Worker loads each through the real loader, the page measures the worker's memory, and the worker
 * times scan + top-10 per implementation (bench/catalogue/core.ts) — all side by side in one run.
 * CATALOGUE_SIZES=10000,100000,1000000  CATALOGUE_BACKENDS=webgpu,webgl,wasm,cpu  CATALOGUE_BUDGET_MS=1500
 * Writes bench/results/catalogue.{json,md}.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import type { Page } from '@playwright/test';
import { encodeSealedArtefact } from '../../src/artefact/index.ts';
import type { WeightDtype } from '../../src/artefact/index.ts';
import { FORMAT_VERSION } from '../../src/artefact/format.ts';
import type { GlobalModel } from '../../src/model/global_model.ts';
import { createRng } from '../../src/model/rng.ts';
import { serveStatic } from '../lib/static_server.ts';
import { writeReport } from './report.ts';
import type { BackendRun, SizeBytes } from './report.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, 'dist-catalogue');
const DTYPES: WeightDtype[] = ['float32', 'float16', 'uint8'];
const ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-blink-features=ForceEagerMeasureMemory'];
const DIM = 64;

function catalogueModel(n: number): GlobalModel {
  const rng = createRng(n);
  const itemEmb = new Float32Array(n * DIM);
  for (let k = 0; k < itemEmb.length; k++) itemEmb[k] = rng.normal() * 0.2;
  return {
    formatVersion: FORMAT_VERSION, modelVersion: `catalogue-${n}`, dim: DIM,
    itemIds: Array.from({ length: n }, (_, i) => `sku-${String(i).padStart(7, '0')}`),
    itemEmb, itemBias: new Float32Array(n), w: new Float32Array(DIM).fill(1), bias: 0,
    priorUser: new Float32Array(DIM), popularity: Float32Array.from({ length: n }, (_, i) => Math.floor(5000 / (1 + i))),
    hyperParameters: { solver: 'als', dim: DIM },
  };
}

async function writeArtefacts(sizes: number[]): Promise<SizeBytes[]> {
  const out: SizeBytes[] = [];
  for (const n of sizes) {
    const model = catalogueModel(n);
    for (const dtype of DTYPES) {
      const a = await encodeSealedArtefact(model, { dtype });
      const dir = join(OUT, 'catalogue', `${n}-${dtype}`);
      mkdirSync(dir, { recursive: true });
      const json = JSON.stringify(a.modelJson);
      writeFileSync(join(dir, 'model.json'), json);
      for (const s of a.shards) writeFileSync(join(dir, s.path), new Uint8Array(s.data));
      const weights = new Uint8Array(a.weights);
      out.push({ items: n, dtype, jsonBytes: json.length, weightBytes: weights.byteLength, gzipBytes: gzipSync(json).length + gzipSync(weights, { level: 1 }).length });
      console.log(`  artefact ${n} ${dtype}: ${((json.length + weights.byteLength) / 2 ** 20).toFixed(1)} MiB`);
    }
  }
  return out;
}

/** The worker's memory as Chromium attributes it (null where the page is not cross-origin isolated). */
async function workerMemory(page: Page): Promise<number | null> {
  return page.evaluate(async () => {
    const p = performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ breakdown: { bytes: number; attribution: { scope: string }[] }[] }> };
    if (!crossOriginIsolated || !p.measureUserAgentSpecificMemory) return null;
    const m = await p.measureUserAgentSpecificMemory();
    return m.breakdown.filter((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')).reduce((s, b) => s + b.bytes, 0);
  });
}

async function op(page: Page, request: unknown): Promise<Record<string, unknown>> {
  return page.evaluate((request) => (window as unknown as { tastebudHarness: { run(r: unknown): Promise<Record<string, unknown>> } }).tastebudHarness.run({ task: 'catalogue', request }), request);
}

async function runBackend(page: Page, backend: string, sizes: number[], budgetMs: number): Promise<BackendRun> {
  const run: BackendRun = { backend, loads: [], scans: [] };
  for (const n of sizes) {
    for (const dtype of DTYPES) {
      const loaded = await op(page, { op: 'load', backend, url: `/catalogue/${n}-${dtype}/model.json`, keepCodes: dtype === 'uint8' });
      run.loads.push({ items: n, dtype, ...loaded, workerMemoryBytes: await workerMemory(page) });
      if (dtype !== 'uint8') continue;
      const scanned = await op(page, { op: 'scan', impls: ['plain-f32', 'plain-uint8', 'backend'], budgetMs });
      run.scans.push({ items: n, ...scanned, workerMemoryBytes: await workerMemory(page) } as BackendRun['scans'][number]);
      console.log(`  ${backend} ${n}: ${JSON.stringify(scanned.rows)}`);
    }
    await op(page, { op: 'drop' });
  }
  return run;
}

async function main(): Promise<void> {
  const sizes = (process.env.CATALOGUE_SIZES ?? '10000,100000,1000000').split(',').map(Number);
  const backends = (process.env.CATALOGUE_BACKENDS ?? 'webgpu,webgl,wasm,cpu').split(',');
  const budgetMs = Number(process.env.CATALOGUE_BUDGET_MS ?? 1500);
  rmSync(OUT, { recursive: true, force: true });
  const b = spawnSync('npx', ['vite', 'build', '--outDir', OUT, '--logLevel', 'warn'], { stdio: 'inherit', cwd: ROOT });
  if (b.status !== 0) throw new Error('vite build failed');
  const bytes = await writeArtefacts(sizes);
  const port = Number(process.env.TASTEBUD_E2E_PORT ?? 4460);
  const server = await serveStatic(OUT, port, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
  const runs: BackendRun[] = [];
  try {
    const browser = await chromium.launch({ executablePath: process.env.TASTEBUD_CHROMIUM || '/usr/bin/chromium', args: ARGS });
    try {
      for (const backend of backends) {
        const page = await browser.newPage();
        try {
          await page.goto(`http://localhost:${port}/harness/contract.html`);
          await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent === 'harness ready');
          runs.push(await runBackend(page, backend, sizes, budgetMs));
        } catch (e) {
          runs.push({ backend, loads: [], scans: [], error: String(e instanceof Error ? e.message : e).slice(0, 300) });
        } finally {
          await page.close();
        }
      }
    } finally {
      await browser.close();
    }
  } finally {
    server.close();
  }
  console.log(writeReport(join(ROOT, 'bench', 'results'), { sizes, dim: DIM, bytes, runs }));
}

await main();
