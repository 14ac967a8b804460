/**
 * The contract suite: one backend-agnostic module that checks a TF.js backend's kernels against the
 * plain-TypeScript reference and returns structured results. Run in Node by Vitest (cpu, wasm) and in Chromium
 * inside a Worker (webgpu, webgl, wasm, cpu) by `harness/` + `e2e/contract.spec.ts`. No test framework here.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidInputError } from '../../src/errors.ts';
import { chooseBackend, createCatalogueScanner, createSparseTrainer, defaultTrainerKind } from '../../src/kernels/index.ts';
import type { BackendName, ChooseBackendOptions, TrainerKind } from '../../src/kernels/index.ts';
import { cloneParams, createParams, queryVector } from '../../src/model/cf_model.ts';
import type { CfParams } from '../../src/model/cf_model.ts';
import { createAdagradState, DEFAULT_STEP, sparseStep } from '../../src/model/sparse_step.ts';
import type { StepConfig } from '../../src/model/sparse_step.ts';
import { scanTopK } from '../../src/model/top_k.ts';
import type { TopK } from '../../src/model/top_k.ts';
import { sequenceChecks } from './sequence_checks.ts';
import { catalogueWithTies, checkerboard, clickBatch, randomBatches, smallParams } from './problems.ts';

export interface CheckResult {
  name: string;
  ok: boolean;
  ms: number;
  detail: Record<string, unknown>;
}

export interface SuiteResult {
  backend: string;
  choice: { backend: string; skipped: { backend: string; reason: string }[]; details: Record<string, unknown> };
  checks: CheckResult[];
  ok: boolean;
}

export interface SuiteOptions extends ChooseBackendOptions {
  backend: BackendName;
  /** Steps of the leak check (default 1000). */
  leakSteps?: number;
  /** Trainer implementations to check (default: the backend's own and the generic gather + scatter). */
  trainerKinds?: TrainerKind[];
}

export const LOSS_TOLERANCE = 1e-4;
const PARAM_TOLERANCE = 1e-3;
const TIE_TOLERANCE = 1e-4;

const CONFIGS: Record<string, StepConfig> = {
  'bce-sgd': { ...DEFAULT_STEP, optimizer: 'sgd', lrUser: 0.5, lrItem: 0.5, lrDense: 0.05 },
  'bce-adagrad': { ...DEFAULT_STEP },
  'bpr-adagrad': { ...DEFAULT_STEP, loss: 'bpr' },
  'bce-adagrad-frozen-items': { ...DEFAULT_STEP, lrItem: 0, lrDense: 0, l2User: 1e-3 },
};

