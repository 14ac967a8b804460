#!/usr/bin/env node
/**
 * `npm start`: the demo shop on a fresh machine. Installs dependencies when missing, generates the demo data and
 * pretrains the model on first start (cached under public/generated/ by a hash of the generator sources),
 * builds the production bundle and serves it on http://localhost (WebGPU needs a secure context; localhost is one).
 * Plain Node, no imports outside node:, so it runs before `npm ci`.
 * Skips the build when nothing it reads changed since the last one; says so plainly when the port is taken.
 * Env: PORT (default 4173), TASTEBUD_START_DIST (default dist-start).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
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
/** Resolves when `port` is free on localhost; a taken port is said plainly, with the way round it. */
function checkPort(p) {
  return new Promise((ok) => {
    const probe = createServer();
    probe.once('error', (e) => {
      const why = e.code === 'EADDRINUSE' ? `port ${p} is already in use (another server, or an earlier npm start?)` : `port ${p} cannot be used (${e.code ?? e.message})`;
      console.error(`✗ ${why}.\n  Start the demo on another port:  PORT=${p + 1} npm start`);
      process.exit(1);
    });
    probe.listen(p, 'localhost', () => probe.close(ok));
  });
}

/** A hash of everything the bundle is built from: an unchanged tree serves the last build as it is. */
function sourcesHash() {
  const h = createHash('sha256');
  const walk = (path) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) for (const f of readdirSync(path).sort()) walk(join(path, f));
    else h.update(path).update(readFileSync(path));
  };
  for (const p of ['src', 'demo', 'public', 'index.html', 'lab.html', 'vite.config.ts', 'vite.loader.config.ts', 'package-lock.json']) walk(join(root, p));
  return h.digest('hex');
}

await checkPort(port);
step('demo data and model (first start pretrains, later starts reuse the cache)', process.execPath, ['demo/prepare.mjs']);
const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const stamp = join(root, outDir, '.tastebud-sources');
const hash = sourcesHash();
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) console.log(`\n✓ the demo shop in ${outDir}/ is up to date (nothing changed since its build)`);
else {
  step('building the demo shop', process.execPath, [vite, 'build', '--outDir', outDir, '--logLevel', 'warn']);
  writeFileSync(stamp, hash);
}

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
