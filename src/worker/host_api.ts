/**
 * What the worker exposes over comlink (and what `{ worker: false }` calls directly): the recommender verbs
 * plus init, update subscriptions and consent. Types only, so the main thread can import them for free.
 */
import type { RecommenderApi } from '../engine/api.ts';
import type { BackendName } from '../kernels/types.ts';
import type { LearnerConfig } from '../engine/learner_config.ts';
import type { GlobalModel } from '../model/global_model.ts';

export interface HostInitOptions {
  /** Shop namespace: one IndexedDB database and one leader per namespace. */
  namespace: string;
  /** URL of the artefact's model.json (relative URLs resolve against the page). */
  model?: string;
  /** An in-memory model instead of a URL (tests, demos). */
  modelData?: GlobalModel;
  /** 'auto' (the fastest measured here, cached per device and model version) or an ordered list. */
  backend: 'auto' | BackendName[];
  /** false: track() stores and learns nothing until consent is given (setConsent(true)). */
  consent: boolean;
  /** Cap on the downloaded artefact (model.json + shards), bytes. */
  maxModelBytes?: number;
  /** Compaction policy: keep at most this many events in the log. */
  maxEvents: number;
  /** Coordinate tabs of the same namespace (Web Locks + BroadcastChannel). */
  multiTab: boolean;
  /** Learner settings over the defaults (checked by createRecommender). */
  learner?: Partial<LearnerConfig>;
  /**
   * true: init resolves once the engine answers with the plain-TypeScript scan; TF.js and the backend load after
   * that and take over (`backendReady()` settles then). false: init waits for the backend, as before.
   */
  lazyBackend?: boolean;
}

export interface InitReport {
  /** The backend scanning: 'plain' while TF.js loads (lazyBackend), or where no backend could start. */
  backend: string;
  storage: 'indexeddb' | 'memory';
  modelVersion: string;
  /** 'network' | 'cache' | 'offline-cache' for a URL model, 'memory' for modelData. */
  modelSource: string;
}

/** What `refreshModel()` found. */
export interface ModelRefresh {
  /** True when a new model version was loaded and the shopper's state transferred to it. */
  updated: boolean;
  /** The version in use now. */
  modelVersion: string;
  previousVersion: string;
}

/** Called whenever recommendations may have changed: this tab learned, another tab did, forget, consent. */
export type UpdateListener = () => void;

export interface HostApi extends RecommenderApi {
  init(options: HostInitOptions): Promise<InitReport>;
  /** Settles once the TF.js backend is up (or, with lazyBackend, given up); the report then names it. */
  backendReady(): Promise<InitReport>;
  /** Returns a subscription id for `unsubscribe`. */
  subscribe(listener: UpdateListener): Promise<number>;
  unsubscribe(id: number): Promise<void>;
  setConsent(granted: boolean): Promise<void>;
  /** Re-checks model.json; on a new version, loads it and transfers the shopper's state (`engine.setModel`). */
  refreshModel(): Promise<ModelRefresh>;
  /** The supervisor's heartbeat: answers at once unless the worker is stuck or gone. */
  ping(): Promise<true>;
  /** Fault-suite hook: lose the GPU device, stall the thread for `ms`, or end the worker. */
  simulateFault(kind: 'lose-device' | 'stall' | 'crash', ms?: number): Promise<boolean>;
}
