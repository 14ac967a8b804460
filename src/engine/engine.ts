/**
 * The Engine: tastebud's recommender for one shopper and one shop namespace, in-thread. The worker exposes
 * it through comlink unchanged and `createRecommender({ worker: false })` uses it directly, so every method is
 * async. Events are stored durably before `track` resolves; learning runs right after, off the caller's path;
 * `recommend` always answers from the latest consistent state.
 */
import type { ExportedData, Explanation, Recommendation, RecommenderApi, SimilarOptions, Stats, StoredEvent } from './api.ts';
import type { GlobalModel } from '../model/global_model.ts';
import type { BackendChoice, CatalogueScanner } from '../kernels/types.ts';
import type { Store } from '../store/types.ts';
import { createRng, type Rng } from '../model/rng.ts';
import type { LearnerConfig } from './learner_config.ts';
import { engineLearnerConfig } from './shipped_learner.ts';
import { createModelContext, type ModelContext } from './model_context.ts';
import { createLocalState, fromRecord, isFiniteState, toRecord, type LocalState } from './user_state.ts';
import { assertItemId, assertK, normalizeEvents, normalizeRecommendOptions } from './validate.ts';
import { eventsForTransfer, replayEvents } from './transfer.ts';
import { learnEvent } from './learner.ts';
import { explainFor, similarTo } from './ranker.ts';
import { recommendPlacement } from './placements.ts';
import { createPlainScanner } from './plain_scanner.ts';
import { ClosedError, InvalidInputError, UnknownItemError } from '../errors.ts';
import { createSerialQueue, nextTask } from './schedule.ts';
import type { CreateSequenceEncoder, SequenceEncoder, SequenceSettings, SequenceStats } from './sequence_user.ts';
import { encodeHistory, resolveSequenceSettings, sequenceQuery, sequenceStats, startEncoder, stepDelta } from './sequence_user.ts';
import { explainSequence } from './sequence_explain.ts';

export interface EngineOptions {
  /** The loaded global model (src/model/global_model.ts). */
  model: GlobalModel;
  /** Where events and checkpoints live; the engine owns it from now on and closes it in `close()`. */
  store: Store;
  /** The shop's namespace (only reported; the store is already scoped to it). */
  namespace: string;
  /** Catalogue scan for `recommend`; default: the plain-TypeScript scan over the model tables. */
  scanner?: CatalogueScanner;
  /** Which TF.js backend won; only reported in `stats()`. */
  backend?: BackendChoice;
  /** The shop's learner settings: over the model's shipped ones (`GlobalModel.learner`), which are over the defaults. */
  learner?: Partial<LearnerConfig>;
  /** Seeds negative sampling and replay, so a replayed stream learns the same state. */
  seed?: number;
  /** Clock for default event timestamps (tests, replay). */
  now?: () => number;
  /** On-device adaptation under a sequence model (sequence_user.ts), over `learner.sequence` (the shop's, over the
   * model's shipped ones); ignored for matrix-factorisation models. Benches and tests set it; shops use `learner`. */
  sequence?: Partial<SequenceSettings>;
  /** Forward pass of the sequence encoder (the worker passes a TF.js one); default: the plain-TypeScript reference. */
  sequenceEncoder?: CreateSequenceEncoder;
}

const LOSS_HISTORY = 50;

/**
 * Creates a ready engine: model checked, state restored from the store (and the events stored after the last
 * checkpoint learned); a checkpoint from another model version is transferred (re-fitted from the log).
 *
 * @example
 * const engine = await createEngine({ model, store: createMemoryStore('shop'), namespace: 'shop' });
 * await engine.track({ itemId: 'sku-1', type: 'select' });
 * await engine.recommend({ k: 5 }); // [{ itemId: 'sku-7', score: 2.3 }, ...]
 */
export async function createEngine(opts: EngineOptions): Promise<Engine> {
  if (!opts || typeof opts !== 'object') throw new InvalidInputError('createEngine needs { model, store, namespace }');
  if (typeof opts.namespace !== 'string' || opts.namespace.length === 0)
    throw new InvalidInputError('createEngine: namespace must be a non-empty string, e.g. the shop id');
  const engine = new Engine(opts);
  await engine.restore();
  return engine;
}

