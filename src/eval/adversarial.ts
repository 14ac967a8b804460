/**
 * Robustness to perturbed embeddings (DESIGN.md protocol 3, the half that APR is for): the fast-gradient
 * perturbation of APR (He et al., SIGIR 2018), `Δ = ε·g/‖g‖` on every user and item row, where g is the
 * row's gradient of the BPR loss summed over the training pairs (one sampled negative each); HR@10 under it,
 * against HR@10 clean, is how much of its ranking a model keeps (bench/robust/run.ts). The random perturbation
 * of the same size per row is the control: what it costs is the size's share, the rest is the direction's.
 */
import type { CfParams } from '../model/cf_model.ts';
import { cloneParams, sigmoid, softplus } from '../model/cf_model.ts';
import { createRng, type Rng } from '../model/rng.ts';
import { InvalidInputError } from '../errors.ts';
import type { CandidateSet } from '../data/ncf_candidates.ts';
import type { UserItemIndex } from '../train/user_index.ts';
import { evaluateCandidates, evaluateFullRanking, type ProtocolResult } from './protocols.ts';
import { createParamsScorer } from './scorers.ts';

export type PerturbationKind = 'adversarial' | 'random';

export interface PerturbOptions {
  /** L2 norm of each row's perturbation (ε). */
  eps: number;
  kind?: PerturbationKind;
  /** Seed of the sampled negatives (adversarial) or of the directions (random). */
  seed?: number;
}

/**
 * A copy of `p` with every user and item row moved by ε (`params` is left as it was). Rows the training pairs
 * never touch are not moved by the adversarial perturbation (their gradient is 0).
 *
 * @example
 * const attacked = perturbEmbeddings(params, train, { eps: 0.5 });
 * evaluateFullRanking(createParamsScorer(attacked), seen, test);
 */
export function perturbEmbeddings(p: CfParams, train: { users: Int32Array; items: Int32Array }, { eps, kind = 'adversarial', seed = 0 }: PerturbOptions): CfParams {
  checkEps(eps);
  return eps === 0 ? cloneParams(p) : moved(p, directions(p, train, kind, seed), eps);
}

interface Directions {
  user: Float32Array;
  item: Float32Array;
}

/** Each row's direction before normalising: its BPR gradient, or a normal draw. The same for every ε. */
function directions(p: CfParams, train: { users: Int32Array; items: Int32Array }, kind: PerturbationKind, seed: number): Directions {
  if (train.users.length !== train.items.length) throw new InvalidInputError('perturbation: users and items must have the same length');
  const rng = createRng(seed);
  const dir = { user: new Float32Array(p.userEmb.length), item: new Float32Array(p.itemEmb.length) };
  if (kind === 'adversarial') bprGradient(p, train, rng, dir.user, dir.item);
  else {
    fillNormal(dir.user, rng);
    fillNormal(dir.item, rng);
  }
  return dir;
}

/** A copy of `p` with each row moved by ε along its direction. */
function moved(p: CfParams, dir: Directions, eps: number): CfParams {
  const out = cloneParams(p);
  addScaledRows(out.userEmb, dir.user, p.dim, eps);
  addScaledRows(out.itemEmb, dir.item, p.dim, eps);
  return out;
}

function checkEps(eps: number): void {
  if (!Number.isFinite(eps) || eps < 0) throw new InvalidInputError(`perturbation eps must be a finite number >= 0, got ${eps}`);
}

/**
 * Mean BPR loss of the pairs against `negatives` sampled items each, with every triple (u, i, j) attacked on
 * its own: its three rows moved by ε along that triple's loss gradient. This is the attack APR's training step
 * defends against (a mini-batch touches most rows once), where `perturbEmbeddings` moves each row once for all
 * of its pairs (the robustness experiment of the APR paper). ε = 0 gives the clean sampled loss.
 *
 * @example
 * attackedPairLoss(params, train, 0.5) > attackedPairLoss(params, train, 0); // true
 */
export function attackedPairLoss(p: CfParams, train: { users: Int32Array; items: Int32Array }, eps: number, { negatives = 8, seed = 0, maxPairs = 200_000 } = {}): number {
  checkEps(eps);
  const d = p.dim;
  const { w, userEmb: P, itemEmb: Q, itemBias: b } = p;
  const rng = createRng(seed);
  const stride = Math.max(1, Math.floor(train.users.length / maxPairs));
  const gu = new Float64Array(d);
  const gq = new Float64Array(d);
  let acc = 0;
  let n = 0;
  for (let k = 0; k < train.users.length; k += stride) {
    const uo = train.users[k] * d;
    const i = train.items[k];
    const io = i * d;
    for (let s = 0; s < negatives; s++) {
      let j = rng.int(p.numItems - 1);
      if (j >= i) j++;
      const jo = j * d;
      // the loss falls as x = s(u,i) − s(u,j) rises: ∂x/∂p_u = w ⊙ (q_i − q_j), ∂x/∂q_i = w ⊙ p_u = −∂x/∂q_j
      let nu = 0;
      let nq = 0;
      for (let c = 0; c < d; c++) {
        gu[c] = w[c] * (Q[io + c] - Q[jo + c]);
        gq[c] = w[c] * P[uo + c];
        nu += gu[c] * gu[c];
        nq += gq[c] * gq[c];
      }
      const su = nu > 0 ? eps / Math.sqrt(nu) : 0;
      const sq = nq > 0 ? eps / Math.sqrt(nq) : 0;
      let x = b[i] - b[j];
      for (let c = 0; c < d; c++) x += w[c] * (P[uo + c] - su * gu[c]) * (Q[io + c] - Q[jo + c] - 2 * sq * gq[c]);
      acc += softplus(-x);
      n++;
    }
  }
  return n ? acc / n : 0;
}

