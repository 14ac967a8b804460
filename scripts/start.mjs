#!/usr/bin/env node
/**
 * `npm start`: the demo shop on a fresh machine. Installs dependencies when missing, generates the demo data and
 * pretrains the model on first start (cached under public/generated/ by a hash of the generator sources),
 * builds the production bundle and serves it on http://localhost (WebGPU needs a secure context; localhost is one).
 * Plain Node, no imports outside node:, so it runs before `npm ci`.
 * Env: PORT (default 4173), TASTEBUD_START_DIST (default dist-start).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const port = Number(process.env.PORT || 4173);
const outDir = process.env.TASTEBUD_START_DIST || 'dist-start';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(title, cmd, args) {
  const t0 = Date.now();
  console.log(`\n▸ ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`✗ ${title} failed (exit ${r.status ?? r.error?.message})`);
    process.exit(1);
  }
  console.log(`✓ ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  step('installing dependencies (npm ci)', npm, ['ci', '--no-audit', '--no-fund']);
}
step('demo data and model (first start pretrains, later starts reuse the cache)', process.execPath, ['demo/prepare.mjs']);
const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
step('building the demo shop', process.execPath, [vite, 'build', '--outDir', outDir, '--logLevel', 'warn']);

console.log(`\n▸ serving the demo shop`);
const server = spawn(process.execPath, [vite, 'preview', '--outDir', outDir, '--port', String(port), '--strictPort'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
server.stdout.on('data', (b) => {
  if (/localhost:\d+/.test(String(b))) {
    console.log(`\n  tastebud demo shop: http://localhost:${port}/`);
    console.log('  (force a backend: ?backend=webgpu | webgl | wasm | cpu;  consent flow: ?consent=required)\n');
  }
});
server.on('exit', (code) => process.exit(code ?? 0));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
