/**
 * PyTorch side by side, for the quality bench's throughput section: one epoch of the source article's model
 * (bench/torch/article_model.py, run by a Python that has torch) and one epoch of tastebud's `pretrain` on the
 * same ML-1M training file with the same configuration (d=64, BCE, 4 uniform negatives per positive), repeated
 * in interleaved rounds so that load on a shared machine shows up as spread between rounds, not as a bias
 * against one side. Both sides time the whole epoch including negative sampling and shuffling, and neither
 * times data loading or model set-up. Skips, saying why, when no Python can import torch.
 *
 * Env: TASTEBUD_PYTHON (tried first), TORCH_ROUNDS (default 2), TORCH_BATCHES (PyTorch rows per step,
 * default "5120,128": tastebud's batch of 1024 positives with their negatives, and the article's 128),
 * TORCH_THREADS (torch.set_num_threads; default: torch's own choice, 1 thread with Debian's torch 1.13 here;
 * 2 threads measured 7x slower on the shared, loaded 2-core machine: OpenMP workers wait on a busy core).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InteractionSet } from '../../src/data/interactions.ts';
import type { ResultRow } from '../../src/eval/report.ts';
import { asPretrainData } from '../../src/eval/experiment.ts';
import { pretrain } from '../../src/train/pretrain.ts';
import type { PretrainOptions } from '../../src/train/pretrain.ts';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'torch', 'article_model.py');
/** tastebud's side of "the same configuration"; its optimizer stays its own (row-lazy Adagrad, lr 0.05). */
const SAME_CONFIG: PretrainOptions = { dim: 64, loss: 'bce', negatives: 4, sampler: 'uniform', batchSize: 1024, seed: 1 };
/** Reference figure of issue 3 for the article's model on this machine kind (d=64, Adam 1e-3, 4 negatives). */
const REFERENCE_TORCH_RATE = 175_000;

export type TorchPython = { python: string; version: string } | { python: null; reason: string };

/**
 * The first of TASTEBUD_PYTHON, `python3`, `/usr/bin/python3` that imports torch (a pyenv `python3` on PATH
 * may lack Debian's python3-torch, which only /usr/bin/python3 sees).
 *
 * @example
 * const t = findTorchPython();
 * if (t.python) console.log(`torch ${t.version} via ${t.python}`); else console.log(t.reason);
 */
export function findTorchPython(env: NodeJS.ProcessEnv = process.env, candidates = [env.TASTEBUD_PYTHON, 'python3', '/usr/bin/python3']): TorchPython {
  const tried = [...new Set(candidates.filter((p): p is string => !!p))];
  for (const python of tried) {
    const p = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
    if (p.status === 0) return { python, version: p.stdout.trim() };
  }
  return { python: null, reason: `not available (none of ${tried.join(', ')} can import torch; set TASTEBUD_PYTHON), so no PyTorch run` };
}

/** The JSON line article_model.py prints. */
export interface TorchEpoch {
  samples: number;
  positives: number;
  seconds: number;
  samples_per_s: number;
  sampling_seconds: number;
  threads: number;
  torch: string;
  batch_size: number;
  loss: number;
  items: number;
}

/**
 * One timed epoch of the article's model in a child process.
 *
 * @example
 * const e = runArticleEpoch('/usr/bin/python3', 'train.csv', { batchSize: 5120 });
 * e.samples_per_s; // e.g. 1e6
 */
export function runArticleEpoch(python: string, trainCsv: string, o: { batchSize: number; threads?: number; seed?: number }): TorchEpoch {
  const args = [SCRIPT, trainCsv, '--batch-size', String(o.batchSize), '--threads', String(o.threads ?? 0), '--seed', String(o.seed ?? 1)];
  const p = spawnSync(python, args, { encoding: 'utf8', timeout: 30 * 60_000, maxBuffer: 1 << 20 });
  if (p.status !== 0) throw new Error(`article_model.py failed (status ${p.status}, ${p.signal ?? 'no signal'}): ${(p.stderr || String(p.error ?? '')).slice(-500)}`);
  return JSON.parse(p.stdout.trim().split('\n').at(-1) ?? '') as TorchEpoch;
}

interface Timed {
  samples: number;
  seconds: number;
}

async function tastebudEpoch(train: InteractionSet, o: PretrainOptions): Promise<Timed & { loss: number }> {
  const { validate: _v, onEpoch: _e, onProgress: _p, ...rest } = o;
  const r = await pretrain(asPretrainData(train), { ...rest, epochs: 1, fitProjection: false });
  return { samples: r.report.samples, seconds: r.report.trainSeconds, loss: r.report.epochs[0].loss };
}

const rate = (runs: Timed[]): number => runs.reduce((s, r) => s + r.samples, 0) / runs.reduce((s, r) => s + r.seconds, 0);
const perRound = (runs: Timed[]): string => runs.map((r) => `${Math.round(r.samples / r.seconds / 1000)}k`).join(' / ');
const describe = (o: PretrainOptions): string =>
  `d=${o.dim ?? 32}, ${o.negatives ?? 4} negatives, ${o.batchSize ?? 1024} positives/batch, ${o.optimizer ?? 'adagrad'} lr ${o.lr ?? 0.05}`;