export class Engine implements RecommenderApi {
  private ctx: ModelContext;
  private state: LocalState;
  private scanner: CatalogueScanner;
  private ownScanner: boolean;
  private cfg: LearnerConfig;
  private readonly seqCfg: SequenceSettings;
  private encoder: SequenceEncoder | null = null;
  private readonly store: Store;
  private readonly rng: Rng;
  private readonly now: () => number;
  private readonly listeners = new Set<() => void>();
  private readonly serial = createSerialQueue();
  private learning: Promise<void> = Promise.resolve();
  private queued = 0;
  private closed = false;
  private healing = false;
  private lossHistory: number[] = [];
  private lastUpdateMs: number | null = null;
  private lastRecommendMs: number | null = null;
  /** false: consent withdrawn — rank and explain as for a shopper with no history (the non-personal list). */
  private personal = true;
  /** Items stored but not learned yet: excludeSeen covers them from the moment `track` resolves. */
  private unlearned = new Map<string, number>();

  /** Use `createEngine`, which also restores the stored state. */
  constructor(private readonly opts: EngineOptions) {
    this.cfg = engineLearnerConfig(opts.model, opts.learner);
    this.seqCfg = resolveSequenceSettings({ ...this.cfg.sequence, ...opts.sequence });
    this.ctx = createModelContext(opts.model, this.cfg.sampler);
    this.state = createLocalState(this.ctx);
    this.scanner = opts.scanner ?? createPlainScanner(this.ctx.itemEmb, this.ctx.itemBias, this.ctx.dim);
    this.ownScanner = !opts.scanner;
    this.store = opts.store;
    this.rng = createRng(opts.seed ?? 1);
    this.now = opts.now ?? Date.now;
  }

  /** Loads the checkpoint (transferring it if its model version differs) and learns what came after it. */
  async restore(): Promise<void> {
    this.encoder = await this.createEncoder(this.ctx.model);
    const record = await this.store.loadUserState();
    const same = record && fromRecord(record, this.ctx);
    if (same) {
      this.state = same;
      this.learnReplay(await this.store.readEvents(same.lastSeq));
      await this.encodeSequence();
      return;
    }
    this.state = createLocalState(this.ctx);
    const events = eventsForTransfer(record, await this.store.readEvents(0));
    this.learnReplay(events);
    await this.encodeSequence();
    if (record || events.length) await this.checkpoint();
  }

  async track(events: Parameters<RecommenderApi['track']>[0]): Promise<{ stored: number; ignored: number }> {
    this.assertOpen();
    const batch = normalizeEvents(events, this.now);
    return this.serial(async () => {
      this.assertOpen();
      const stored = await this.store.appendEvents(batch);
      const ignored = stored.filter((e) => !this.ctx.index.has(e.itemId)).length;
      for (const e of stored) this.unlearned.set(e.itemId, (this.unlearned.get(e.itemId) ?? 0) + 1);
      const resolvedAt = performance.now();
      this.queued++;
      this.learning = this.learning
        .then(async () => {
          await nextTask(); // let track's caller (and the worker's reply) go first
          await this.learnLive(stored, resolvedAt);
          this.markLearned(stored);
          if (--this.queued === 0) await this.checkpoint();
        })
        // the events are stored; a failed checkpoint is retried by the next one, and must not stall the queue
        .catch((err: unknown) => console.warn('tastebud: saving the learned state failed; will retry', err));
      return { stored: stored.length, ignored };
    });
  }

  async recommend(options?: Parameters<RecommenderApi['recommend']>[0]): Promise<Recommendation[]> {
    this.assertOpen();
    const o = normalizeRecommendOptions(options ?? {});
    if (o.excludeSeen && this.personal && this.unlearned.size) o.exclude = [...o.exclude, ...this.unlearned.keys()];
    const t0 = performance.now();
    const out = await recommendPlacement(this.ctx, this.shown(), this.scanner, o, this.cfg, this.seqCfg.hybrid);
    this.lastRecommendMs = performance.now() - t0;
    return out;
  }

