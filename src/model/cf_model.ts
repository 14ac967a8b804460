/**
 * The collaborative-filtering model of DESIGN.md, as flat typed arrays:
 * `s(u,i) = w·(p_u ⊙ q_i) + b_i + b`, probability `σ(s)`.
 *
 * Tables are row-major `Float32Array`s so the same buffers back TF.js tensors, IndexedDB records and the
 * plain-TypeScript reference without copies.
 */
import { createRng } from './rng.ts';

export interface CfParams {
  numUsers: number;
  numItems: number;
  dim: number;
  /** p: [numUsers, dim] */
  userEmb: Float32Array;
  /** q: [numItems, dim] */
  itemEmb: Float32Array;
  /** b_i: [numItems] */
  itemBias: Float32Array;
  /** w: [dim], the interaction layer over p ⊙ q. */
  w: Float32Array;
  /** b: [1], the global bias. */
  bias: Float32Array;
}

export interface InitOptions {
  numUsers: number;
  numItems: number;
  dim: number;
  seed?: number;
  /** Standard deviation of the embedding initialisation. */
  scale?: number;
}

/** Fresh parameters: normal embeddings, `w = 1`, zero biases. */
export function createParams({ numUsers, numItems, dim, seed = 1, scale = 0.1 }: InitOptions): CfParams {
  assertPositiveInt('dim', dim);
  assertNonNegativeInt('numUsers', numUsers);
  assertNonNegativeInt('numItems', numItems);
  const rng = createRng(seed);
  const fill = (n: number): Float32Array => {
    const a = new Float32Array(n);
    for (let k = 0; k < n; k++) a[k] = rng.normal() * scale;
    return a;
  };
  return {
    numUsers,
    numItems,
    dim,
    userEmb: fill(numUsers * dim),
    itemEmb: fill(numItems * dim),
    itemBias: new Float32Array(numItems),
    w: new Float32Array(dim).fill(1),
    bias: new Float32Array(1),
  };
}

/** Deep copy, so a step on the copy leaves the original untouched. */
export function cloneParams(p: CfParams): CfParams {
  return {
    ...p,
    userEmb: p.userEmb.slice(),
    itemEmb: p.itemEmb.slice(),
    itemBias: p.itemBias.slice(),
    w: p.w.slice(),
    bias: p.bias.slice(),
  };
}

/** Logit `s(u,i)` for a user row and an item row. */
export function scorePair(p: CfParams, user: number, item: number): number {
  const d = p.dim;
  const uo = user * d;
  const io = item * d;
  let s = p.itemBias[item] + p.bias[0];
  for (let j = 0; j < d; j++) s += p.w[j] * p.userEmb[uo + j] * p.itemEmb[io + j];
  return s;
}

/**
 * The query vector `z = w ⊙ p` for a user vector `p`: scoring every item is then `V z + b_i (+ b)`,
 * one matrix-vector product, which is what the catalogue scan kernels compute.
 */
export function queryVector(w: Float32Array, userVec: Float32Array | ArrayLike<number>, out?: Float32Array): Float32Array {
  const z = out ?? new Float32Array(w.length);
  for (let j = 0; j < w.length; j++) z[j] = w[j] * userVec[j];
  return z;
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** `log(1 + e^x)` without overflow. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

function assertPositiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer, got ${v}`);
}
function assertNonNegativeInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
}
