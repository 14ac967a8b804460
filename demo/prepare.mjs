#!/usr/bin/env node
/**
 * Makes the demo shop's data and model, once: generates the catalogue and click log (demo/data/), pretrains and
 * exports the model with the tastebud CLI into public/generated/model/. Cached by a hash of the generator and
 * training sources (their params live there): a second run with nothing changed returns at once.
 * Plain Node (no imports outside node:), so `npm start` can call it right after `npm ci`.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'public', 'generated');
const stampPath = join(out, 'stamp.json');

/** The generators (and their params) plus the artefact format: a change to either rebuilds the model. */
function sourcesHash() {
  const h = createHash('sha256');
  const dir = join(root, 'demo', 'data');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  for (const f of ['src/artefact/format.ts', 'src/artefact/manifest.ts', 'src/train/placements.ts', 'src/cli/cmd_pretrain.ts', 'src/cli/shelf_display.ts', 'demo/prepare.mjs']) if (existsSync(join(root, f))) h.update(readFileSync(join(root, f)));
  return h.digest('hex').slice(0, 12);
}

function run(args, quiet = false) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').slice(-3).join(' ');
}

const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Pretrain + export through the CLI into `dir`; null on success, else why not. */
function trainWithCli(dir, version) {
  return run([
    tsx, 'src/cli/main.ts', 'pretrain',
    '--data', join(dir, 'clicks.csv'), '--attributes', join(dir, 'attributes.json'), '--catalogue', join(dir, 'catalogue.json'), '--event-weights', 'default',
    '--solver', 'als', '--dim', '16', '--epochs', '8', '--als-alpha', '1', '--als-unobserved', '0.3', '--l2', '0.005', '--seed', '3',
    '--model-version', version,
    '--dtype', 'float16', '--out', join(dir, 'model'),
  ], true);
}

export function prepare({ force = false } = {}) {
  const hash = sourcesHash();
  const stamp = existsSync(stampPath) ? JSON.parse(readFileSync(stampPath, 'utf8')) : null;
  if (!force && stamp?.hash === hash && existsSync(join(out, 'model', 'model.json'))) {
    console.log(`tastebud demo: model up to date (${hash}, ${stamp.trainedWith})`);
    return stamp;
  }
  const t0 = Date.now();
  // Built in a private folder and renamed into place: several builds may run this at once.
  const tmp = join(root, '.cache', `generated-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const genError = run([tsx, 'demo/data/generate.ts', tmp]);
  if (genError) throw new Error(`generating the demo data failed: ${genError}`);
  const version = `demo-${hash}`;
  let trainedWith = 'cli';
  const cliError = trainWithCli(tmp, version) ?? (existsSync(join(tmp, 'model', 'model.json')) ? null : 'no model.json written');
  if (cliError) {
    console.log(`tastebud demo: the CLI could not pretrain (${cliError}); training through the library instead`);
    trainedWith = 'library';
    const libError = run([tsx, 'demo/data/build_model.ts', tmp, version]);
    if (libError) throw new Error(`pretraining the demo model failed: ${libError}`);
  }
  const next = { hash, modelVersion: version, trainedWith, seconds: (Date.now() - t0) / 1000 };
  writeFileSync(join(tmp, 'stamp.json'), JSON.stringify(next, null, 2));
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  console.log(`tastebud demo: data and model ready in ${next.seconds.toFixed(1)} s (${trainedWith})`);
  return next;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    prepare({ force: process.argv.includes('--force') });
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
