/**
 * The browser-test harness page: `window.tb` drives one recommender (real Worker, real IndexedDB) and reports
 * results and errors as plain data Playwright can read, including whether each error kept its class.
 */
import { FAULTS } from '../src/client/recommender.ts';
import { createRecommender, ERROR_CLASSES, type Recommender, type RecommenderOptions } from '../src/index.ts';
import { createTinyModel, type TinyModelOptions } from './engine_model.ts';

type Outcome = ({ ok: true; value: unknown } | { ok: false; name: string; message: string; instanceOfOwnClass: boolean; instanceOfTastebudError: boolean }) & {
  /** Wall time of the call as the page saw it (worker round trip included). */
  ms: number;
};

let recs: Recommender | null = null;
let updates = 0;

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const value = await run();
    return { ok: true, value, ms: performance.now() - t0 };
  } catch (e) {
    const err = e as Error;
    const Cls = (ERROR_CLASSES as Record<string, abstract new (...a: never[]) => Error>)[err?.name];
    return {
      ms: performance.now() - t0,
      ok: false,
      name: err?.name ?? typeof e,
      message: err?.message ?? String(e),
      instanceOfOwnClass: !!Cls && e instanceof Cls,
      instanceOfTastebudError: e instanceof ERROR_CLASSES.TastebudError,
    };
  }
}

const tb = {
  /** Creates the recommender; `synthetic` builds a tiny model in the page instead of fetching `model`. */
  create(opts: Omit<RecommenderOptions, 'modelData'> & { synthetic?: TinyModelOptions }): Promise<Outcome> {
    return outcome(async () => {
      const { synthetic, ...rest } = opts;
      recs = await createRecommender({ ...rest, ...(synthetic && { modelData: createTinyModel(synthetic) }) });
      recs.subscribe(() => void updates++);
      document.querySelector('[data-testid=status]')!.textContent = `ready: ${recs.ready.backend}`;
      return recs.ready;
    });
  },
  /** Calls a verb of the recommender by name. */
  call(verb: keyof Recommender, ...args: unknown[]): Promise<Outcome> {
    return outcome(async () => {
      if (!recs) throw new Error('call tb.create first');
      return (recs[verb] as (...a: unknown[]) => Promise<unknown>)(...args);
    });
  },
  updates: () => updates,
  /** Fault suite: 'crash' ends the worker, 'stall' blocks it for `ms`, 'lose-device' loses its GPU device. */
  fault(kind: 'lose-device' | 'stall' | 'crash', ms?: number): Promise<Outcome> {
    return outcome(async () => (recs as unknown as Record<symbol, (k: string, ms?: number) => Promise<boolean>>)[FAULTS](kind, ms));
  },
  /**
   * Fault suite: `rounds` times, tracks `perRound` events at once and crashes the worker while they are in
   * flight; a call that fails is retried with the same event object (as a shop would). Returns the ids acknowledged.
   */
  async crashLoop(rounds: number, perRound: number): Promise<{ acked: string[]; retries: number; errors: string[] }> {
    if (!recs) throw new Error('call tb.create first');
    const r = recs;
    const acked: string[] = [];
    const errors = new Set<string>();
    let retries = 0;
    for (let round = 0; round < rounds; round++) {
      const calls = Array.from({ length: perRound }, async (_, i) => {
        const e = { itemId: `item-${(round * perRound + i) % 50}`, eventId: `k${round}-${i}` };
        for (let attempt = 0; attempt < 6; attempt++) {
          try {
            await r.track(e);
            acked.push(e.eventId);
            return;
          } catch (err) {
            retries++;
            errors.add((err as Error).name);
          }
        }
      });
      await new Promise((res) => setTimeout(res, round % 4));
      await (r as unknown as Record<symbol, (k: string) => Promise<boolean>>)[FAULTS]('crash').catch(() => undefined);
      await Promise.all(calls);
    }
    return { acked, retries, errors: [...errors] };
  },
  /** Every IndexedDB database of this origin (name and version). */
  databases: () => indexedDB.databases(),
  /** The raw event records of a namespace, read past tastebud's own code. */
  rawEvents(namespace: string): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(`tastebud/${namespace}`);
      req.onsuccess = () => {
        const db = req.result;
        const all = db.transaction('events').objectStore('events').getAll();
        all.onsuccess = () => {
          db.close();
          resolve(all.result);
        };
        all.onerror = () => reject(all.error);
      };
      req.onerror = () => reject(req.error);
    });
  },
};

declare global {
  interface Window {
    tb: typeof tb;
  }
}
window.tb = tb;
document.querySelector('[data-testid=status]')!.textContent = 'idle';