  async similarItems(itemId: string, options: SimilarOptions = {}): Promise<Recommendation[]> {
    this.assertOpen();
    const row = this.rowOf(itemId);
    const { k = 10 } = options ?? {};
    assertK(k, 'similarItems');
    return similarTo(this.ctx, row, k);
  }

  async explain(itemId: string): Promise<Explanation> {
    this.assertOpen();
    const row = this.rowOf(itemId);
    if (this.encoder && this.ctx.model.sequence) return explainSequence(this.ctx, this.shown(), this.encoder, row);
    return explainFor(this.ctx, this.shown(), this.cfg, row);
  }

  async stats(): Promise<Stats & { learner: { learned: number; denoised: number; unknown: number; projectedItems: number; sequence?: SequenceStats } }> {
    this.assertOpen();
    const s = this.state;
    return {
      backend: this.opts.backend?.backend ?? 'cpu',
      backendSkipped: this.opts.backend?.skipped ?? [],
      modelVersion: this.ctx.model.modelVersion,
      numItems: this.ctx.numItems,
      eventsStored: await this.store.countEvents(),
      lastUpdateMs: this.lastUpdateMs,
      lastRecommendMs: this.lastRecommendMs,
      lossHistory: this.lossHistory.slice(),
      storage: this.store.kind,
      persistent: null,
      leader: true,
      learner: { learned: s.learned, denoised: s.denoised, unknown: s.unknown, projectedItems: this.ctx.projected, ...this.sequenceStats() },
    };
  }

  async exportData(): Promise<ExportedData> {
    this.assertOpen();
    await this.whenIdle();
    return {
      namespace: this.opts.namespace,
      modelVersion: this.ctx.model.modelVersion,
      exportedAt: this.now(),
      events: await this.store.readEvents(0),
      userVector: Array.from(this.state.seq ? sequenceQuery(this.ctx, this.state, this.seqCfg.hybrid) : this.state.p),
    };
  }

  /** Erases every stored event and checkpoint of this namespace and resets the shopper to the prior. */
  async forget(): Promise<void> {
    this.assertOpen();
    await this.serial(async () => {
      await this.whenIdle();
      await this.store.clear();
      this.state = createLocalState(this.ctx);
      this.unlearned.clear();
      this.lossHistory = [];
    });
    this.emit();
  }

  /** Finishes pending learning, writes the checkpoint, closes the store; later calls throw `ClosedError`. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.serial(async () => {
      await this.whenIdle();
      this.closed = true;
    });
    if (this.ownScanner) this.scanner.dispose();
    this.encoder?.dispose?.();
    this.listeners.clear();
    await this.store.close();
  }

  /** Switches to a new model version: the shopper's state is re-fitted from the stored events (transfer). */
  async setModel(model: GlobalModel, scanner?: CatalogueScanner): Promise<void> {
    this.assertOpen();
    await this.serial(async () => {
      await this.whenIdle();
      // the new model may ship other learner settings (chosen for it); the shop's own still win
      const cfg = engineLearnerConfig(model, this.opts.learner);
      const ctx = createModelContext(model, cfg.sampler);
      const events = eventsForTransfer(toRecord(this.state), await this.store.readEvents(0));
      const encoder = await this.createEncoder(model);
      if (this.ownScanner) this.scanner.dispose();
      this.encoder?.dispose?.();
      this.encoder = encoder;
      this.cfg = cfg;
      this.ctx = ctx;
      this.scanner = scanner ?? createPlainScanner(ctx.itemEmb, ctx.itemBias, ctx.dim);
      this.ownScanner = !scanner;
      this.state = createLocalState(ctx);
      this.learnReplay(events);
      await this.encodeSequence(); // the new model reads the same clicks with its own encoder
      await this.checkpoint();
    });
    this.emit();
  }

  /** Another tab's leader wrote events or a checkpoint: reload the checkpoint and learn what came after it. */
  async refreshFromStore(): Promise<void> {
    this.assertOpen();
    await this.serial(async () => {
      await this.whenIdle();
      const record = await this.store.loadUserState();
      const restored = record && fromRecord(record, this.ctx);
      if (restored && restored.lastSeq >= this.state.lastSeq) this.state = restored;
      this.learnReplay(await this.store.readEvents(this.state.lastSeq));
      await this.encodeSequence();
    });
    this.emit();
  }

