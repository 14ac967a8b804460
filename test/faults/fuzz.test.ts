/**
 * Fault suite, a seeded fuzz of the public API (inline engine, fake IndexedDB): every call settles before its
 * deadline, every rejection is a named tastebud error, and the invariants hold after each call — recommend
 * returns at most k distinct known items with finite scores in order and none excluded, nothing already tracked
 * with excludeSeen, the non-personal list while consent is withdrawn; the log holds each accepted event once.
 * `TASTEBUD_FUZZ_CALLS` and `TASTEBUD_FUZZ_SEED` change the run; the counts are printed.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { expect, it } from 'vitest';
import { createRecommender } from '../../src/client/create_recommender.ts';
import type { Recommendation } from '../../src/engine/api.ts';
import { ERROR_CLASSES, TastebudError } from '../../src/errors.ts';
import { createRng } from '../../src/model/rng.ts';
import { createTinyModel } from '../../harness/engine_model.ts';
import { createCallGenerator, type FuzzCall } from './fuzz_calls.ts';
import { fakeLocalStorage } from './harness.ts';

const CALLS = Number(process.env.TASTEBUD_FUZZ_CALLS ?? 10_000);
const SEED = Number(process.env.TASTEBUD_FUZZ_SEED ?? 15);
const HANG_MS = 10_000;
const NUM_ITEMS = 150;

it(`fuzz: ${CALLS} seeded public API calls — no hang, no raw error, invariants hold`, { timeout: 600_000 }, async () => {
  globalThis.indexedDB = new IDBFactory();
  (globalThis as { localStorage?: Storage }).localStorage = fakeLocalStorage();
  const model = createTinyModel({ numItems: NUM_ITEMS });
  const known = new Set(model.itemIds);
  const r = await createRecommender({ modelData: model, namespace: 'fuzz', backend: 'cpu', worker: false, multiTab: false, timeouts: { callMs: HANG_MS } });
  const nonPersonal = (await r.recommend({ k: 10 })).map((x) => x.itemId);
  const next = createCallGenerator(createRng(SEED), NUM_ITEMS);
  const counts = { ok: 0, named: 0, raw: 0, hangs: 0, broken: 0 };
  const byName = new Map<string, number>();
  const seen = new Set<string>(); // items tracked while consenting, since the last forget
  const usedIds = new Set<string>(); // an event whose id is already stored is skipped, so its item is not seen
  let consent = true;
  const failures: string[] = [];
  const fail = (what: string, call: FuzzCall): void => {
    counts.broken++;
    if (failures.length < 5) failures.push(`${what}: ${call.verb}(${safe(call.args)})`);
  };

  for (let n = 0; n < CALLS; n++) {
    const call = next();
    const outcome = await settle((r[call.verb] as (...a: unknown[]) => Promise<unknown>)(...call.args));
    if (outcome === 'hang') {
      counts.hangs++;
      fail('hang', call);
      continue;
    }
    if ('error' in outcome) {
      const e = outcome.error as Error;
      const named = e instanceof TastebudError && e.name in ERROR_CLASSES && e.message.length > 0;
      counts[named ? 'named' : 'raw']++;
      byName.set(e?.name ?? typeof e, (byName.get(e?.name ?? typeof e) ?? 0) + 1);
      if (!named) fail(`raw ${String(e)}`, call);
      continue;
    }
    counts.ok++;
    const v = outcome.value;
    if (call.verb === 'setConsent') consent = call.args[0] as boolean;
    if (call.verb === 'forget') {
      seen.clear();
      usedIds.clear();
    }
    if (call.verb === 'track' && consent) {
      for (const e of [call.args[0]].flat() as { itemId: string; eventId?: string }[]) {
        if (e.eventId === undefined || !usedIds.has(e.eventId)) seen.add(e.itemId);
        if (e.eventId !== undefined) usedIds.add(e.eventId);
      }
    }
    if (call.verb === 'recommend' || call.verb === 'similarItems') {
      const o = (call.args[call.verb === 'recommend' ? 0 : 1] ?? {}) as { k?: number; excludeSeen?: boolean; exclude?: string[] };
      const problem = checkList(v as Recommendation[], o.k ?? 10, known, o.exclude ?? []);
      if (problem) fail(problem, call);
      const back = (v as Recommendation[]).find((x) => seen.has(x.itemId));
      if (call.verb === 'recommend' && consent && o.excludeSeen !== false && back) fail(`tracked ${back.itemId} came back with excludeSeen`, call);
      if (call.verb === 'recommend' && !consent && call.args.length === 0 && (v as Recommendation[]).map((x) => x.itemId).join() !== nonPersonal.join()) fail('personal list without consent', call);
    }
  }
  const events = (await r.exportData()).events;
  const ids = events.map((e) => e.eventId);
  if (new Set(ids).size !== ids.length) fail('an event id stored twice', { verb: 'exportData', args: [] });
  await r.close();
  console.log(`fault suite | API fuzz (seed ${SEED}): ${CALLS} calls, ${counts.ok} resolved, ${counts.named} named rejections (${[...byName].map(([k, c]) => `${k} ${c}`).join(', ')}), ${counts.raw} raw errors, ${counts.hangs} hangs, ${counts.broken} broken invariants; ${events.length} events stored, each id once`);
  expect(failures).toEqual([]);
  expect(counts).toMatchObject({ raw: 0, hangs: 0, broken: 0 });
  expect(counts.ok + counts.named).toBe(CALLS);
});

async function settle(p: Promise<unknown>): Promise<{ value: unknown } | { error: unknown } | 'hang'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<'hang'>((res) => (timer = setTimeout(() => res('hang'), HANG_MS + 2000)));
  try {
    return await Promise.race([p.then((value) => ({ value })), hang]);
  } catch (error) {
    return { error };
  } finally {
    clearTimeout(timer);
  }
}

function checkList(list: Recommendation[], k: number, known: Set<string>, exclude: string[]): string | null {
  if (!Array.isArray(list)) return 'not a list';
  if (list.length > k) return `${list.length} items for k=${k}`;
  if (new Set(list.map((x) => x.itemId)).size !== list.length) return 'duplicate items';
  if (list.some((x) => !known.has(x.itemId))) return 'an unknown item';
  if (list.some((x) => !Number.isFinite(x.score))) return 'a non-finite score';
  if (list.some((x, i) => i > 0 && x.score > list[i - 1].score)) return 'scores out of order';
  if (list.some((x) => exclude.includes(x.itemId))) return 'an excluded item';
  return null;
}

function safe(args: unknown[]): string {
  try {
    return JSON.stringify(args).slice(0, 200);
  } catch {
    return String(args).slice(0, 200);
  }
}
