/**
 * `npm run bench:sequence-steps [ml1m|beauty]`: is tastebud's training step PyTorch's? PyTorch (bench/torch/sasrec.py,
 * mode "steps") takes SEQ_STEPS (default 200) Adam steps of the sampled-softmax loss from its own initial weights on its
 * own first batches and negatives; tastebud replays the same steps from the same weights through its trainer's own
 * pieces (buildBatch, batchGradients on TF.js wasm with the zero-copy Identity, adamStep) and the two are compared step
 * by step (loss) and at the end (each tensor's distance to PyTorch's, as a share of how far PyTorch moved it). The
 * steps are those of PyTorch's first epoch (at most).
 * Dropout is off on both sides (its masks cannot be shared). Writes bench/results/sequence_steps_<ds>.{json,md}.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseBackend } from '../../src/kernels/index.ts';
import { DEFAULT_SEQUENCE_TRAIN_OPTIONS } from '../../src/train/sequence/index.ts';
import { buildBatch } from '../../src/train/sequence/batches.ts';
import { adamStep, createAdam } from '../../src/train/sequence/adam.ts';
import { flatLayout, unflattenParams } from '../../src/train/sequence/flat_params.ts';
import { batchGradients, loadVariables } from '../../src/train/sequence/gradients.ts';
import { createSequenceVariables } from '../../src/train/sequence/tf_forward.ts';
import { installSimdBatchMatMul } from '../../src/train/sequence/simd/batch_matmul.ts';
import { installZeroCopyIdentity } from '../../src/train/sequence/wasm_identity.ts';
import { DATA } from '../lib/specs.ts';
import { torchBenchSplit } from './data.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const STEPS = Number(process.env.SEQ_STEPS ?? 200);

interface TorchSteps {
  batches: number[][][];
  negatives: number[][];
  losses: number[];
  start: Record<string, number[]>;
  end: Record<string, number[]>;
  torch: string;
}

async function main(): Promise<void> {
  const key = process.argv[2] ?? 'ml1m';
  const run = await torchBenchSplit(key, 'bench:sequence-steps', DATA);
  if (!run) return;
  const { split, python } = run;
  const o = { ...DEFAULT_SEQUENCE_TRAIN_OPTIONS, loss: 'sampled' as const, dropout: 0, lrDecay: 0 };
  const specPath = join(tmpdir(), `tastebud-seq-steps-${process.pid}.json`);
  writeFileSync(specPath, JSON.stringify({ mode: 'steps', steps: STEPS, numItems: split.numItems, threads: 1, options: { ...o, timeBudgetMs: undefined }, fit: split.fit.map((s) => Array.from(s)) }));
  const p = spawnSync(python, [join(ROOT, 'bench', 'torch', 'sasrec.py'), specPath], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (p.status !== 0) throw new Error(`sasrec.py failed: ${p.stderr}`);
  const ref = JSON.parse(p.stdout) as TorchSteps;

  const backend = (await chooseBackend(['wasm', 'cpu'])).backend;
  installZeroCopyIdentity();
  installSimdBatchMatMul();
  const config = { numItems: split.numItems, dim: o.dim, maxLen: o.maxLen, blocks: o.blocks, heads: o.heads, ffnDim: o.ffnDim };
  const layout = flatLayout(config);
  const params = new Float32Array(layout.size);
  for (const t of layout.tensors) params.set(ref.start[t.name], t.offset);
  const vars = createSequenceVariables(unflattenParams(params, layout, config));
  const adam = createAdam(layout.size, o.lr, 0.9, 0.98, 1e-8);
  const grad = new Float32Array(layout.size);
  const settings = { loss: o.loss, negatives: o.negatives, dropout: 0 };
  const lossDiff: number[] = [];
  ref.batches.forEach((rows, step) => {
    const windows = rows.map((r) => Int32Array.from(r));
    const batch = buildBatch(windows, Math.max(...windows.map((w) => w.length - 1)));
    loadVariables(vars, layout, params);
    const job = { batch, dropoutSeed: 0, negativeSeed: 0, negatives: Int32Array.from(ref.negatives[step]) };
    const loss = batchGradients(vars, config, layout, settings, job, grad);
    lossDiff.push(Math.abs(loss - ref.losses[step]));
    adamStep(adam, params, grad);
  });
  Object.values(vars).forEach((v) => v.dispose());
  const tensors = layout.tensors.map((t) => {
    let off = 0;
    let moved = 0;
    for (let i = 0; i < t.size; i++) {
      off += (params[t.offset + i] - ref.end[t.name][i]) ** 2;
      moved += (ref.end[t.name][i] - ref.start[t.name][i]) ** 2;
    }
    return { name: t.name, relativeDistance: Math.sqrt(off / moved) };
  });
  // A key bias shifts every logit of a query alike, so softmax ignores it: its true gradient is 0 and Adam moves it
  // by rounding noise on both sides. It is listed in the JSON, not judged.
  const judged = tensors.filter((t) => !t.name.endsWith('/bk'));
  const worst = judged.reduce((a, b) => (b.relativeDistance > a.relativeDistance ? b : a));
  const result = {
    generatedAt: new Date().toISOString(), dataset: split.name, steps: ref.losses.length, backend, torch: ref.torch, options: o,
    firstLoss: ref.losses[0], lastLoss: ref.losses.at(-1), maxLossDifference: Math.max(...lossDiff), worstTensor: worst, tensors,
  };
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `sequence_steps_${key}.json`), JSON.stringify(result, null, 2));
  const md = [
    `# tastebud's training steps against PyTorch's: ${split.name}, ${result.steps} Adam steps`,
    '',
    `The same start weights, batches and negatives on both sides (PyTorch ${ref.torch}; tastebud's trainer pieces on TF.js ${backend}), dropout off, settings \`${JSON.stringify({ ...o, timeBudgetMs: undefined })}\`.`,
    '',
    '| loss at step 1 | loss at the last step | largest loss difference | tensor farthest from PyTorch\'s (key biases aside) | its distance / PyTorch\'s movement |',
    '|---|---|---|---|---|',
    `| ${result.firstLoss.toFixed(4)} | ${result.lastLoss!.toFixed(4)} | ${result.maxLossDifference.toExponential(2)} | ${worst.name} | ${worst.relativeDistance.toExponential(2)} |`,
    '',
    'Key biases (`block*/bk`) are left out of the comparison: they shift every attention logit of a query alike, so their true gradient is 0 and Adam moves them by rounding noise on both sides (their figures are in the JSON).',
    '',
  ];
  writeFileSync(join(dir, `sequence_steps_${key}.md`), md.join('\n'));
  console.log(md.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
