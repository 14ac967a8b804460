/**
 * Data for the adaptation bench, read exactly as DESIGN.md "Evaluation protocols / prequential" says:
 * ML-1M prefix (`user::item::rating::ts`, every rating a positive, each user's events sorted by (timestamp,
 * item id), held out: user id % 5 == 0) and Amazon Beauty (one line per user, items in time order, held out:
 * line number % 5 == 0 counting from 1). Nothing from ../shared/data is written anywhere.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface Stream {
  user: string;
  items: string[];
  /** Event times in ms (ML-1M: the rating times; Amazon: none, so one minute apart). */
  times: number[];
}

export interface Dataset {
  name: string;
  train: Stream[];
  heldOut: Stream[];
  /** item id → genre / category labels (drift streams). */
  labels: Map<string, string[]>;
}

export const DATA_DIR = new URL('../../../shared/data/', import.meta.url).pathname;

export function datasetPath(name: 'ml-1m' | 'beauty'): string {
  return name === 'ml-1m' ? `${DATA_DIR}ml-1m-ratings-prefix/ratings.dat` : `${DATA_DIR}amazon-s3rec/Beauty.txt`;
}

export function hasDataset(name: 'ml-1m' | 'beauty'): boolean {
  return existsSync(datasetPath(name));
}

export function loadDataset(name: 'ml-1m' | 'beauty'): Dataset {
  return name === 'ml-1m' ? loadMovieLens() : loadBeauty();
}

function loadMovieLens(): Dataset {
  const byUser = new Map<string, [string, number][]>();
  for (const line of readFileSync(datasetPath('ml-1m'), 'utf8').split('\n')) {
    if (!line) continue;
    const [u, i, , ts] = line.split('::');
    let list = byUser.get(u);
    if (!list) byUser.set(u, (list = []));
    list.push([i, Number(ts)]);
  }
  const train: Stream[] = [];
  const heldOut: Stream[] = [];
  for (const [user, list] of byUser) {
    list.sort((a, b) => a[1] - b[1] || Number(a[0]) - Number(b[0]));
    const s: Stream = { user, items: list.map((x) => x[0]), times: list.map((x) => x[1] * 1000) };
    (Number(user) % 5 === 0 ? heldOut : train).push(s);
  }
  return { name: 'ml-1m', train, heldOut, labels: movieGenres() };
}

function movieGenres(): Map<string, string[]> {
  const path = `${DATA_DIR}ml-1m/movies.dat`;
  const out = new Map<string, string[]>();
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, 'latin1').split('\n')) {
    const parts = line.split('::');
    if (parts.length === 3) out.set(parts[0], parts[2].trim().split('|'));
  }
  return out;
}

function loadBeauty(): Dataset {
  const train: Stream[] = [];
  const heldOut: Stream[] = [];
  readFileSync(datasetPath('beauty'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .forEach((line, n) => {
      const [user, ...items] = line.trim().split(/\s+/);
      const s: Stream = { user, items, times: items.map((_, k) => k * 60_000) };
      ((n + 1) % 5 === 0 ? heldOut : train).push(s);
    });
  return { name: 'beauty', train, heldOut, labels: beautyCategories() };
}

function beautyCategories(): Map<string, string[]> {
  const path = `${DATA_DIR}amazon-s3rec/Beauty_item2attributes.json`;
  if (!existsSync(path)) return new Map();
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, number[]>;
  return new Map(Object.entries(raw).map(([id, attrs]) => [id, attrs.map(String)]));
}

/** Splits training streams into (fit, validation) for tuning: every 4th training user validates. */
export function validationSplit(ds: Dataset): Dataset {
  const train = ds.train.filter((_, k) => k % 4 !== 1);
  const heldOut = ds.train.filter((_, k) => k % 4 === 1);
  return { ...ds, name: `${ds.name}-val`, train, heldOut };
}