async function timed(name: string, fn: () => Promise<{ ok: boolean; detail: Record<string, unknown> }>): Promise<CheckResult> {
  const t0 = performance.now();
  try {
    const r = await fn();
    return { name, ...r, ms: Math.round(performance.now() - t0) };
  } catch (e) {
    const err = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { name, ok: false, ms: Math.round(performance.now() - t0), detail: { error: err.slice(0, 500) } };
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = a.length === b.length ? 0 : Infinity;
  for (let k = 0; k < a.length && k < b.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

function paramsDiff(a: CfParams, b: CfParams): number {
  return Math.max(
    maxAbsDiff(a.userEmb, b.userEmb),
    maxAbsDiff(a.itemEmb, b.itemEmb),
    maxAbsDiff(a.itemBias, b.itemBias),
    maxAbsDiff(a.w, b.w),
    maxAbsDiff(a.bias, b.bias),
  );
}

/** Same loss per step (1e-4) and same final parameters (1e-3) as `sparseStep` on the same batches. */
async function checkTrajectory(kind: TrainerKind, cfgName: string): Promise<{ ok: boolean; detail: Record<string, unknown> }> {
  const cfg = CONFIGS[cfgName];
  const p0 = smallParams();
  const batches = randomBatches(p0, 12, 200, 99, cfg.loss === 'bpr');
  const ref = cloneParams(p0);
  const st = createAdagradState(ref);
  const refLoss = batches.map((b) => sparseStep(ref, st, b, cfg));
  const trainer = await createSparseTrainer(p0, cfg, { kind });
  const got: number[] = [];
  for (const b of batches) got.push(await trainer.step(b));
  const trained = await trainer.read();
  trainer.dispose();
  const lossDiff = Math.max(...got.map((l, s) => Math.abs(l - refLoss[s])));
  const paramDiff = paramsDiff(trained, ref);
  return {
    ok: lossDiff <= LOSS_TOLERANCE && paramDiff <= PARAM_TOLERANCE,
    detail: { kind: trainer.kind, lossDiff, paramDiff, refLoss: refLoss.map((l) => +l.toFixed(6)), loss: got.map((l) => +l.toFixed(6)) },
  };
}

/** Same indices as the reference, except where neighbouring reference scores tie (then equal scores). */
export function sameTopK(ref: TopK, got: TopK): boolean {
  if (ref.indices.length !== got.indices.length) return false;
  for (let q = 0; q < ref.indices.length; q++) {
    if (Math.abs(ref.scores[q] - got.scores[q]) > TIE_TOLERANCE) return false;
    if (ref.indices[q] === got.indices[q]) continue;
    const tiedBefore = q > 0 && Math.abs(ref.scores[q - 1] - ref.scores[q]) <= TIE_TOLERANCE;
    const tiedAfter = q + 1 < ref.indices.length && Math.abs(ref.scores[q + 1] - ref.scores[q]) <= TIE_TOLERANCE;
    if (!tiedBefore && !tiedAfter) return false;
  }
  return true;
}

async function checkTopK(): Promise<{ ok: boolean; detail: Record<string, unknown> }> {
  const N = 3000;
  const d = 16;
  const { itemEmb, itemBias } = catalogueWithTies(N, d, 5);
  const scanner = createCatalogueScanner(itemEmb, itemBias, d);
  const cases: { k: number; exclude: Uint8Array | null; z: Float32Array }[] = [];
  const zTie = itemEmb.slice(3 * d, 4 * d); // scores rows 3, 5, 17, 40 highest and equal
  cases.push({ k: 10, exclude: null, z: zTie });
  const ex = new Uint8Array(N);
  ex[3] = 1;
  ex[17] = 1;
  cases.push({ k: 10, exclude: ex, z: zTie });
  for (let s = 0; s < 4; s++) {
    const q = createParams({ numUsers: 1, numItems: 0, dim: d, seed: 100 + s, scale: 1 }).userEmb;
    cases.push({ k: [1, 10, 50, 3000][s], exclude: s % 2 ? ex : null, z: q });
  }
  const mismatches: number[] = [];
  for (let c = 0; c < cases.length; c++) {
    const { k, exclude, z } = cases[c];
    if (!sameTopK(scanTopK(itemEmb, itemBias, z, k, exclude), await scanner.topK(z, k, exclude))) mismatches.push(c);
  }
  const tie = await scanner.topK(zTie, 4);
  scanner.dispose();
  const tieOrder = Array.from(tie.indices);
  return { ok: mismatches.length === 0 && tieOrder.join() === '3,5,17,40', detail: { kind: scanner.kind, cases: cases.length, mismatches, tieOrder } };
}

/**
 * `setItems` across the wasm scanner's transpose cap, both ways: the layout follows the current table (columns
 * only on wasm, only up to the cap) and every answer is still the reference's.
 */
async function checkSetItems(): Promise<{ ok: boolean; detail: Record<string, unknown> }> {
  const d = 8;
  const small = catalogueWithTies(400, d, 21);
  const big = catalogueWithTies(900, d, 22);
  const cap = small.itemEmb.length;
  const scanner = createCatalogueScanner(small.itemEmb, small.itemBias, d, { transposeMaxFloats: cap });
  const columns = scanner.kind === 'tensor' && tf.getBackend() === 'wasm';
  const steps: { items: number; layout: string; expected: string; same: boolean }[] = [];
  for (const t of [small, big, small]) {
    if (scanner.numItems !== t.itemBias.length) await scanner.setItems(t.itemEmb, t.itemBias);
    const z = createParams({ numUsers: 1, numItems: 0, dim: d, seed: 7 + steps.length, scale: 1 }).userEmb;
    const same = sameTopK(scanTopK(t.itemEmb, t.itemBias, z, 10), await scanner.topK(z, 10));
    steps.push({ items: scanner.numItems, layout: scanner.layout, expected: columns && t.itemEmb.length <= cap ? 'columns' : 'rows', same });
  }
  scanner.dispose();
  return { ok: steps.every((s) => s.same && s.layout === s.expected), detail: { kind: scanner.kind, cap, steps } };
}

/** Train on the checkerboard without its diagonal; each user's top unseen item must be itself. */
async function checkCheckerboard(): Promise<{ ok: boolean; detail: Record<string, unknown> }> {
  const n = 12;
  const { batch, seen } = checkerboard(n);
  const p0 = createParams({ numUsers: n, numItems: n, dim: 8, seed: 3, scale: 0.3 });
  const trainer = await createSparseTrainer(p0, { ...DEFAULT_STEP, lrDense: 0.05, l2User: 1e-4, l2Item: 1e-4 });
  const losses: number[] = [];
  for (let s = 0; s < 60; s++) losses.push(await trainer.step(batch));
  const p = await trainer.read();
  trainer.dispose();
  const scanner = createCatalogueScanner(p.itemEmb, p.itemBias, p.dim);
  const top1: number[] = [];
  for (let u = 0; u < n; u++) {
    const r = await scanner.topK(queryVector(p.w, p.userEmb.subarray(u * p.dim, (u + 1) * p.dim)), 1, seen[u]);
    top1.push(r.indices[0]);
  }
  scanner.dispose();
  const hits = top1.filter((i, u) => i === u).length;
  return { ok: hits === n, detail: { hits, users: n, top1, firstLoss: losses[0], lastLoss: losses[losses.length - 1] } };
}

/** `tf.memory().numTensors` flat over many steps and scans, and back to the start after dispose. */
async function checkLeaks(steps: number): Promise<{ ok: boolean; detail: Record<string, unknown> }> {
  const start = tf.memory().numTensors;
  const p0 = createParams({ numUsers: 200, numItems: 300, dim: 16, seed: 11 });
  const trainer = await createSparseTrainer(p0, DEFAULT_STEP);
  const scanner = createCatalogueScanner(p0.itemEmb, p0.itemBias, p0.dim);
  const z = p0.userEmb.slice(0, 16);
  for (let s = 0; s < 5; s++) await trainer.step(clickBatch(p0, s));
  const warm = tf.memory().numTensors;
  let last = 0;
  for (let s = 0; s < steps; s++) {
    last = await trainer.step(clickBatch(p0, 1000 + s));
    if (s % 20 === 0) await scanner.topK(z, 10);
  }
  const after = tf.memory().numTensors;
  trainer.dispose();
  scanner.dispose();
  const end = tf.memory().numTensors;
  return { ok: after === warm && end === start && Number.isFinite(last), detail: { steps, start, warm, after, end } };
}

/** A batch naming a row outside the table is refused with InvalidInputError and changes nothing. */
async function checkBadInput(): Promise<{ ok: boolean; detail: Record<string, unknown> }> {
  const p0 = smallParams(8);
  const trainer = await createSparseTrainer(p0, DEFAULT_STEP);
  let name = 'no error';
  try {
    await trainer.step({ users: Int32Array.of(0, 1), items: Int32Array.of(2, p0.numItems), labels: Float32Array.of(1, 0) });
  } catch (e) {
    name = e instanceof InvalidInputError ? 'InvalidInputError' : String(e);
  }
  const diff = paramsDiff(await trainer.read(), p0);
  trainer.dispose();
  return { ok: name === 'InvalidInputError' && diff === 0, detail: { error: name, paramDiff: diff } };
}

/**
 * Chooses `opts.backend` (and only it), then runs every check.
 *
 * @example
 * const r = await runContractSuite({ backend: 'wasm' });
 * r.ok; // true when every check passed; r.checks lists each with its numbers
 */
export async function runContractSuite(opts: SuiteOptions): Promise<SuiteResult> {
  const choice = await chooseBackend([opts.backend], opts);
  const own = defaultTrainerKind(opts.backend);
  const kinds = opts.trainerKinds ?? [...new Set<TrainerKind>([own, 'gather-scatter'])];
  const checks: CheckResult[] = [];
  checks.push({
    name: 'backend',
    ok: choice.backend === opts.backend && tf.getBackend() === opts.backend,
    ms: 0,
    detail: { active: tf.getBackend(), ...choice.details },
  });
  for (const kind of kinds)
    for (const cfgName of Object.keys(CONFIGS)) checks.push(await timed(`trajectory:${kind}:${cfgName}`, () => checkTrajectory(kind, cfgName)));
  checks.push(await timed('top-k', checkTopK));
  checks.push(await timed('top-k-set-items', checkSetItems));
  checks.push(await timed('checkerboard', checkCheckerboard));
  checks.push(await timed('bad-input', checkBadInput));
  checks.push(await timed('no-leaks', () => checkLeaks(opts.leakSteps ?? 1000)));
  for (const [name, fn] of sequenceChecks()) checks.push(await timed(name, fn));
  return { backend: tf.getBackend(), choice, checks, ok: checks.every((c) => c.ok) };
}