/** Row gradients of Σ softplus(−(s(u,i) − s(u,j))) over the pairs (u, i), j uniform among the other items. */
function bprGradient(p: CfParams, train: { users: Int32Array; items: Int32Array }, rng: Rng, gUser: Float32Array, gItem: Float32Array): void {
  const d = p.dim;
  const { w, userEmb: P, itemEmb: Q, itemBias: b } = p;
  for (let n = 0; n < train.users.length; n++) {
    const u = train.users[n];
    const i = train.items[n];
    if (u < 0 || u >= p.numUsers || i < 0 || i >= p.numItems) throw new InvalidInputError(`perturbation: pair ${n} (${u}, ${i}) is out of range`);
    let j = rng.int(p.numItems - 1);
    if (j >= i) j++;
    const uo = u * d;
    const io = i * d;
    const jo = j * d;
    let x = b[i] - b[j];
    for (let k = 0; k < d; k++) x += w[k] * P[uo + k] * (Q[io + k] - Q[jo + k]);
    const c = -sigmoid(-x); // dL/dx
    for (let k = 0; k < d; k++) {
      gUser[uo + k] += c * w[k] * (Q[io + k] - Q[jo + k]);
      const gq = c * w[k] * P[uo + k];
      gItem[io + k] += gq;
      gItem[jo + k] -= gq;
    }
  }
}

function fillNormal(a: Float32Array, rng: Rng): void {
  for (let k = 0; k < a.length; k++) a[k] = rng.normal();
}

/** rows += eps · g_row / ‖g_row‖ (rows with a zero gradient stay). */
function addScaledRows(rows: Float32Array, g: Float32Array, d: number, eps: number): void {
  for (let o = 0; o < rows.length; o += d) {
    let sq = 0;
    for (let k = 0; k < d; k++) sq += g[o + k] * g[o + k];
    if (sq === 0) continue;
    const s = eps / Math.sqrt(sq);
    for (let k = 0; k < d; k++) rows[o + k] += s * g[o + k];
  }
}

/** Mean L2 norm of the rows of a [n, d] table (so ε can be read against the embeddings' own size). */
export function meanRowNorm(rows: Float32Array, d: number): number {
  let acc = 0;
  let n = 0;
  for (let o = 0; o < rows.length; o += d) {
    let sq = 0;
    for (let k = 0; k < d; k++) sq += rows[o + k] * rows[o + k];
    acc += Math.sqrt(sq);
    n++;
  }
  return n ? acc / n : 0;
}

/** One row of a robustness table: the model's metrics under a perturbation of size ε. */
export interface PerturbedResult {
  kind: PerturbationKind;
  eps: number;
  full: ProtocolResult;
  ncf: ProtocolResult | null;
}

/**
 * Full ranking (and NCF, given candidates) of `params` under each ε, adversarial and random (each kind's
 * directions are found once and scaled to every ε, as `perturbEmbeddings` would for each).
 *
 * @example
 * evaluatePerturbed(params, train, seen, test, candidates, [0.25, 0.5]).map((r) => r.full.metrics['HR@10']);
 */
export function evaluatePerturbed(
  params: CfParams,
  train: { users: Int32Array; items: Int32Array },
  seen: UserItemIndex,
  test: { users: Int32Array; items: Int32Array },
  candidates: CandidateSet[] | null,
  epsList: number[],
  { ks = [10], kinds = ['adversarial', 'random'] as PerturbationKind[], seed = 0 } = {},
): PerturbedResult[] {
  epsList.forEach(checkEps);
  const byKind = new Map(kinds.map((kind) => [kind, directions(params, train, kind, seed)]));
  const out: PerturbedResult[] = [];
  for (const eps of epsList) {
    for (const kind of kinds) {
      const scorer = createParamsScorer(moved(params, byKind.get(kind)!, eps), `tastebud, ${kind} ε = ${eps}`);
      out.push({ kind, eps, full: evaluateFullRanking(scorer, seen, test, { ks }), ncf: candidates ? evaluateCandidates(scorer, candidates, { ks }) : null });
    }
  }
  return out;
}
