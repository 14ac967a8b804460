/**
 * `npm run bench:placements`: how close `pretrain --stream`'s "bought together" lists (co-occurrence rows in a
 * memory budget, src/train/cooccurrence_rows.ts) come to the in-memory lists (exact counts) on real logs, per
 * budget in MiB (PLACEMENTS_MIB=4,16,64,256), side by side in one run: recall of the exact top-12 per item
 * (mean over items with a list), the share of lists identical, rows that overflowed, the neighbour cap the
 * budget allowed, and the seconds of the second read. Trending is exact at any budget (checked). Needs
 * ../shared/data (skips loudly without).
 * Writes bench/results/placements_stream.{json,md}.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadOptions } from '../../src/cli/datasets.ts';
import { loadDataset } from '../../src/cli/datasets.ts';
import { loadPairs } from '../../src/cli/pair_log.ts';
import { buildPlacements } from '../../src/train/placements.ts';
import { createPlacementStream } from '../../src/train/placements_stream.ts';
import { DATA } from '../lib/specs.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LOGS: [name: string, o: LoadOptions][] = [
  ['ml-1m-prefix', { data: join(DATA, 'ml-1m-ratings-prefix/ratings.dat'), format: 'movielens' }],
  ['beauty', { data: join(DATA, 'amazon-s3rec/Beauty.txt'), format: 'amazon' }],
];

async function main(): Promise<void> {
  const budgets = (process.env.PLACEMENTS_MIB ?? '4,16,64,256').split(',').map(Number);
  const rows: Record<string, unknown>[] = [];
  for (const [name, o] of LOGS) {
    if (!existsSync(o.data)) {
      console.warn(`SKIPPED ${name}: ${o.data} is absent (../shared/data is not committed; licences forbid it)`);
      continue;
    }
    const set = (await loadDataset(o)).set;
    let t = performance.now();
    const exact = buildPlacements(set);
    const exactSeconds = (performance.now() - t) / 1000;
    for (const mib of budgets) {
      const p = createPlacementStream({ memoryBytes: mib * 2 ** 20 });
      const log = await loadPairs(o, undefined, { onRow: p.observe });
      t = performance.now();
      p.start(log.userIds.length, log.itemIds.length);
      await log.replay(p.add);
      const got = p.finish();
      const seconds = (performance.now() - t) / 1000;
      let recall = 0;
      let lists = 0;
      let same = 0;
      exact.together.forEach((want, i) => {
        if (!want.length) return;
        const s = new Set(got.together[i]);
        recall += want.filter((j) => s.has(j)).length / want.length;
        lists++;
        if (want.join() === got.together[i].join()) same++;
      });
      const row = {
        log: name, events: set.users.length, items: set.itemIds.length, budgetMiB: mib, recall: recall / lists, identical: same / lists, lists,
        rowsOverflowed: got.inexactItems, trendingExact: got.trending.join() === exact.trending.join(),
        streamSeconds: seconds, exactSeconds, neighbourCap: got.neighbourCap, rowsMiB: got.cooccurrenceBytes / 2 ** 20,
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
  const out = join(ROOT, 'bench/results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'placements_stream.json'), JSON.stringify(rows, null, 2));
  const md = ['| log | events | items | budget MiB | neighbour cap | recall of exact top-12 | lists identical | rows overflowed | trending exact | second read s |', '|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows as Record<string, number | string | boolean>[])
    md.push(`| ${r.log} | ${r.events.toLocaleString('en')} | ${r.items.toLocaleString('en')} | ${r.budgetMiB} | ${r.neighbourCap} | ${(r.recall as number).toFixed(3)} | ${(r.identical as number).toFixed(3)} | ${r.rowsOverflowed} | ${r.trendingExact} | ${(r.streamSeconds as number).toFixed(1)} |`);
  writeFileSync(join(out, 'placements_stream.md'), md.join('\n') + '\n');
}

await main();
