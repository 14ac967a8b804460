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
    const id = crypto.randomUUID();
    const deadline = Date.now() + (this.opts.giveUpMs ?? 30_000);
    for (let wait = this.opts.ackTimeoutMs ?? 1000; Date.now() < deadline; wait = Math.min(wait * 1.5, 5000)) {
      if (this.#closed) break;
      if (this.opts.isLeader()) return this.#answer(id, stamped);
      const result = await this.#send(id, stamped, wait);
      if (result) return result;
    }
    throw new StorageError('No tab answered for this shop namespace in time (is another tab frozen?); the event was not confirmed — track it again.');
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
  #send(id: string, events: TrackEvent[], wait: number): Promise<TrackResult | undefined> {
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
      this.#channel.postMessage({ kind: 'track', id, events } satisfies Message);
    });
  }

  #receive(msg: Message): void {
    if (this.#closed || !msg || typeof msg !== 'object') return;
    if (msg.kind === 'track') {
      if (this.opts.isLeader()) void this.#reply(msg.id, msg.events);
    } else if (msg.kind === 'ack') {
      this.#waiting.get(msg.id)?.resolve(msg.result);
    } else if (msg.kind === 'nack') {
      this.#waiting.get(msg.id)?.reject(reviveError(msg.error));
    } else if (msg.kind === 'updated' || msg.kind === 'forgot' || msg.kind === 'model') {
      this.opts.onAnnouncement(msg.kind);
    }
  }

  async #reply(id: string, events: TrackEvent[]): Promise<void> {
    let reply: Message;
    try {
      reply = { kind: 'ack', id, result: await this.#answer(id, events) };
    } catch (e) {
      const { name = 'TastebudError', message = String(e) } = (e ?? {}) as { name?: string; message?: string };
      reply = { kind: 'nack', id, error: { name, message } };
    }
    if (!this.#closed) this.#channel.postMessage(reply);
  }

  /** Applies a request id once; a retry of the same id gets the same promise. */
  #answer(id: string, events: TrackEvent[]): Promise<TrackResult> {
    let answer = this.#answers.get(id);
    if (!answer) {
      answer = this.opts.applyTrack(events);
      this.#answers.set(id, answer);
      if (this.#answers.size > ANSWERS_KEPT) this.#answers.delete(this.#answers.keys().next().value!);
    }
    return answer;
  }
}