export interface TorchSideBySide {
  table: ResultRow[];
  summary: string;
  /** tastebud (same config) / PyTorch samples/s, per PyTorch batch size in rows; empty when skipped. */
  ratios: Record<string, number>;
  torch: string;
  runs?: { tastebud: Timed[]; tastebudDefault: Timed[]; pytorch: Record<string, TorchEpoch[]> };
}

/**
 * Runs the rounds (tastebud same config, PyTorch at each batch size, tastebud's `defaults`) and returns the rows.
 *
 * @example
 * const t = await measureTorchSideBySide(split.train, '../shared/data/ml-1m-implicit-afcfm', spec.train);
 * console.log(markdownTable(t.table), t.summary);
 */
export async function measureTorchSideBySide(
  train: InteractionSet,
  data: string,
  defaults: PretrainOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TorchSideBySide> {
  const py = findTorchPython(env);
  if (py.python === null) {
    console.warn(`SKIPPED PyTorch side by side: ${py.reason}`);
    return { table: [], summary: `PyTorch side by side skipped: ${py.reason}.`, ratios: {}, torch: py.reason };
  }
  const csv = data.endsWith('.csv') ? data : join(data, 'train.csv');
  const rounds = Number(env.TORCH_ROUNDS ?? 2);
  const batches = (env.TORCH_BATCHES ?? '5120,128').split(',').map(Number);
  const threads = Number(env.TORCH_THREADS ?? 0);
  const runs = { tastebud: [] as Timed[], tastebudDefault: [] as Timed[], pytorch: Object.fromEntries(batches.map((b) => [String(b), [] as TorchEpoch[]])) };
  for (let r = 1; r <= rounds; r++) {
    runs.tastebud.push(await tastebudEpoch(train, SAME_CONFIG));
    console.log(`  round ${r}: tastebud ${perRound(runs.tastebud.slice(-1))} samples/s`);
    for (const b of batches) {
      const e = runArticleEpoch(py.python, csv, { batchSize: b, threads });
      runs.pytorch[String(b)].push(e);
      console.log(`  round ${r}: PyTorch batch ${b}: ${Math.round(e.samples_per_s / 1000)}k samples/s (${e.threads} thread(s), loss ${e.loss})`);
    }
    runs.tastebudDefault.push(await tastebudEpoch(train, defaults));
    console.log(`  round ${r}: tastebud quality config ${perRound(runs.tastebudDefault.slice(-1))} samples/s`);
  }
  return assemble(py.version, train, runs, defaults);
}

function assemble(version: string, train: InteractionSet, runs: Required<TorchSideBySide>['runs'], defaults: PretrainOptions): TorchSideBySide {
  const ours = rate(runs.tastebud);
  const table: ResultRow[] = [];
  const ratios: Record<string, number> = {};
  const row = (name: string, rows: Timed[], extra: Record<string, string | number>): ResultRow => ({
    name,
    protocol: 'train, 1 epoch',
    metrics: {},
    extra: { ...extra, 'samples/s': Math.round(rate(rows)), 'per round': perRound(rows) },
  });
  table.push(row(`tastebud pretrain, same config (${describe(SAME_CONFIG)})`, runs.tastebud, { 'rows/step': 1024 * 5, threads: 1 }));
  const first = Object.values(runs.pytorch)[0]?.[0];
  for (const [b, eps] of Object.entries(runs.pytorch)) {
    const timed = eps.map((e) => ({ samples: e.samples, seconds: e.seconds }));
    ratios[b] = ours / rate(timed);
    const label = b === '128' ? "the article's batch" : b === '5120' ? "tastebud's batch" : `batch ${b}`;
    table.push(row(`PyTorch article model (d=64, Adam 1e-3, ${label})`, timed, { 'rows/step': Number(b), threads: eps[0].threads, 'tastebud / this': `${ratios[b].toFixed(2)}x` }));
  }
  table.push(row(`tastebud pretrain, quality-bench config (${describe(defaults)})`, runs.tastebudDefault, { 'rows/step': (defaults.batchSize ?? 1024) * (1 + (defaults.negatives ?? 4)), threads: 1 }));
  const ratioText = Object.entries(ratios).map(([b, r]) => `${r.toFixed(2)}x at ${b} rows/step`).join(', ');
  const mismatch = first && first.positives !== train.users.length ? ` Note: PyTorch read ${first.positives} positives, tastebud ${train.users.length}.` : '';
  const summary =
    `tastebud / PyTorch samples/s, one epoch each on the same training file: ${ratioText} (target ≥ 2x); ` +
    `against the issue's reference figure (${REFERENCE_TORCH_RATE / 1000}k samples/s) ${(ours / REFERENCE_TORCH_RATE).toFixed(1)}x. ` +
    `PyTorch ${version} on ${first?.threads ?? '?'} thread(s), tastebud on Node's one thread; ${runs.tastebud.length} interleaved rounds ` +
    `(per-round rates show the noise of a shared 2-core machine). Samples count positives and negatives; both epochs include negative ` +
    `sampling and the shuffle. Optimizers differ: the article's dense Adam (every row of both tables each step) vs tastebud's ` +
    `row-lazy Adagrad (only the rows in the batch).${mismatch}`;
  return { table, summary, ratios, torch: `torch ${version}`, runs };
}
