/**
 * `pretrain --model sasrec --auto`'s recipe half: the sequence model's dropout, chosen on the shop's own log.
 *
 * The two benches' logs want different dropout — ML-1M's long histories 0.2, Beauty's short ones 0.4, each chosen on
 * its validation users (docs/sequence-model.md) — so no constant suits every shop. Each value trains on the log minus
 * every user's latest event and is ranked on those events (protocol 5, full ranking, NDCG@10), as
 * `tune --family sasrec --space "dropout=0.2,0.4"` does; the test split, where there is one, is never read.
 */
import type { InteractionSet } from '../data/interactions.ts';
import type { SequenceFamilyOptions } from './sequence_family.ts';
import { tuneSequence, type SequenceTrial } from './sequence_tune.ts';

/** The dropout values `--auto` compares (the two the benches' validation chose, docs/sequence-model.md). */
export const AUTO_SEQUENCE_DROPOUT: readonly number[] = [0.2, 0.4];

export interface SequenceRecipePlan {
  /** Each trial's time budget. */
  trialSeconds: number;
  /** The trials run shorter than the final run (its --time-budget): short trials can favour less dropout. */
  shorter: boolean;
  /** The --auto-budget at which every trial runs as long as the final run; absent without --time-budget. */
  fullBudget?: number;
}

export interface SequenceRecipeChoice {
  chosen: { dropout: number };
  /** For the artefact's trainingReport.autoTune (as the ALS recipe's). */
  report: { metric: 'NDCG@10'; budgetSeconds: number; trialSeconds: number; space: { dropout: readonly number[] }; trials: SequenceTrial[] };
}

/** `--auto-budget`'s default: seconds of trials when neither it nor `--time-budget` says otherwise. */
export const AUTO_SEQUENCE_BUDGET = 600;

/**
 * Each trial runs as long as the final run (its `--time-budget`), so that a setting that pays off late is compared
 * at the length it will train for: on Beauty, 0.2 led after 5 minutes and 0.4 after 15 (docs/sequence-model.md).
 * An explicit `budgetSeconds` (`--auto-budget`) caps the trials at an equal share of it. Without a time budget the
 * final run is bounded by epochs: the trials take the same epochs, cut at their share of AUTO_SEQUENCE_BUDGET.
 *
 * @example
 * sequenceRecipePlan({ timeBudgetMs: 900_000 });      // { trialSeconds: 900, shorter: false, fullBudget: 1800 }
 * sequenceRecipePlan({ timeBudgetMs: 900_000 }, 600); // { trialSeconds: 300, shorter: true, fullBudget: 1800 }
 */
export function sequenceRecipePlan(options: SequenceFamilyOptions, budgetSeconds?: number): SequenceRecipePlan {
  const n = AUTO_SEQUENCE_DROPOUT.length;
  if (options.timeBudgetMs === undefined) return { trialSeconds: (budgetSeconds ?? AUTO_SEQUENCE_BUDGET) / n, shorter: false };
  const final = options.timeBudgetMs / 1000;
  const share = budgetSeconds === undefined ? final : budgetSeconds / n;
  return { trialSeconds: Math.min(final, share), shorter: share < final, fullBudget: Math.ceil(final * n) };
}

/** Trains one model per dropout value on the validation split; the best by NDCG@10 (ties: the earlier value). */
export async function autoSequenceRecipe(
  all: InteractionSet,
  options: SequenceFamilyOptions,
  plan: SequenceRecipePlan,
  onTrial?: (t: SequenceTrial) => void,
): Promise<SequenceRecipeChoice> {
  const base = { ...options, timeBudgetMs: plan.trialSeconds * 1000 };
  const trials = await tuneSequence(all, { dropout: [...AUTO_SEQUENCE_DROPOUT] }, { base, trials: AUTO_SEQUENCE_DROPOUT.length, seed: options.seed ?? 1, onTrial });
  const dropout = trials[0].params.dropout ?? AUTO_SEQUENCE_DROPOUT[0];
  return {
    chosen: { dropout },
    report: { metric: 'NDCG@10', budgetSeconds: plan.trialSeconds * AUTO_SEQUENCE_DROPOUT.length, trialSeconds: plan.trialSeconds, space: { dropout: AUTO_SEQUENCE_DROPOUT }, trials },
  };
}
