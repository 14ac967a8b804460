/**
 * The shopper's vector under a sequence model (`GlobalModel.sequence`): the encoder's `h` over the newest
 * learned clicks, plus what the device learns on top of it —
 *   z = p_0 + c_n·(h − p_0) + δ + γ·(p_u − p_0),   c_n = n / (n + κ) for a window of n known clicks
 * where δ is a per-user delta learned from each click (sampled-softmax step at its own rate, with a proximal
 * pull back to 0 so a thin history stays close to the model), and γ mixes in the matrix-factorisation learner's
 * fold-in p_u (the closed-form anchor of the same clicks against the same item table; γ = 0 turns it off), and
 * κ (`priorClicks`) shrinks a short history's encoding toward the prior, as the matrix-factorisation fold-in's
 * ridge does (κ = 0: not shrunk). γ and κ are chosen per shop by `pretrain --model sasrec --auto` and shipped in
 * the artefact (`learner.sequence`, sequence_settings.ts).
 * Empty history (or only unknown items): h is the model's prior p_0, fitted by the CLI to what the log's shoppers
 * clicked first (train/start_prior.ts). h is never persisted: it is re-encoded from the stored history after a restore or a
 * model change, so a new model version reads the same clicks with its own encoder (transfer).
 */
import type { SequenceParams } from '../model/sequence/types.ts';
import { encodeSequence } from '../model/sequence/encode.ts';
import type { Rng } from '../model/rng.ts';
import type { ModelContext } from './model_context.ts';
import type { LocalState } from './user_state.ts';
import type { SequenceSettings } from './sequence_settings.ts';

export { DEFAULT_SEQUENCE, resolveSequenceSettings, type SequenceSettings } from './sequence_settings.ts';

/**
 * The seam for faster forward passes: the worker may replace the plain-TypeScript reference with a TF.js one
 * (per backend); whatever it returns is checked for finiteness before use.
 */
export interface SequenceEncoder {
  /** `h` for item indices, oldest first (never empty; at most `maxLen`). */
  encode(items: Int32Array): Float32Array | Promise<Float32Array>;
  dispose?(): void;
}

export type CreateSequenceEncoder = (params: SequenceParams) => SequenceEncoder | Promise<SequenceEncoder>;

/** The plain-TypeScript reference forward (`model/sequence/encode.ts`), the default encoder. */
export function createPlainSequenceEncoder(params: SequenceParams): SequenceEncoder {
  return { encode: (items) => encodeSequence(params, items) };
}

/** `stats().learner.sequence` under a sequence model. */
export interface SequenceStats {
  /** The model's window (events read per encode). */
  maxLen: number;
  /** Clicks read by the last encode. */
  window: number;
  /** Known clicks older than the window, left out of the encode (the history is longer than maxLen). */
  truncated: number;
  /** True when ranking uses the prior p_0: no known click yet (empty history, or only unknown items). */
  prior: boolean;
  /** Encodes that failed or gave non-finite values (the prior ranked instead). */
  encodeFailures: number;
}

export function sequenceStats(seq: SequenceUserState, maxLen: number): SequenceStats {
  return { maxLen, window: seq.window, truncated: seq.truncated, prior: seq.h === null, encodeFailures: seq.failures };
}

/** The injected encoder, or the reference when there is none or it fails to start (the engine must still rank). */
export async function startEncoder(params: SequenceParams, create?: CreateSequenceEncoder): Promise<SequenceEncoder> {
  if (!create) return createPlainSequenceEncoder(params);
  try {
    return await create(params);
  } catch (err) {
    console.warn('tastebud: the sequence encoder could not start; using the plain-TypeScript forward pass', err);
    return createPlainSequenceEncoder(params);
  }
}

export interface SequenceUserState {
  /** Encoder output over the current window; null: no known clicks (or the encoder failed), rank with p_0. */
  h: Float32Array | null;
  /** c_n = n / (n + κ): how much h counts against p_0 (1 when κ = 0). */
  shrink: number;
  /** Per-user delta δ (persisted). */
  delta: Float32Array;
  /** `LocalState.learned` when h was encoded: a delta step only runs on an h that saw every click before it. */
  encodedAt: number;
  /** Items read by the last encode, and known history items left out of the window. */
  window: number;
  truncated: number;
  /** Encodes whose output was not finite (the prior ranked instead). */
  failures: number;
}

export function createSequenceUserState(dim: number, delta?: Float32Array): SequenceUserState {
  return { h: null, shrink: 1, delta: delta?.length === dim ? delta.slice() : new Float32Array(dim), encodedAt: -1, window: 0, truncated: 0, failures: 0 };
}

