/**
 * tastebud's public entry: the factory, its types and the error classes.
 *
 * @example
 * import { createRecommender, ModelLoadError } from 'tastebud';
 * const recs = await createRecommender({ model: '/models/model.json', namespace: 'acme-shoes' });
 * await recs.track({ itemId: 'sku-42', type: 'add_to_cart' });
 * const top = await recs.recommend({ k: 8, excludeSeen: true });
 */
export { createRecommender } from './client/create_recommender.ts';
export type { RecommenderOptions } from './client/create_recommender.ts';
export type { Recommender } from './client/recommender.ts';
export type { InitReport, ModelRefresh, UpdateListener } from './worker/host_api.ts';
export type { BackendName } from './kernels/types.ts';
export type { GlobalModel, ItemAttributes, AttributeProjection, TrainingReport } from './model/global_model.ts';
export type { LearnerConfig } from './engine/learner_config.ts';
export * from './errors.ts';
export type * from './engine/api.ts';
