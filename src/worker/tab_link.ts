/**
 * The BroadcastChannel protocol between the tabs of one namespace. Followers forward `track` to the leader with a
 * request id and retry until acked; the leader answers each request id once (a retry gets the same answer) and the
 * store keeps each event id once, so an event is never lost nor applied twice, even when the leader dies between
 * storing and acking. After learning, the leader says "updated" and followers refresh from the shared store;
 * after `forget()` in any tab, "forgot" makes every other tab drop what it holds in memory.
 */
import type { TrackEvent } from '../engine/api.ts';
import { StorageError, reviveError } from '../errors.ts';

export interface TrackResult {
  stored: number;
  ignored: number;
}

type Message =
  | { kind: 'track'; id: string; events: TrackEvent[] }
  | { kind: 'forget'; id: string }
  | { kind: 'ack'; id: string; result: TrackResult }
  | { kind: 'nack'; id: string; error: { name: string; message: string } }
  | { kind: Announcement };

/**
 * What a tab announces: the leader learned ('updated'), the shopper's data was erased ('forgot'), or a tab moved
 * to a newly published model version ('model': the others refresh too, from the model the store now caches).
 */
export type Announcement = 'updated' | 'forgot' | 'model';

export interface TabLinkOptions {
  channelName: string;
  isLeader(): boolean;
  /** Leader side: store and learn (the engine's track). */
  applyTrack(events: TrackEvent[]): Promise<TrackResult>;
  /** Leader side: erase the namespace and tell the other tabs (a follower's forget()). */
  applyForget?(): Promise<void>;
  /** Another tab changed the stored state: refresh from the store, or reset after a forget. */
  onAnnouncement(kind: Announcement): void;
  /** Wait for an ack before resending (ms). */
  ackTimeoutMs?: number;
  /** Give up after this long without an ack (ms). */
  giveUpMs?: number;
}

/** Answers kept for retried request ids. */
const ANSWERS_KEPT = 512;

export class TabLink {
  readonly #channel: BroadcastChannel;
  readonly #waiting = new Map<string, { resolve(r: TrackResult): void; reject(e: unknown): void }>();
  readonly #answers = new Map<string, Promise<TrackResult>>();
  #closed = false;

  constructor(private readonly opts: TabLinkOptions) {
    this.#channel = new BroadcastChannel(opts.channelName);
    this.#channel.onmessage = (e: MessageEvent<Message>) => this.#receive(e.data);
  }

  /**
   * Stores `events` through whichever tab leads, resolving once the leader has stored them. Each event gets an
   * `eventId` and a timestamp here, before the first send, so every retry is the same request.
   * @example await link.forward([{ itemId: 'sku-1', type: 'select' }]) // { stored: 1, ignored: 0 }
   */
  async forward(events: TrackEvent[]): Promise<TrackResult> {
    const now = Date.now();
    const stamped = events.map((e) => ({ ...e, eventId: e.eventId ?? crypto.randomUUID(), timestamp: e.timestamp ?? now }));
    const result = await this.#untilAcked(crypto.randomUUID(), { events: stamped });
    if (result) return result;
    throw new StorageError('No tab answered for this shop namespace in time (is another tab frozen?); the event was not confirmed — track it again (the same event object keeps its id, so it is stored once).');
  }

  /**
   * Has the leader erase the namespace; resolves once it did (so nothing acknowledged afterwards is erased by
   * this forget). Resolves false where this tab became the leader meanwhile: the caller erases itself.
   * @example if (!(await link.forwardForget())) await engine.forget();
   */
  async forwardForget(): Promise<boolean> {
    const done = await this.#untilAcked(crypto.randomUUID(), { forget: true });
    if (done === null) return false;
    if (done) return true;
    throw new StorageError('No tab answered for this shop namespace in time (is another tab frozen?); nothing was erased yet — call forget() again.');
  }

  /** Sends a request until acked, with growing waits; null when this tab leads now, undefined on giving up. */
  async #untilAcked(id: string, body: { events: TrackEvent[] } | { forget: true }): Promise<TrackResult | null | undefined> {
    const deadline = Date.now() + (this.opts.giveUpMs ?? 30_000);
    for (let wait = this.opts.ackTimeoutMs ?? 1000; Date.now() < deadline; wait = Math.min(wait * 1.5, 5000)) {
      if (this.#closed) break;
      if (this.opts.isLeader()) return 'events' in body ? this.#answer(id, () => this.opts.applyTrack(body.events)) : null;
      const result = await this.#send(id, body, wait);
      if (result) return result;
    }
    return undefined;
  }

  /** Tells the other tabs that the stored state changed. */
  announce(kind: Announcement): void {
    if (!this.#closed) this.#channel.postMessage({ kind } satisfies Message);
  }

  close(): void {
    this.#closed = true;
    this.#channel.close();
    for (const w of this.#waiting.values()) w.reject(new StorageError('The recommender was closed before the event was confirmed.'));
    this.#waiting.clear();
  }

  /** Posts once and waits up to `wait` ms; undefined on timeout. */
  #send(id: string, body: { events: TrackEvent[] } | { forget: true }, wait: number): Promise<TrackResult | undefined> {
    return new Promise<TrackResult | undefined>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        resolve(undefined);
      }, wait);
      const settle = <T>(f: (v: T) => void) => (v: T) => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        f(v);
      };
      this.#waiting.set(id, { resolve: settle(resolve), reject: settle(reject) });
      this.#channel.postMessage(('events' in body ? { kind: 'track', id, events: body.events } : { kind: 'forget', id }) satisfies Message);
    });
  }

  #receive(msg: Message): void {
    if (this.#closed || !msg || typeof msg !== 'object') return;
    if (msg.kind === 'track') {
      if (this.opts.isLeader()) void this.#reply(msg.id, () => this.opts.applyTrack(msg.events));
    } else if (msg.kind === 'forget') {
      const forget = this.opts.applyForget;
      if (this.opts.isLeader() && forget) void this.#reply(msg.id, async () => (await forget(), { stored: 0, ignored: 0 }));
    } else if (msg.kind === 'ack') {
      this.#waiting.get(msg.id)?.resolve(msg.result);
    } else if (msg.kind === 'nack') {
      this.#waiting.get(msg.id)?.reject(reviveError(msg.error));
    } else if (msg.kind === 'updated' || msg.kind === 'forgot' || msg.kind === 'model') {
      this.opts.onAnnouncement(msg.kind);
    }
  }

  async #reply(id: string, apply: () => Promise<TrackResult>): Promise<void> {
    let reply: Message;
    try {
      reply = { kind: 'ack', id, result: await this.#answer(id, apply) };
    } catch (e) {
      const { name = 'TastebudError', message = String(e) } = (e ?? {}) as { name?: string; message?: string };
      reply = { kind: 'nack', id, error: { name, message } };
    }
    if (!this.#closed) this.#channel.postMessage(reply);
  }

  /** Applies a request id once; a retry of the same id gets the same promise. */
  #answer(id: string, apply: () => Promise<TrackResult>): Promise<TrackResult> {
    let answer = this.#answers.get(id);
    if (!answer) {
      answer = apply();
      this.#answers.set(id, answer);
      if (this.#answers.size > ANSWERS_KEPT) this.#answers.delete(this.#answers.keys().next().value!);
    }
    return answer;
  }
}
