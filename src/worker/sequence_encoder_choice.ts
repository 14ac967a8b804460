/**
 * Which sequence encoder the worker's engine gets for a model that reads the order of the clicks: the
 * implementation measured fastest on the chosen backend (`defaultSequenceEncoderKind`), warmed before
 * `createRecommender` resolves, or the plain-TypeScript forward when the backend's one fails.
 */
import { createSequenceEncoder, defaultSequenceEncoderKind } from '../kernels/sequence_encoder.ts';
import type { BackendSequenceEncoder } from '../kernels/sequence_encoder.ts';
import type { BackendChoice } from '../kernels/types.ts';
import type { GlobalModel } from '../model/global_model.ts';

/** What `stats().sequenceEncoder` reports. */
export interface SequenceEncoderReport {
  kind: BackendSequenceEncoder['kind'];
  /** Where its tensors live ('none' for plain TypeScript). */
  backend: string;
  /** Why this one: measured default, or the failure that made the worker fall back. */
  reason: string;
}

export interface ChosenSequenceEncoder {
  encoder: BackendSequenceEncoder;
  report: SequenceEncoderReport;
}

/**
 * @example
 * const chosen = await chooseSequenceEncoder(model, choice); // null when the model has no sequence part
 * chosen?.report; // { kind: 'plain', backend: 'none', reason: 'measured fastest on webgpu (bench:sequence-latency)' }
 */
export async function chooseSequenceEncoder(model: GlobalModel, choice: BackendChoice): Promise<ChosenSequenceEncoder | null> {
  if (!model.sequence) return null;
  const kind = defaultSequenceEncoderKind(choice.backend);
  let encoder: BackendSequenceEncoder | null = null;
  try {
    encoder = createSequenceEncoder(model.sequence, { kind });
    // The first call compiles the GPU programs of the smallest window (later windows compile on first use).
    await encoder.encode(Int32Array.of(0));
    return { encoder, report: { kind, backend: encoder.backend, reason: `measured fastest on ${choice.backend} (bench:sequence-latency)` } };
  } catch (e) {
    encoder?.dispose();
    if (kind === 'plain') throw e; // the reference path failing means the model itself is bad
    console.warn(`tastebud: the ${kind} sequence encoder failed on ${choice.backend} (${String(e)}); using plain TypeScript`);
    const plain = createSequenceEncoder(model.sequence, { kind: 'plain' });
    return { encoder: plain, report: { kind: 'plain', backend: 'none', reason: `${kind} on ${choice.backend} failed: ${String(e).slice(0, 200)}` } };
  }
}
