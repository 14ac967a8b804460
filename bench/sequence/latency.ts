/**
 * `npm run bench:sequence-latency`: `track` → updated top-10 with the sequence model (10,000 items, histories of
 * 50 and 200 clicks) on every backend — Node cpu and wasm in this process, then webgpu, webgl, wasm and cpu in
 * Chromium Workers — each against the plain-TypeScript reference forward + scan of the same run.
 * Writes bench/results/sequence_latency.{json,md} and prints the table.
 *
 *   npm run bench:sequence-latency -- [--quick] [--node-only | --browser-only] [--backends=wasm,webgpu] [--no-build]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { BackendName } from '../../src/kernels/index.ts';
import { runBrowserBench } from '../kernels/browser.ts';
import { HISTORIES, LATENCY_CONFIG, runSequenceLatency } from './latency_core.ts';
import type { LatencyResult, LatencyRow } from './latency_core.ts';

type EnvResult = LatencyResult & { env: string; error?: string };

const argv = process.argv.slice(2);
const flag = (f: string): boolean => argv.includes(f);
const listArg = argv.find((a) => a.startsWith('--backends='))?.split('=')[1]?.split(',');
const quick = flag('--quick');
const TARGET_MS = 10;

function fastest(results: EnvResult[], history: number): (LatencyRow & { env: string }) | undefined {
  const own = results.flatMap((r) => r.rows.map((x) => ({ ...x, env: r.env }))).filter((x) => x.history === history && x.impl !== 'reference' && x.medianMs !== undefined);
  return own.sort((a, b) => a.medianMs! - b.medianMs!)[0];
}

function markdown(results: EnvResult[], meta: Record<string, unknown>): string {
  const lines = [
    '# Sequence model: `track` → updated top-10',
    '',
    `${meta.date} · ${meta.cpus} x ${meta.cpu} · load average ${meta.loadAvg1m} at the end · Node ${meta.node}${quick ? ' · quick' : ''}. Model: dim ${LATENCY_CONFIG.dim}, ${LATENCY_CONFIG.blocks} blocks, ` +
      `${LATENCY_CONFIG.heads} heads, FFN ${LATENCY_CONFIG.ffnDim}, window ${LATENCY_CONFIG.maxLen}; ${LATENCY_CONFIG.numItems.toLocaleString('en')} items. ` +
      'Each call: the history moves on by one click, is encoded, and the catalogue is scanned for the top-10 unseen. ' +
      'WebGPU and WebGL here run on SwiftShader (the GPU emulated on the CPU).',
    '',
    '| env | backend | history | path | scan | median ms | first ms | x reference |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    if (r.error) lines.push(`| ${r.env} | ${r.backend} | – | – | – | error: ${r.error.replace(/\|/g, '/')} | | |`);
    for (const x of r.rows)
      lines.push(`| ${r.env} | ${x.backend} | ${x.history} | ${x.impl} | ${x.scan} | ${x.error ? `error: ${x.error.replace(/\|/g, '/').slice(0, 80)}` : x.medianMs} | ${x.firstMs ?? ''} | ${x.vsReference ?? ''} |`);
  }
  lines.push('');
  for (const n of HISTORIES) {
    const f = fastest(results, n);
    if (f) lines.push(`- history ${n}: fastest ${f.env} ${f.backend} ${f.impl} ${f.medianMs} ms (${f.vsReference}x the reference)${n === 50 ? ` — target ≤ ${TARGET_MS} ms: ${f.medianMs! <= TARGET_MS ? 'MET' : 'NOT MET'}` : ''}`);
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const results: EnvResult[] = [];
  if (!flag('--browser-only')) {
    for (const backend of (['cpu', 'wasm'] as BackendName[]).filter((b) => !listArg || listArg.includes(b))) {
      console.log(`node ${backend}…`);
      try {
        results.push({ env: 'node', ...(await runSequenceLatency({ backend, quick })) });
      } catch (e) {
        results.push({ env: 'node', backend, details: {}, rows: [], error: String(e).slice(0, 300) });
      }
    }
  }
  if (!flag('--node-only')) {
    const backends = (listArg ?? ['webgpu', 'webgl', 'wasm', 'cpu']).filter((b) => ['webgpu', 'webgl', 'wasm', 'cpu'].includes(b));
    console.log(`chromium ${backends.join(', ')}…`);
    const port = Number(process.env.TASTEBUD_BENCH_PORT || 4403);
    results.push(...(await runBrowserBench<EnvResult>({ backends, quick, port, outDir: 'dist-bench', build: !flag('--no-build'), task: 'sequence-latency' })));
  }
  // The load average says how much else ran on these cores meanwhile (medians on a busy machine are upper bounds).
  const meta = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, quick, loadAvg1m: +loadavg()[0].toFixed(1) };
  const md = markdown(results, meta);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/sequence_latency.json', JSON.stringify({ meta, config: LATENCY_CONFIG, results }, null, 1));
  writeFileSync('bench/results/sequence_latency.md', md);
  console.log(md);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
