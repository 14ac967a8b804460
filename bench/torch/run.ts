/**
 * `npm run bench:torch`: only the PyTorch side-by-side part of the quality bench, on ML-1M implicit (one epoch
 * each side per round; see bench/lib/torch.ts for the env knobs). Writes bench/results/quality_torch.{json,md}.
 * Data from ../shared/data (or TASTEBUD_DATA); skipped, saying so, when the data or torch is absent.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../../src/cli/datasets.ts';
import { markdownTable } from '../../src/eval/report.ts';
import { measureTorchSideBySide } from '../lib/torch.ts';
import { DATA as SHARED, SPECS } from '../lib/specs.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = join(SHARED, 'ml-1m-implicit-afcfm');

async function main(): Promise<void> {
  if (!existsSync(DATA)) {
    console.warn(`SKIPPED bench:torch: ${DATA} not found (set TASTEBUD_DATA to the shared data folder)`);
    return;
  }
  const { split } = await loadDataset({ data: DATA, format: 'ml1m-implicit' });
  console.log(`ML-1M implicit: ${split.train.users.length} training positives`);
  const t = await measureTorchSideBySide(split.train, DATA, SPECS.ml1m.sgd);
  const md = ['# PyTorch side by side (ML-1M implicit, one epoch per side per round)', '', `PyTorch: ${t.torch}; Node ${process.version}.`, ''];
  if (t.table.length) md.push(markdownTable(t.table), '');
  md.push(t.summary, '');
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'quality_torch.json'), JSON.stringify({ generatedAt: new Date().toISOString(), ...t }, null, 2));
  writeFileSync(join(dir, 'quality_torch.md'), md.join('\n'));
  console.log('\n' + md.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
