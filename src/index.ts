/** tastebud's public entry: factory, types and error classes. */
export * from './errors.ts';
export type * from './engine/api.ts';