/** The newest `maxLen` learned clicks this model knows, as item rows, oldest first; and how many were cut. */
export function historyWindow(ctx: ModelContext, s: LocalState, maxLen: number): { rows: Int32Array; truncated: number } {
  const known: number[] = [];
  for (const e of s.history) {
    const row = ctx.index.get(e.itemId);
    if (row !== undefined) known.push(row);
  }
  const from = Math.max(0, known.length - maxLen);
  return { rows: Int32Array.from(known.slice(from)), truncated: from };
}

/**
 * Re-encodes the window into `s.seq.h`. Safe to run while `recommend` reads the state: h is swapped in whole.
 *
 * @example
 * await encodeHistory(ctx, state, encoder);
 */
export async function encodeHistory(ctx: ModelContext, s: LocalState, encoder: SequenceEncoder, priorClicks = 0): Promise<void> {
  const seq = s.seq;
  const params = ctx.model.sequence;
  if (!seq || !params) return;
  const learned = s.learned;
  const { rows, truncated } = historyWindow(ctx, s, params.config.maxLen);
  let h: Float32Array | null = null;
  if (rows.length > 0) {
    try {
      const out = await encoder.encode(rows);
      if (out.length === ctx.dim && out.every(Number.isFinite)) h = out;
      else seq.failures++;
    } catch (err) {
      seq.failures++;
      console.warn('tastebud: encoding the history failed; ranking with the prior', err);
    }
  }
  if (s.seq !== seq) return; // forgotten or replaced while the encoder ran
  const shrink = priorClicks > 0 ? rows.length / (rows.length + priorClicks) : 1;
  Object.assign(seq, { h, shrink, encodedAt: learned, window: rows.length, truncated });
}

/** z = p_0 + c_n·(h − p_0) + δ + γ·(p_u − p_0) (h = p_0 when null): the vector `recommend` scans the catalogue with. */
export function sequenceQuery(ctx: ModelContext, s: LocalState, hybrid: number): Float32Array {
  const seq = s.seq!;
  const p0 = ctx.model.priorUser;
  const h = seq.h ?? p0;
  const c = seq.h ? seq.shrink : 1;
  const z = new Float32Array(ctx.dim);
  for (let j = 0; j < ctx.dim; j++) {
    const base = c === 1 ? h[j] : p0[j] + c * (h[j] - p0[j]); // κ = 0 reads h itself, not p_0 + (h − p_0)
    z[j] = base + seq.delta[j] + hybrid * (s.p[j] - p0[j]);
  }
  return z;
}

/**
 * One sampled-softmax step on δ for the click on `row`, against the vector that ranked it (h before the click):
 * gradient Σ_k (softmax_k − y_k)·q_k over the positive and `negatives` popularity-sampled items, then the
 * proximal step δ ← δ / (1 + lr·λ). Skipped when h is stale (replays, where clicks arrive faster than encodes).
 */
export function stepDelta(ctx: ModelContext, s: LocalState, row: number, cfg: SequenceSettings, rng: Rng, learnedBefore: number): void {
  const seq = s.seq;
  if (!seq || cfg.lrDelta === 0 || seq.encodedAt !== learnedBefore) return;
  const d = ctx.dim;
  const rows = [row];
  for (let k = 0; k < cfg.negatives; k++) {
    const i = ctx.sampler.sample(rng, s.seen);
    if (i >= 0) rows.push(i);
  }
  const z = sequenceQuery(ctx, s, 0);
  const logits = rows.map((i) => dotRow(ctx.itemEmb, i, d, z) + ctx.itemBias[i]);
  const max = Math.max(...logits);
  const exp = logits.map((l) => Math.exp(l - max));
  const total = exp.reduce((a, b) => a + b, 0);
  const g = new Float32Array(d);
  rows.forEach((i, k) => {
    const coef = exp[k] / total - (k === 0 ? 1 : 0);
    for (let j = 0; j < d; j++) g[j] += coef * ctx.itemEmb[i * d + j];
  });
  const shrink = 1 / (1 + cfg.lrDelta * cfg.proximalDelta);
  for (let j = 0; j < d; j++) seq.delta[j] = (seq.delta[j] - cfg.lrDelta * g[j]) * shrink;
}

function dotRow(v: Float32Array, i: number, d: number, z: Float32Array): number {
  let acc = 0;
  for (let j = 0; j < d; j++) acc += v[i * d + j] * z[j];
  return acc;
}
