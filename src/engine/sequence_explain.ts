/**
 * "Because you viewed …" under a sequence model. Attention has no exact additive split like the fold-in's, so
 * each recent click's contribution is measured by occlusion: the item's score with the window as it is, minus
 * its score with that one click left out (re-encoded). A click the encoder relies on for this item scores high;
 * one it ignores scores about 0. The prior part is the item's score under p_0 (what a new shopper sees).
 */
import type { Explanation } from './api.ts';
import type { ModelContext } from './model_context.ts';
import type { LocalState } from './user_state.ts';
import type { HistoryEntry } from './user_state.ts';
import type { SequenceEncoder } from './sequence_user.ts';

/** Clicks tried by occlusion, newest first: each costs one encode. */
export const EXPLAIN_CLICKS = 20;

/**
 * @example
 * await explainSequence(ctx, state, encoder, ctx.index.get('sku-7')!); // { itemId: 'sku-7', because: [...], popularity: 0.2 }
 */
export async function explainSequence(ctx: ModelContext, s: LocalState, encoder: SequenceEncoder, row: number, max = 5): Promise<Explanation> {
  const params = ctx.model.sequence!;
  const d = ctx.dim;
  const q = ctx.itemEmb.subarray(row * d, row * d + d);
  const delta = s.seq?.delta ?? new Float32Array(d);
  const score = (h: Float32Array): number => {
    let acc = ctx.itemBias[row];
    for (let j = 0; j < d; j++) acc += (h[j] + delta[j]) * q[j];
    return acc;
  };
  const known = s.history.filter((e) => ctx.index.has(e.itemId)).slice(-params.config.maxLen);
  const prior = ctx.itemBias[row] + dotOf(ctx.model.priorUser, q);
  if (known.length === 0) return { itemId: ctx.model.itemIds[row], because: [], popularity: 1 };
  const rowsOf = (entries: HistoryEntry[]): Int32Array => Int32Array.from(entries, (e) => ctx.index.get(e.itemId)!);
  const full = score(await encoder.encode(rowsOf(known)));
  const because: Explanation['because'] = [];
  for (let t = known.length - 1; t >= Math.max(0, known.length - EXPLAIN_CLICKS); t--) {
    const rest = known.filter((_, k) => k !== t);
    const without = rest.length ? score(await encoder.encode(rowsOf(rest))) : score(ctx.model.priorUser);
    const e = known[t];
    if (Number.isFinite(without)) because.push({ itemId: e.itemId, type: e.type, timestamp: e.timestamp, contribution: full - without });
  }
  const byItem = new Map<string, Explanation['because'][number]>();
  for (const e of because) {
    const prev = byItem.get(e.itemId);
    byItem.set(e.itemId, prev ? { ...prev, contribution: prev.contribution + e.contribution } : e);
  }
  const personal = because.reduce((a, e) => a + Math.abs(e.contribution), 0);
  return {
    itemId: ctx.model.itemIds[row],
    because: [...byItem.values()].filter((e) => e.contribution > 0).sort((x, y) => y.contribution - x.contribution).slice(0, max),
    popularity: Math.abs(prior) / (Math.abs(prior) + personal || 1),
  };
}

function dotOf(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let acc = 0;
  for (let j = 0; j < x.length; j++) acc += x[j] * y[j];
  return acc;
}
