/**
 * What the loader expects of the lazily imported runtime module — the only contract between the tiny loader and
 * the big bundle (client, worker, TF.js), so the loader never imports the latter.
 */
import type { RecommenderApi } from '../engine/api.ts';
import type { EmbedOptions } from './options.ts';

/** A recommender as the embed uses it: the engine's verbs plus update notifications. */
export interface EmbedRecommender extends RecommenderApi {
  /** Calls `listener` whenever recommendations may have changed; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Turns learning on or off (consent given or withdrawn) where the client supports it. */
  setConsent?(granted: boolean): void;
  /** Picks up a model version the shop published while the page is open (see Recommender.refreshModel). */
  refreshModel?(): Promise<{ updated: boolean; modelVersion: string; previousVersion: string }>;
}

export interface RuntimeModule {
  start(options: EmbedOptions): Promise<EmbedRecommender>;
}
