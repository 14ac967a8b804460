/**
 * The scanner the worker answers with before TF.js is loaded: the plain-TypeScript scan, which needs no
 * backend, behind a handle that the TF.js scanner replaces once its backend is up (host.ts loads TF.js and its
 * backends lazily, after the first answer is possible). Both rank the same table, so the switch changes scores
 * only within the cross-backend tolerance the contract suite holds every backend to.
 */
import { catalogueRows } from '../engine/model_context.ts';
import { createPlainScanner } from '../engine/plain_scanner.ts';
import type { GlobalModel } from '../model/global_model.ts';
import type { ResilientScanner } from './resilient_scanner.ts';

export interface BootScanner extends ResilientScanner {
  /** Hands every later query to `next` (the TF.js scanner); the plain scan is dropped. */
  upgrade(next: ResilientScanner): void;
}

/**
 * @example
 * const scanner = createBootScanner(model); // scanner.backend === 'plain': answers at once
 * scanner.upgrade(await createDeviceScanner(model, { backend: 'wasm', … })); // scanner.backend === 'wasm'
 */
export function createBootScanner(model: GlobalModel): BootScanner {
  const { itemEmb, itemBias } = catalogueRows(model);
  let cur: ResilientScanner = Object.assign(createPlainScanner(itemEmb, itemBias, model.dim), { backend: 'plain', lost: [] });
  return {
    get numItems() {
      return cur.numItems;
    },
    dim: model.dim,
    get backend() {
      return cur.backend;
    },
    get lost() {
      return cur.lost;
    },
    topK: (z, k, exclude) => cur.topK(z, k, exclude),
    setItems: (emb, bias) => cur.setItems(emb, bias),
    dispose: () => cur.dispose(),
    upgrade(next) {
      cur = next; // a query in flight on the plain scan still finishes: it holds no device to free
    },
  };
}
