/**
 * Candidates of the NCF protocol: for each user, the held-out item and 99 items the user never interacted
 * with. Either read from a fixed file (`user, test item, 99 negatives` per line, tab-separated, `#` header),
 * so every implementation ranks the same 100 items, or sampled here with a seed.
 */
import { InvalidInputError } from '../errors.ts';
import { createRng } from '../model/rng.ts';
import type { UserItemIndex } from '../train/user_index.ts';

export interface CandidateSet {
  user: number;
  /** items[0] is the held-out positive, the rest negatives. */
  items: Int32Array;
}

/**
 * Parses the fixed candidates file, mapping original ids to dense indices; lines whose user or items are
 * unknown are counted in `skipped` (never silently ranked).
 *
 * @example
 * parseNcfCandidates(lines, userIndex, itemIndex).sets.length; // 6040
 */
export function parseNcfCandidates(
  lines: Iterable<string>,
  userIndex: Map<string, number>,
  itemIndex: Map<string, number>,
  source = 'ncf-negatives.tsv',
): { sets: CandidateSet[]; skipped: number } {
  const sets: CandidateSet[] = [];
  let skipped = 0;
  let lineNo = 0;
  for (const line of lines) {
    lineNo++;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = line.trim().split(/\t|\s+/);
    if (f.length < 3) throw new InvalidInputError(`${source}:${lineNo}: expected user, test item and negatives, got ${f.length} fields`);
    const u = userIndex.get(f[0]);
    const items = f.slice(1).map((id) => itemIndex.get(id));
    if (u === undefined || items.some((i) => i === undefined)) {
      skipped++;
      continue;
    }
    sets.push({ user: u, items: Int32Array.from(items as number[]) });
  }
  return { sets, skipped };
}

/**
 * Samples `negatives` distinct items per test pair, none of which the user interacted with (train or test).
 *
 * @example
 * sampleNcfCandidates(test, index, numItems, { seed: 0 })[0].items.length; // 100
 */
export function sampleNcfCandidates(
  test: { users: Int32Array; items: Int32Array },
  known: UserItemIndex,
  numItems: number,
  { negatives = 99, seed = 0 } = {},
): CandidateSet[] {
  const rng = createRng(seed);
  const out: CandidateSet[] = [];
  for (let n = 0; n < test.users.length; n++) {
    const u = test.users[n];
    const pos = test.items[n];
    const avail = numItems - known.itemsOf(u).length - (known.has(u, pos) ? 0 : 1);
    if (avail < negatives) throw new InvalidInputError(`sampleNcfCandidates: user ${u} has only ${avail} items left to sample ${negatives} negatives from`);
    const chosen = new Set<number>();
    while (chosen.size < negatives) {
      const j = rng.int(numItems);
      if (j !== pos && !known.has(u, j)) chosen.add(j);
    }
    out.push({ user: u, items: Int32Array.from([pos, ...chosen]) });
  }
  return out;
}
