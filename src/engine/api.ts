/**
 * The one async interface of a recommender, implemented in-thread by `Engine` and, unchanged, by the comlink
 * proxy of the worker: callers switch transport without changing code. Every method is async.
 */
export type EventType = 'view' | 'select' | 'add_to_cart' | 'purchase';

export interface TrackEvent {
  /** The shop's item id (string at the edge; dense indices inside). */
  itemId: string;
  /** Default 'select'. */
  type?: EventType;
  /** Milliseconds since epoch; default now. */
  timestamp?: number;
  /**
   * Optional caller-chosen unique id. The store keeps each id at most once, so a retried `track` (e.g. an event
   * forwarded from another tab whose ack was lost) is not applied twice.
   */
  eventId?: string;
}

export interface RecommendOptions {
  /** How many items, default 10, at most 1000. */
  k?: number;
  /** Skip items the shopper already interacted with (default true). */
  excludeSeen?: boolean;
  /** Item ids never to return. */
  exclude?: string[];
  /** Rank only these item ids. */
  candidates?: string[];
  /** Keep only items whose attributes match every given field, e.g. `{ category: 'shoes' }`. */
  filter?: Record<string, string | number>;
}

export interface Recommendation {
  itemId: string;
  /** The model's logit; higher is better. */
  score: number;
}

export interface SimilarOptions {
  k?: number;
}

export interface Explanation {
  itemId: string;
  /** The shopper's own past events that most raised this item's score, strongest first; `shared` lists the
   * rare attributes ("brand=acme") the item shares with that event's item when the attribute affinity is on. */
  because: { itemId: string; type: EventType; timestamp: number; contribution: number; shared?: string[] }[];
  /** Share of the score explained by the global popularity/bias rather than this shopper. */
  popularity: number;
}

export interface Stats {
  backend: string;
  /** Why each earlier backend in the preference list was skipped. */
  backendSkipped: { backend: string; reason: string }[];
  modelVersion: string;
  numItems: number;
  eventsStored: number;
  /** Milliseconds from the last `track` resolving to updated recommendations being ready. */
  lastUpdateMs: number | null;
  lastRecommendMs: number | null;
  /** Loss of the last learning steps, oldest first (bounded). */
  lossHistory: number[];
  storage: 'indexeddb' | 'memory';
  /** Why storage is 'memory' when IndexedDB was wanted: the exact error (private mode, blocked, missing). */
  storageFallbackReason?: string;
  /** navigator.storage.persisted() where known. */
  persistent: boolean | null;
  /** True when this instance leads learning for its namespace (multi-tab). */
  leader: boolean;
  /**
   * Under a sequence model: which forward pass encodes the history ('wgsl' / 'tfjs' on the backend, or 'plain'
   * TypeScript where that measured faster) and why (see docs/sequence-backends.md).
   */
  sequenceEncoder?: { kind: string; backend: string; reason: string };
}

export interface StoredEvent {
  seq: number;
  itemId: string;
  type: EventType;
  timestamp: number;
  /** Present when the event was tracked with one (see TrackEvent.eventId). */
  eventId?: string;
}

export interface ExportedData {
  namespace: string;
  modelVersion: string;
  exportedAt: number;
  events: StoredEvent[];
  userVector: number[];
}

export interface RecommenderApi {
  track(events: TrackEvent | TrackEvent[]): Promise<{ stored: number; ignored: number }>;
  recommend(options?: RecommendOptions): Promise<Recommendation[]>;
  similarItems(itemId: string, options?: SimilarOptions): Promise<Recommendation[]>;
  explain(itemId: string): Promise<Explanation>;
  stats(): Promise<Stats>;
  exportData(): Promise<ExportedData>;
  forget(): Promise<void>;
  close(): Promise<void>;
}
