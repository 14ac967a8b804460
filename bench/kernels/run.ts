/**
 * `npm run bench`: the kernel bench on every backend — Node cpu and wasm in this process, then webgpu, webgl,
 * wasm and cpu in Chromium Workers — each against the plain-TypeScript reference and the naive TF.js path in
 * the same process. Writes bench/results/kernels.{json,md} and prints the table.
 *
 *   npm run bench -- [--quick] [--node-only | --browser-only] [--backends=wasm,webgpu] [--no-build]
 *   npm run bench -- --auto [--quick] [--node-only | --browser-only] [--no-build]: `backend: 'auto'`'s choice
 *     against every backend per catalogue size (1k / 10k / 100k), into bench/results/auto_backend.{json,md}.
 */
import '@tensorflow/tfjs'; // registers TF.js gradients (for the naive minimize() baseline) in the shared registry
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { runKernelBench } from './bench_core.ts';
import type { BackendName } from '../../src/kernels/index.ts';
import { runBrowserBench } from './browser.ts';
import { markdown, rate } from './report.ts';
import { runAutoBench, type AutoBenchResult } from './auto_core.ts';
import { autoMarkdown } from './auto_report.ts';
import type { EnvResult } from './report.ts';

const argv = process.argv.slice(2);
const flag = (f: string): boolean => argv.includes(f);
const listArg = argv.find((a) => a.startsWith('--backends='))?.split('=')[1]?.split(',');
const quick = flag('--quick');

async function autoMain(): Promise<void> {
  const results: (AutoBenchResult | { env: string; error: string })[] = [];
  if (!flag('--browser-only')) {
    console.log('node auto…');
    results.push(await runAutoBench({ env: 'node', quick }));
  }
  if (!flag('--node-only')) {
    console.log('chromium auto…');
    const port = Number(process.env.TASTEBUD_BENCH_PORT || 4402);
    const r = await runBrowserBench<AutoBenchResult | { env: string; error: string }>({ backends: ['auto'], task: 'auto-backend', quick, port, outDir: 'dist-bench', build: !flag('--no-build') });
    results.push(...r);
  }
  const meta = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, quick, load: loadavg().map((x) => x.toFixed(1)).join(' ') };
  const md = autoMarkdown(results, meta);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/auto_backend.json', JSON.stringify({ meta, results }, null, 1));
  writeFileSync('bench/results/auto_backend.md', md);
  console.log(md);
}

async function main(): Promise<void> {
  if (flag('--auto')) return autoMain();
  const results: EnvResult[] = [];
  if (!flag('--browser-only')) {
    for (const backend of (['cpu', 'wasm'] as BackendName[]).filter((b) => !listArg || listArg.includes(b))) {
      console.log(`node ${backend}…`);
      try {
        results.push({ env: 'node', ...(await runKernelBench({ backend, quick })) });
      } catch (e) {
        results.push({ env: 'node', backend, details: {}, rows: [], error: String(e).slice(0, 300) });
      }
    }
  }
  if (!flag('--node-only')) {
    const backends = (listArg ?? ['webgpu', 'webgl', 'wasm', 'cpu']).filter((b) => ['webgpu', 'webgl', 'wasm', 'cpu'].includes(b));
    console.log(`chromium ${backends.join(', ')}…`);
    results.push(...(await runBrowserBench({ backends, quick, port: Number(process.env.TASTEBUD_BENCH_PORT || 4402), outDir: 'dist-bench', build: !flag('--no-build') })));
  }
  const rows = rate(results);
  const meta = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, quick };
  const md = markdown(results, rows, meta);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/kernels.json', JSON.stringify({ meta, results, rows }, null, 1));
  writeFileSync('bench/results/kernels.md', md);
  console.log(md);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