  /**
   * Consent: false makes `recommend` and `explain` answer as for a shopper with no history (the stored events
   * stay until `forget()`, unused); true uses the learned state again. Listeners are told.
   */
  setPersonal(on: boolean): void {
    if (this.personal === on) return;
    this.personal = on;
    this.emit();
  }

  /** Calls `listener` whenever recommendations may have changed; returns the unsubscribe function. */
  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every queued event is learned and checkpointed (tests, the bench, close). */
  async whenIdle(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.learning) {
      seen = this.learning;
      await seen;
    }
  }

  private async learnLive(events: StoredEvent[], resolvedAt: number): Promise<void> {
    try {
      for (const e of events) {
        const before = this.state.learned;
        const { outcome, loss } = learnEvent(this.ctx, this.state, e, this.cfg, this.rng);
        if (loss !== null) this.pushLoss(loss);
        if (outcome !== 'learned' || !this.state.seq) continue;
        stepDelta(this.ctx, this.state, this.ctx.index.get(e.itemId)!, this.seqCfg, this.rng, before);
        await this.encodeSequence();
      }
    } catch (err) {
      console.warn('tastebud: learning from an event failed; the event stays stored', err);
    }
    this.lastUpdateMs = performance.now() - resolvedAt;
    this.emit();
  }

  /** The state ranking uses: the shopper's, or the prior one while consent is withdrawn. */
  private shown(): LocalState {
    return this.personal ? this.state : createLocalState(this.ctx);
  }

  private markLearned(events: StoredEvent[]): void {
    for (const e of events) {
      const left = (this.unlearned.get(e.itemId) ?? 1) - 1;
      if (left > 0) this.unlearned.set(e.itemId, left);
      else this.unlearned.delete(e.itemId);
    }
  }

  private learnReplay(events: StoredEvent[]): void {
    for (const loss of replayEvents(this.ctx, this.state, events, this.cfg, this.rng)) this.pushLoss(loss);
  }

  /** Under a sequence model: re-encodes the stored history (after learning, a restore or a model change). */
  private async encodeSequence(): Promise<void> {
    if (this.encoder) await encodeHistory(this.ctx, this.state, this.encoder, this.seqCfg.priorClicks);
  }

  private async createEncoder(model: GlobalModel): Promise<SequenceEncoder | null> {
    return model.sequence ? startEncoder(model.sequence, this.opts.sequenceEncoder) : null;
  }

  private sequenceStats(): { sequence?: SequenceStats } {
    const c = this.ctx.model.sequence?.config;
    return this.state.seq && c ? { sequence: sequenceStats(this.state.seq, c.maxLen) } : {};
  }

  private async checkpoint(): Promise<void> {
    if (this.closed) return;
    if (!isFiniteState(this.state)) return this.healing ? undefined : this.heal();
    await this.store.saveUserState(toRecord(this.state));
    if ((await this.store.countEvents()) > this.cfg.maxEvents) await this.store.compactEvents(this.cfg.keepEvents);
  }

  /**
   * The state went non-finite (it must not with bounded settings; this is the last line of defence): it is not
   * saved; the last good checkpoint plus the events after it are re-fitted instead, or the prior if that fails too.
   */
  private async heal(): Promise<void> {
    console.warn('tastebud: the learned state is not finite; re-fitting it from the stored events');
    this.healing = true;
    try {
      await this.restore();
      if (!isFiniteState(this.state)) this.state = createLocalState(this.ctx);
    } finally {
      this.healing = false;
    }
  }

  private pushLoss(loss: number): void {
    this.lossHistory.push(loss);
    if (this.lossHistory.length > LOSS_HISTORY) this.lossHistory.shift();
  }

  private rowOf(itemId: string): number {
    assertItemId(itemId, 'itemId');
    const row = this.ctx.index.get(itemId);
    if (row === undefined) throw new UnknownItemError(`item "${itemId}" is not in model ${this.ctx.model.modelVersion}`);
    return row;
  }

  private emit(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch (err) {
        console.warn('tastebud: an onUpdate listener threw', err);
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError('this recommender is closed; create a new one');
  }
}
