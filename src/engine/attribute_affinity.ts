/**
 * Attribute affinity: a shopper who clicks a brand or a narrow category tends to click more of it next, and a
 * 64-factor model blurs such small groups together (on Amazon Beauty the first clicks gain the most from it,
 * see bench:adapt). Each recent click adds, to every item that shares a rare attribute with it,
 * weight · decay · idf(attribute). Attributes held by more than `attributeMaxShare` of the catalogue carry
 * little information and would pull most rows off the catalogue scanner, so they are ignored.
 */
import type { LearnerConfig } from './learner_config.ts';
import type { ModelContext } from './model_context.ts';
import type { HistoryEntry, LocalState } from './user_state.ts';

interface AttributeIndex {
  /** Rare attribute tokens of each item row. */
  tokensOf: Int32Array[];
  /** Item rows holding each token. */
  itemsOf: Int32Array[];
  idf: Float64Array;
  /** "field=value" of each token. */
  names: string[];
}

const indexes = new WeakMap<ModelContext, Map<number, AttributeIndex | null>>();

/** Below this decay an old click's affinity is too small to change a top-10: skip it (saves the scan). */
const MIN_DECAY = 1e-3;

/**
 * The "field=value" tokens of the model's item attributes held by at most `maxShare` of the items, and their
 * inverted lists; `null` when the model ships no attributes. Built once per model context and share.
 *
 * @example
 * attributeIndexOf(ctx, 0.05)?.itemsOf[0]; // Int32Array of the rows sharing token 0
 */
export function attributeIndexOf(ctx: ModelContext, maxShare: number): AttributeIndex | null {
  let byShare = indexes.get(ctx);
  if (!byShare) indexes.set(ctx, (byShare = new Map()));
  if (!byShare.has(maxShare)) byShare.set(maxShare, buildIndex(ctx, maxShare));
  return byShare.get(maxShare)!;
}

function buildIndex(ctx: ModelContext, maxShare: number): AttributeIndex | null {
  const attrs = ctx.model.itemAttributes;
  if (!attrs) return null;
  const tokenIds = new Map<string, number>();
  const rowsOf: number[][] = [];
  attrs.forEach((a, row) => {
    for (const [field, value] of Object.entries(a ?? {})) {
      if (value === undefined) continue;
      const token = `${field}=${value}`;
      if (!tokenIds.has(token)) {
        tokenIds.set(token, rowsOf.length);
        rowsOf.push([]);
      }
      rowsOf[tokenIds.get(token)!].push(row);
    }
  });
  const n = ctx.numItems;
  const keep = rowsOf.map((rows) => rows.length <= maxShare * n);
  const tokens: number[][] = Array.from({ length: n }, () => []);
  rowsOf.forEach((rows, t) => keep[t] && rows.forEach((row) => tokens[row].push(t)));
  return {
    tokensOf: tokens.map((ts) => Int32Array.from(ts)),
    itemsOf: rowsOf.map((rows, t) => (keep[t] ? Int32Array.from(rows) : new Int32Array(0))),
    idf: Float64Array.from(rowsOf, (rows) => Math.log(n / rows.length)),
    names: [...tokenIds.keys()],
  };
}

/**
 * Score boosts (row → added logit) from the shopper's recent clicks; empty when the weight is 0, the model
 * has no attributes, or the learner is still in its warm-up.
 *
 * @example
 * attributeBoosts(ctx, state, { ...DEFAULT_LEARNER, attributeWeight: 0.3 }); // Map { 17 => 1.9, 254 => 0.6 }
 */
export function attributeBoosts(ctx: ModelContext, s: LocalState, cfg: LearnerConfig): Map<number, number> {
  const out = new Map<number, number>();
  const index = activeIndex(ctx, s, cfg);
  if (!index) return out;
  for (const { row, w } of recentClicks(ctx, s, cfg)) {
    for (const token of index.tokensOf[row]) {
      const add = w * index.idf[token];
      for (const j of index.itemsOf[token]) out.set(j, (out.get(j) ?? 0) + add);
    }
  }
  return out;
}

/** The attribute index when the affinity is on for this shopper, else null. */
function activeIndex(ctx: ModelContext, s: LocalState, cfg: LearnerConfig): AttributeIndex | null {
  if (cfg.attributeWeight === 0 || s.learned < cfg.warmupEvents) return null;
  return attributeIndexOf(ctx, cfg.attributeMaxShare);
}

/** The recent known clicks, newest first, with their affinity weight (weight · type weight · decay). */
function* recentClicks(ctx: ModelContext, s: LocalState, cfg: LearnerConfig): Generator<{ entry: HistoryEntry; row: number; w: number }> {
  for (let t = s.history.length - 1; t >= 0; t--) {
    const entry = s.history[t];
    const decay = Math.pow(0.5, Math.max(0, s.learned - 1 - entry.order) / Math.max(cfg.attributeHalfLifeEvents, 1e-9));
    if (decay < MIN_DECAY) return; // history is oldest first, so every earlier click decayed further
    const row = ctx.index.get(entry.itemId);
    if (row !== undefined) yield { entry, row, w: cfg.attributeWeight * entry.weight * decay };
  }
}

/** One recent click's share of an item's attribute boost, and the rare attributes they share. */
export interface AttributeReason {
  entry: HistoryEntry;
  contribution: number;
  /** "field=value" tokens the item shares with the click. */
  shared: string[];
}

/**
 * Splits `row`'s attribute boost by the click that caused it (the terms `attributeBoosts` sums for that row);
 * empty when the affinity is off or nothing recent shares a rare attribute with it.
 *
 * @example
 * attributeReasons(ctx, state, cfg, 17); // [{ entry, contribution: 1.2, shared: ['brand=acme'] }]
 */
export function attributeReasons(ctx: ModelContext, s: LocalState, cfg: LearnerConfig, row: number): AttributeReason[] {
  const index = activeIndex(ctx, s, cfg);
  if (!index) return [];
  const mine = new Set(index.tokensOf[row]);
  const out: AttributeReason[] = [];
  for (const { entry, row: clicked, w } of recentClicks(ctx, s, cfg)) {
    const shared = Array.from(index.tokensOf[clicked]).filter((token) => mine.has(token));
    if (shared.length === 0) continue;
    const contribution = shared.reduce((acc, token) => acc + w * index.idf[token], 0);
    out.push({ entry, contribution, shared: shared.map((token) => index.names[token]) });
  }
  return out;
}
