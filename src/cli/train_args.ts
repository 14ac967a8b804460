/**
 * Options shared by the commands that read data and train (pretrain, evaluate, tune), and their mapping to
 * `loadDataset` and `pretrain` options.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import type { LoadOptions } from './datasets.ts';
import { FORMATS } from './datasets.ts';
import type { Specs, getters } from './args.ts';
import type { PretrainOptions } from '../train/pretrain.ts';
import { createAlsPool } from './als_pool.ts';
import { createSgdPool } from './sgd_pool.ts';
import { InvalidInputError } from '../errors.ts';
import { LIMITS } from '../limits.ts';

/** Integer options and their accepted ranges (dim: what the browser accepts, src/limits.ts). */
const INT_RANGES: [flag: string, min: number, max: number][] = [
  ['dim', 1, LIMITS.maxDim],
  ['epochs', 1, 10_000],
  ['negatives', 1, 1000],
  ['batch-size', 1, 1 << 20],
  ['patience', 0, 10_000],
  ['adv-start', 1, 10_000],
  ['als-cg-steps', 1, 1000],
  ['min-user', 0, 1e9],
  ['min-item', 0, 1e9],
  ['seed', 0, 2 ** 32 - 1],
];

/** Real-valued options and their accepted ranges ([min, max]; `open`: min itself refused). */
const REAL_RANGES: [flag: string, min: number, max: number, open?: boolean][] = [
  ['lr', 0, 100],
  ['lr-dense', 0, 100],
  ['l2', 0, 1e6],
  ['als-alpha', 0, 1e6],
  ['als-unobserved', 0, 1e6],
  ['als-reg-exponent', 0, 4],
  ['recency-boost', 0, 1e6],
  ['recency-half-life', 0, 1e9, true],
  ['adv-eps', 0, 100],
  ['adv-reg', 0, 1e6],
];

export const DATA_SPECS: Specs = {
  data: { type: 'string', help: 'interaction log file (or the ml-1m-implicit folder)' },
  format: { type: 'string', help: 'log format', choices: [...FORMATS], default: 'csv' },
  test: { type: 'string', help: 'separate test file in the same format (fixed split)' },
  attributes: { type: 'string', help: 'item attributes JSON {"item": [attr, ...]}' },
  candidates: { type: 'string', help: 'fixed NCF candidates file (user, test item, negatives)' },
  'skip-malformed': { type: 'boolean', help: 'skip and count malformed lines instead of stopping' },
  columns: { type: 'string', help: 'csv/tsv/ssv: the role of each column in order, e.g. user,item,weight or user,-,item,timestamp (- skips one); default: the header names, else user,item[,timestamp]' },
  holdout: { type: 'string', help: 'which event per user is held out: time (latest), file-order (last line), random (seeded); auto: time when the log has times, else file order', choices: ['auto', 'time', 'file-order', 'random'], default: 'auto' },
  repeats: { type: 'string', help: 'repeated (user, item) rows: keep each as an event, dedupe (one, largest weight), sum (one weighing their sum)', choices: ['keep', 'dedupe', 'sum'] },
  'min-rating': { type: 'number', help: 'MovieLens: drop ratings below this' },
  dedupe: { type: 'boolean', help: 'same as --repeats dedupe' },
  'min-user': { type: 'number', help: 'drop users with fewer interactions' },
  'min-item': { type: 'number', help: 'drop items with fewer interactions' },
  'k-core': { type: 'boolean', help: 'repeat the min-user/min-item filter until stable' },
  'event-weights': { type: 'string', help: 'event type weights, e.g. view=0.5,purchase=3 ("default" for the built-in table)' },
};

export const TRAIN_SPECS: Specs = {
  solver: { type: 'string', help: 'als: implicit alternating least squares (best on ML-1M and Beauty); sgd: sampled-loss mini-batches (BCE/BPR, APR)', choices: ['als', 'sgd'], default: 'als' },
  'als-alpha': { type: 'number', help: 'ALS: an observed pair weighs 1 + alpha x its weight (event type, recency)', default: 1 },
  'als-unobserved': { type: 'number', help: 'ALS: weight of every unobserved pair', default: 0.3 },
  'als-reg-exponent': { type: 'number', help: 'ALS: l2 scales with (pairs + unobserved x items)^this', default: 1 },
  'als-cg-steps': { type: 'number', help: 'ALS: conjugate-gradient steps per row', default: 3 },
  threads: { type: 'number', help: 'Worker threads for ALS, the sampled-loss trainer and sequence models (0: one per core, at most 8; ALS and the sampled-loss trainer use them from 50,000 interactions up; the sampled-loss trainer is reproducible on 1 only)', default: 0 },
  'recency-boost': { type: 'number', help: "extra weight of each user's latest interaction, halving every --recency-half-life events (0: off)", default: 4 },
  'recency-half-life': { type: 'number', help: 'events after which the recency boost halves', default: 5 },
  dim: { type: 'number', help: 'embedding size', default: 64 },
  epochs: { type: 'number', help: 'maximum epochs (ALS: iterations)', default: 20 },
  loss: { type: 'string', help: 'loss', choices: ['bce', 'bpr'], default: 'bce' },
  negatives: { type: 'number', help: 'sampled negatives per positive', default: 4 },
  sampler: { type: 'string', help: 'negative sampler', choices: ['uniform', 'popularity'], default: 'uniform' },
  lr: { type: 'number', help: 'learning rate', default: 0.05 },
  'lr-dense': { type: 'number', help: 'learning rate of w and b (default lr/10)' },
  l2: { type: 'number', help: 'L2 regularisation (ALS: its lambda); default 1e-4 for sgd, 0.005 for als' },
  optimizer: { type: 'string', help: 'optimiser', choices: ['adagrad', 'sgd'], default: 'adagrad' },
  'batch-size': { type: 'number', help: 'positives per mini-batch', default: 1024 },
  seed: { type: 'number', help: 'random seed (same seed, same model)', default: 1 },
  'adv-eps': { type: 'number', help: 'APR perturbation size (0: off)', default: 0 },
  'adv-reg': { type: 'number', help: 'APR adversarial loss weight', default: 1 },
  'adv-start': { type: 'number', help: 'first epoch with APR', default: 1 },
  patience: { type: 'number', help: 'early stopping: validations without improvement', default: 3 },
  backend: { type: 'string', help: 'trainer: plain TypeScript, or a TF.js backend', choices: ['plain', 'cpu', 'wasm'], default: 'plain' },
};

