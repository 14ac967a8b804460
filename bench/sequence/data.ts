/**
 * The next-item splits of DESIGN.md protocol 5, as per-user item sequences:
 * - ML-1M `ml-1m-implicit-afcfm`: test = the latest interaction (test.csv), NCF candidates = ncf-negatives.tsv;
 * - Amazon Beauty `amazon-s3rec`: leave-last-out as S3-Rec (test = last item of the line), 99 random negatives
 *   (seed 0) from the items the user never touched.
 * Validation (hyper-parameters, never the test items): each training sequence's last item is held out; the model
 * is fitted on the rest, and at test time reads the whole training sequence (the validation item included).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../../src/cli/datasets.ts';
import { leaveOneOut, orderByUser } from '../../src/data/split.ts';
import type { InteractionSet } from '../../src/data/interactions.ts';
import { withItemAttributes } from '../../src/data/amazon.ts';
import type { ItemAttributes } from '../../src/model/global_model.ts';
import type { CandidateSet } from '../../src/data/ncf_candidates.ts';
import { sampledCandidates } from '../../src/eval/experiment.ts';
import { findTorchPython } from '../lib/torch.ts';

export interface NextItemSplit {
  name: string;
  numItems: number;
  /** Per user with a test item: the training sequence minus its last item (what the model is fitted on). */
  fit: Int32Array[];
  /** The held-out last training item of each of those users (validation target). */
  valTargets: Int32Array;
  /** The whole training sequence (history at test time). */
  history: Int32Array[];
  testTargets: Int32Array;
  /** NCF candidates per user (same order as `history`); items[0] is the test item. */
  candidates: Int32Array[];
  /** Per item, its attributes where the dataset has them (Beauty's item2attributes.json, ML-1M's movies.dat). */
  itemAttributes?: InteractionSet['itemAttributes'];
}

function sequencesOf(s: InteractionSet): Int32Array[] {
  return orderByUser(s).map((events) => Int32Array.from(events, (n) => s.items[n]));
}

function assemble(name: string, train: InteractionSet, test: InteractionSet, cands: CandidateSet[]): NextItemSplit {
  const seqs = sequencesOf(train);
  const testItem = new Map<number, number>();
  for (let n = 0; n < test.users.length; n++) testItem.set(test.users[n], test.items[n]);
  const candOf = new Map(cands.map((c) => [c.user, c.items]));
  const out: NextItemSplit = { name, numItems: train.itemIds.length, fit: [], valTargets: new Int32Array(0), history: [], testTargets: new Int32Array(0), candidates: [], itemAttributes: train.itemAttributes };
  const val: number[] = [];
  const tst: number[] = [];
  seqs.forEach((seq, u) => {
    if (seq.length < 2 || !testItem.has(u) || !candOf.has(u)) return;
    out.fit.push(seq.subarray(0, seq.length - 1));
    val.push(seq[seq.length - 1]);
    out.history.push(seq);
    tst.push(testItem.get(u)!);
    out.candidates.push(candOf.get(u)!);
  });
  out.valTargets = Int32Array.from(val);
  out.testTargets = Int32Array.from(tst);
  return out;
}

export async function loadMl1m(dataRoot: string): Promise<NextItemSplit> {
  const d = await loadDataset({ data: join(dataRoot, 'ml-1m-implicit-afcfm'), format: 'ml1m-implicit' });
  const movies = join(dataRoot, 'ml-1m', 'movies.dat');
  const train = existsSync(movies) ? withItemAttributes(d.split.train, movieAttributes(readFileSync(movies, 'latin1'))) : d.split.train;
  return assemble('ML-1M', train, d.split.test, d.candidates ?? []);
}

/**
 * ML-1M's movies.dat (`MovieID::Title (Year)::Genre|Genre`) as item attributes: each genre a tag, and the
 * decade of release. The afcfm split keeps the original movie ids, so they key the same items. Used only by a
 * grid config with `attributes: true`.
 */
export function movieAttributes(text: string): Map<string, ItemAttributes> {
  const out = new Map<string, ItemAttributes>();
  for (const line of text.split('\n')) {
    const [id, title, genres] = line.trim().split('::');
    if (!id || genres === undefined) continue;
    const year = /\((\d{4})\)\s*$/.exec(title ?? '')?.[1];
    out.set(id, { tags: genres, ...(year ? { decade: `${year.slice(0, 3)}0s` } : {}) });
  }
  return out;
}

export async function loadBeauty(dataRoot: string): Promise<NextItemSplit> {
  const d = await loadDataset({ data: join(dataRoot, 'amazon-s3rec', 'Beauty.txt'), format: 'amazon' });
  const { train, test } = leaveOneOut(d.set);
  return assemble('Beauty', train, test, sampledCandidates({ train, test }, 0));
}

/**
 * The split a PyTorch side-by-side bench (`bench:sequence-torch`, `bench:sequence-steps`) runs on: `key` is `ml1m`
 * or `beauty`; null, after a loud SKIPPED line naming `bench`, when the data folder or a Python with torch is missing.
 *
 * @example
 * const run = await torchBenchSplit('ml1m', 'bench:sequence-steps', DATA);
 * if (!run) return;
 */
export async function torchBenchSplit(key: string, bench: string, dataRoot: string): Promise<{ split: NextItemSplit; python: string } | null> {
  const folder = key === 'beauty' ? 'amazon-s3rec' : 'ml-1m-implicit-afcfm';
  if (!existsSync(join(dataRoot, folder))) return (console.warn(`SKIPPED ${bench}: ${join(dataRoot, folder)} not found`), null);
  const torch = findTorchPython();
  if (torch.python === null) return (console.warn(`SKIPPED ${bench}: PyTorch ${torch.reason}`), null);
  return { split: key === 'beauty' ? await loadBeauty(dataRoot) : await loadMl1m(dataRoot), python: torch.python };
}
