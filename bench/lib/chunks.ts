/**
 * The chunk graph of a Vite build of the embed, read from the built files: which chunks the runtime
 * (`tastebud-runtime.js`) and the worker load up front (static imports) and which only on demand (dynamic
 * `import()`, e.g. TF.js and its backends). Shared by `npm run bench:size` and e2e/first_answer.spec.ts.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/** gzip -9 bytes of a file. */
export const gzipBytes = (path: string): number => gzipSync(readFileSync(path), { level: 9 }).length;

/** Relative imports of a built chunk, as absolute paths: static (`from"./x.js"`) and dynamic (`import("./x.js")`). */
export function importsOf(file: string): { static: string[]; dynamic: string[] } {
  const text = readFileSync(file, 'utf8');
  const pick = (re: RegExp): string[] => [...text.matchAll(re)].map((m) => resolve(dirname(file), m[1]));
  return {
    static: pick(/(?:from|import)\s*["'`](\.\/[\w./-]+\.js)["'`]/g),
    dynamic: pick(/import\(\s*["'`](\.\/[\w./-]+\.js)["'`]\s*\)/g),
  };
}

/** Every chunk reachable from `entry` (an absolute path), following dynamic imports too when asked. */
export function closure(entry: string, followDynamic: boolean): Set<string> {
  const seen = new Set<string>();
  const visit = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    const { static: s, dynamic: d } = importsOf(f);
    for (const x of followDynamic ? [...s, ...d] : s) visit(x);
  };
  visit(entry);
  return seen;
}

export interface EmbedChunks {
  /** The runtime and its static imports (main thread). */
  runtime: Set<string>;
  /** The worker entry file (absolute path). */
  worker: string;
  /** The worker and its static imports: what it must load before it can answer. */
  workerStatic: Set<string>;
  /** Everything the worker can import (every backend). */
  workerAll: Set<string>;
}

/** The chunk sets of the build in `dist` (absolute paths). */
export function embedChunks(dist: string): EmbedChunks {
  const runtime = closure(resolve(dist, 'tastebud-runtime.js'), false);
  // The worker the runtime spawns is named in a chunk it imports (`new Worker(new URL('worker-….js'))`).
  const name = [...runtime].map((f) => readFileSync(f, 'utf8').match(/worker-[\w-]+\.js/)?.[0]).find(Boolean);
  if (!name) throw new Error(`no worker chunk named in ${dist}/tastebud-runtime.js or its imports`);
  const worker = join(resolve(dist), 'assets', name);
  return { runtime, worker, workerStatic: closure(worker, false), workerAll: closure(worker, true) };
}

/** Sum of gzip -9 bytes of files named by base name (as requested) in `dist/assets`. */
export function gzipOfAssets(dist: string, names: Iterable<string>): number {
  let sum = 0;
  for (const n of names) sum += gzipBytes(join(resolve(dist), 'assets', basename(n)));
  return sum;
}
