/**
 * Pretrains and exports the demo model straight through the library (`pretrain` + `encodeArtefact`) — the code
 * the CLI runs. `demo/prepare.mjs` uses the CLI and falls back to this when the CLI cannot (e.g. an older CLI
 * without the needed flags). Run: `npx tsx demo/data/build_model.ts public/generated [modelVersion]`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeArtefact } from '../../src/artefact/encode.ts';
import { writeArtefactDir } from '../../src/cli/artefact_dir.ts';
import { pretrain } from '../../src/train/pretrain.ts';
import type { Catalogue } from './catalogue.ts';

/** Event weights: a purchase says more about taste than a view (DESIGN.md, denoising). */
const WEIGHTS: Record<string, number> = { view: 1, select: 1.5, add_to_cart: 2, purchase: 3 };

/** Small and fast on purpose: the first `npm start` should pretrain in seconds. */
export const DEMO_TRAINING = { solver: 'als', dim: 16, epochs: 8, alsAlpha: 1, alsUnobserved: 0.3, l2: 0.005, seed: 3 } as const;

/**
 * Trains on `dir/clicks.csv` with `dir/catalogue.json`'s attributes and writes `dir/model/`.
 *
 * @example
 * await buildDemoModel('public/generated'); // { items: 2400, interactions: 109429, seconds: 4.2 }
 */
export async function buildDemoModel(dir: string, version = 'demo'): Promise<{ items: number; interactions: number; seconds: number }> {
  const t0 = Date.now();
  const catalogue = JSON.parse(readFileSync(join(dir, 'catalogue.json'), 'utf8')) as Catalogue;
  const itemIndex = new Map(catalogue.items.map((p, i) => [p.id, i]));
  const userIndex = new Map<string, number>();
  const lines = readFileSync(join(dir, 'clicks.csv'), 'utf8').trim().split('\n').slice(1);
  const users = new Int32Array(lines.length);
  const items = new Int32Array(lines.length);
  const weights = new Float32Array(lines.length);
  lines.forEach((line, k) => {
    const [user, item, , event] = line.split(',');
    if (!userIndex.has(user)) userIndex.set(user, userIndex.size);
    users[k] = userIndex.get(user)!;
    items[k] = itemIndex.get(item)!;
    weights[k] = WEIGHTS[event] ?? 1;
  });
  const { model } = await pretrain(
    {
      users, items, weights,
      itemIds: catalogue.items.map((p) => p.id),
      itemAttributes: catalogue.items.map(({ category, brand, priceBand }) => ({ category, brand, priceBand })),
    },
    { ...DEMO_TRAINING, modelVersion: version },
  );
  await writeArtefactDir(join(dir, 'model'), encodeArtefact(model, { dtype: 'float16' }));
  return { items: catalogue.items.length, interactions: lines.length, seconds: (Date.now() - t0) / 1000 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await buildDemoModel(process.argv[2] ?? 'public/generated', process.argv[3]);
  console.log(`trained the demo model: ${r.items} items, ${r.interactions} interactions, ${r.seconds.toFixed(1)} s`);
}
