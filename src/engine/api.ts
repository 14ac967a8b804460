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
  /**
   * 0-1, multiplies the type's weight (default 1). 0 keeps the event stored but learns nothing from it: the embed
   * records a product page left within a few seconds (a stray click) this way (docs/shop.md).
   */
  weight?: number;
}

/** Where a shelf sits; each has a non-personal fallback (see docs/shop.md). */
export type Placement = 'for-you' | 'similar' | 'recently-viewed' | 'trending' | 'frequently-bought-together' | 'cart';

export const PLACEMENTS: readonly Placement[] = ['for-you', 'similar', 'recently-viewed', 'trending', 'frequently-bought-together', 'cart'];

export interface RecommendOptions {
  /** Which shelf, default 'for-you'. `similar` and `frequently-bought-together` need `item`, `cart` needs `cart`. */
  placement?: Placement;
  /** The item the shelf is about (product page). With for-you and trending it is only left out. */
  item?: string;
  /** The items in the shopper's cart (placement 'cart'). */
  cart?: string[];
  /** false: the non-personal list (the holdout arm of an A/B test); default true. */
  personal?: boolean;
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
  /** Items whose attributes match move ahead of the rest (order kept within each group), e.g. `{ brand: 'acme' }`. */
  boost?: Record<string, string | number>;
  /** Items whose attributes match move behind the rest, e.g. `{ category: 'clearance' }`. */
  bury?: Record<string, string | number>;
  /** Items placed at fixed 1-based positions, e.g. `[{ itemId: 'sku-1', position: 1 }]`. */
  pin?: { itemId: string; position: number }[];
  /** At most n items per value of an attribute, e.g. `{ category: 2, brand: 3 }`. */
  diversity?: Record<string, number>;
  /** Keep items whose numeric `price` attribute lies in [min, max]. */
  price?: { min?: number; max?: number };
  /** Items not to show now (sold out, say); unlike `exclude`, never in conflict with `candidates` or `pin`. Items
   * with the attribute `available: false` are left out automatically. */
  unavailable?: string[];
}

/** Where an item of a shelf came from: the shopper's own model, a shipped list, or a rule. */
export type RecommendationSource = 'personal' | 'trending' | 'together' | 'similar' | 'recent' | 'pinned';

export interface Recommendation {
  itemId: string;
  /** The model's logit for personal items; for shipped lists a rank score in (0, 1]; higher is better. */
  score: number;
  /** Which list the item came from (absent on older engines). */
  source?: RecommendationSource;
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
  /** The backend scanning the catalogue: a TF.js backend, or 'plain' (TypeScript) while it loads or where none starts. */
  backend: string;
  /** True while the TF.js backend still loads (`lazyBackend`): the plain scan answers meanwhile. */
  backendLoading?: boolean;
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
  /** Backends given up while running (device lost, context lost), with the reason; newest last. */
  backendLost?: { backend: string; reason: string }[];
  /** False after consent was withdrawn (or never given): recommendations are the non-personal ones. */
  consent?: boolean;
  /** The last storage failure (full disk / quota, a broken database), with its message; absent when none. */
  storageError?: string;
  /** How many times the client replaced a worker that died or stopped answering. */
  workerRestarts?: number;
  /**
   * Under a sequence model: which forward pass encodes the history ('wgsl' / 'tfjs' on the backend, or 'plain'
   * TypeScript where that measured faster) and why (see docs/sequence-backends.md).
   */
  sequenceEncoder?: { kind: string; backend: string; reason: string };
  /**
   * Under `backend: 'auto'`: the recommend path timed on each candidate on this device for this catalogue
   * (docs/shop.md, "Auto means fastest"). `state` 'measuring' while it runs in the background.
   */
  autoBackend?: AutoBackendStats;
}

/** `stats().autoBackend`. */
export interface AutoBackendStats {
  state: 'measuring' | 'done' | 'failed';
  /** The fastest candidate: a TF.js backend or 'plain' (the plain-TypeScript scan). */
  choice?: string;
  /** 'measured' on this load, 'cached' from an earlier load on this device with this model version. */
  source?: 'measured' | 'cached';
  /** Median ms of one recommend (scan + top-10) per candidate. */
  ms?: Record<string, number>;
  /** Candidates that could not run, with the reason. */
  failed?: { backend: string; reason: string }[];
  /** What identifies this device for the cache (user agent, cores, GPU adapter); never sent anywhere. */
  device?: string;
  modelVersion?: string;
  numItems?: number;
  measuredAt?: number;
  /** Why the measurement failed (state 'failed'). */
  error?: string;
}

export interface StoredEvent {
  seq: number;
  itemId: string;
  type: EventType;
  timestamp: number;
  /** Present when the event was tracked with one (see TrackEvent.eventId). */
  eventId?: string;
  /** Present when the event was tracked with one other than 1 (see TrackEvent.weight). */
  weight?: number;
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
