/**
 * What `pretrain` checks before it writes: nothing the browser would refuse (src/limits.ts) leaves the CLI.
 * Ids are checked as the log is read (read_log.ts, with file and line); these are the checks on the result.
 */
import { InvalidInputError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import type { GlobalModel } from '../model/global_model.ts';

/** Refuses a trained model holding NaN or ±Infinity (diverged training), naming the table and what to change. */
export function assertFiniteModel(m: GlobalModel): void {
  const tables: [string, ArrayLike<number>][] = [
    ['item embeddings', m.itemEmb],
    ['item biases', m.itemBias],
    ['w', m.w],
    ['bias', [m.bias]],
    ['prior user vector', m.priorUser],
    ['popularity', m.popularity],
  ];
  if (m.attributeProjection) tables.push(['attribute projection', m.attributeProjection.weights], ['attribute projection bias', m.attributeProjection.bias]);
  for (const [name, t] of tables) {
    for (let k = 0; k < t.length; k++) {
      if (!Number.isFinite(t[k]))
        throw new InvalidInputError(`training diverged: the ${name} hold ${t[k]} at ${k}; lower --lr, --l2, --als-alpha or the event weights (nothing was written)`);
    }
  }
}

/** Refuses a catalogue larger than the browser accepts. */
export function assertCatalogueSize(numItems: number): void {
  if (numItems > LIMITS.maxItems) throw new InvalidInputError(`${numItems} items; a tastebud artefact holds at most ${LIMITS.maxItems}`);
}
