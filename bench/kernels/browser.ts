/**
 * Runs the kernel bench in Chromium: builds the harness, serves it on localhost (WebGPU needs
 * a secure context), and drives one fresh page per backend whose Worker runs `runKernelBench`.
 */
import { spawnSync } from 'node:child_process';
import { chromium } from '@playwright/test';
import type { EnvResult } from './report.ts';
import { serveStatic } from '../lib/static_server.ts';
import type { HarnessWindow, PageRequest } from '../../harness/harness_types.ts';

export interface BrowserBenchOptions {
  backends: string[];
  quick: boolean;
  port: number;
  outDir: string;
  build: boolean;
  /** The harness task each backend's page runs (default 'bench', the kernel bench). */
  task?: 'bench' | 'sequence-latency' | 'auto-backend';
}

const ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export async function runBrowserBench<R = EnvResult>(o: BrowserBenchOptions): Promise<R[]> {
  if (o.build) {
    const b = spawnSync('npx', ['vite', 'build', '--outDir', o.outDir, '--logLevel', 'warn'], { stdio: 'inherit' });
    if (b.status !== 0) throw new Error('vite build failed');
  }
  let port = o.port;
  const server = await serveStatic(o.outDir, port).catch(() => serveStatic(o.outDir, ++port)); // one retry if busy
  const base = `http://localhost:${port}`;
  const results: unknown[] = [];
  try {
    const browser = await chromium.launch({ executablePath: process.env.TASTEBUD_CHROMIUM || '/usr/bin/chromium', args: ARGS });
    try {
      for (const backend of o.backends) {
        const page = await browser.newPage();
        try {
          await page.goto(`${base}/harness/contract.html`);
          await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent === 'harness ready');
          const r = (await page.evaluate(
            (req) => (window as unknown as HarnessWindow).tastebudHarness.run(req as PageRequest),
            { task: o.task ?? 'bench', backend, quick: o.quick },
          )) as Record<string, unknown>;
          results.push({ env: 'chromium-worker', ...r });
        } catch (e) {
          results.push({ env: 'chromium-worker', backend, details: {}, rows: [], error: String(e instanceof Error ? e.message : e).slice(0, 300) });
        } finally {
          await page.close();
        }
        console.log(`  chromium ${backend}: done`);
      }
    } finally {
      await browser.close();
    }
  } finally {
    server.close();
  }
  return results as R[];
}
