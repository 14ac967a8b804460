/**
 * Every error tastebud throws on purpose. Each has a unique `name` so it survives the worker boundary
 * (comlink keeps only name, message and stack) and is rebuilt on the client as the same class, so callers can
 * use `instanceof`. Messages say what to do.
 */
export class TastebudError extends Error {
  override name = 'TastebudError';
}

/** An event or option the caller passed is malformed (wrong type, NaN, too long, unknown event type...). */
export class InvalidInputError extends TastebudError {
  override name = 'InvalidInputError';
}

/** An item id that the loaded model does not know, where a known one is required (similarItems, explain). */
export class UnknownItemError extends TastebudError {
  override name = 'UnknownItemError';
}

/** The model artefact could not be fetched or is malformed / absurd (shapes vs bytes, sizes over a limit). */
export class ModelLoadError extends TastebudError {
  override name = 'ModelLoadError';
}

/** Storage failed in a way the engine could not degrade around. */
export class StorageError extends TastebudError {
  override name = 'StorageError';
}

/** No requested TF.js backend could be initialised. */
export class BackendError extends TastebudError {
  override name = 'BackendError';
}

/** The recommender was used after close(). */
export class ClosedError extends TastebudError {
  override name = 'ClosedError';
}

/**
 * A call passed its deadline (`timeouts` option of createRecommender): the worker did not answer in time. The
 * call's effect is unknown; retrying it is safe (events carry ids, so a retried `track` is stored once).
 */
export class TimeoutError extends TastebudError {
  override name = 'TimeoutError';
}

/**
 * The worker died or stopped answering (crash, out of memory, killed) while the call was pending. tastebud
 * restarts it and restores the shopper's state from storage; the next call goes to the new worker.
 */
export class WorkerLostError extends TastebudError {
  override name = 'WorkerLostError';
}

export const ERROR_CLASSES = {
  TastebudError,
  InvalidInputError,
  UnknownItemError,
  ModelLoadError,
  StorageError,
  BackendError,
  ClosedError,
  TimeoutError,
  WorkerLostError,
} as const;

/** Rebuilds a named tastebud error from a plain `{name, message, stack}` that crossed a worker boundary. */
export function reviveError(e: unknown): unknown {
  if (!e || typeof e !== 'object') return e;
  const { name, message, stack } = e as { name?: string; message?: string; stack?: string };
  const Cls = name ? (ERROR_CLASSES as Record<string, typeof TastebudError>)[name] : undefined;
  if (!Cls || e instanceof Cls) return e;
  const out = new Cls(message ?? '');
  if (stack) out.stack = stack;
  return out;
}