type Get = ReturnType<typeof getters>;

export function loadOptions(g: Get): LoadOptions {
  const ew = g.str('event-weights');
  return {
    data: g.required('data'),
    format: g.str('format') as LoadOptions['format'],
    test: g.str('test'),
    attributes: g.str('attributes'),
    candidates: g.str('candidates'),
    skipMalformed: g.bool('skip-malformed'),
    columns: g.str('columns'),
    holdout: g.str('holdout') === 'auto' ? undefined : (g.str('holdout') as LoadOptions['holdout']),
    repeats: g.str('repeats') as LoadOptions['repeats'],
    seed: g.num('seed'),
    minRating: g.num('min-rating'),
    dedupe: g.bool('dedupe'),
    minUser: g.num('min-user'),
    minItem: g.num('min-item'),
    kCore: g.bool('k-core'),
    eventWeights: ew === 'default' ? true : ew,
  };
}

/** Range checks of the integer options, run before any data is read (a typo fails in milliseconds, not after the load). */
export function checkIntegerFlags(g: Get): void {
  for (const [flag, min, max] of INT_RANGES) {
    const v = g.num(flag);
    if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= max)) throw new InvalidInputError(`--${flag} must be an integer in ${min}..${max}, got ${v}`);
  }
  for (const [flag, min, max, open] of REAL_RANGES) {
    const v = g.num(flag);
    if (v !== undefined && !((open ? v > min : v >= min) && v <= max)) throw new InvalidInputError(`--${flag} must be in ${open ? '(' : '['}${min}, ${max}], got ${v}`);
  }
  if (g.str('solver') === 'als' && (g.num('adv-eps') ?? 0) > 0) throw new InvalidInputError('--adv-eps (APR) needs --solver sgd; the ALS solver has no adversarial training');
}

export async function trainOptions(g: Get): Promise<PretrainOptions> {
  checkIntegerFlags(g);
  const o: PretrainOptions = {
    solver: g.str('solver') as PretrainOptions['solver'],
    alsAlpha: g.num('als-alpha'),
    alsUnobserved: g.num('als-unobserved'),
    alsRegExponent: g.num('als-reg-exponent'),
    alsCgSteps: g.num('als-cg-steps'),
    threads: threadCount(g.num('threads')),
    createAlsPool,
    createSgdPool,
    recencyBoost: g.num('recency-boost'),
    recencyHalfLife: g.num('recency-half-life'),
    dim: g.num('dim'),
    epochs: g.num('epochs'),
    loss: g.str('loss') as PretrainOptions['loss'],
    negatives: g.num('negatives'),
    sampler: g.str('sampler') as PretrainOptions['sampler'],
    lr: g.num('lr'),
    l2: g.num('l2'),
    optimizer: g.str('optimizer') as PretrainOptions['optimizer'],
    batchSize: g.num('batch-size'),
    seed: g.num('seed'),
    advEps: g.num('adv-eps'),
    advReg: g.num('adv-reg'),
    advStartEpoch: g.num('adv-start'),
    patience: g.num('patience'),
  };
  const lrDense = g.num('lr-dense');
  if (lrDense !== undefined) o.lrDense = lrDense;
  const backend = g.str('backend');
  if (backend && backend !== 'plain') {
    if (o.solver === 'als') throw new InvalidInputError(`--backend ${backend} runs the sampled-loss trainer on TF.js; add --solver sgd (ALS runs in plain TypeScript)`);
    Object.assign(o, await backendTrainer(backend as 'cpu' | 'wasm'));
  }
  return o;
}

function threadCount(asked: number | undefined): number {
  if (asked === undefined || asked === 0) return Math.min(8, availableParallelism());
  if (!(Number.isInteger(asked) && asked >= 1)) throw new InvalidInputError(`--threads must be a whole number >= 0, got ${asked}`);
  return asked;
}

/** A TF.js trainer on the cpu or wasm backend (the kernels module's sparse trainer). */
async function backendTrainer(backend: 'cpu' | 'wasm'): Promise<Pick<PretrainOptions, 'createTrainer' | 'trainerName'>> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const opts: { wasmPaths?: string } = {};
  if (backend === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    opts.wasmPaths = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
  }
  const { chooseBackend, createSparseTrainer } = await import('../kernels/index.ts');
  const choice = await chooseBackend([backend], opts);
  return { createTrainer: (p, cfg) => createSparseTrainer(p, cfg), trainerName: `tfjs-${choice.backend}:${tf.getBackend()}` };
}
