/**
 * Sequence encoders for the engine while TF.js loads: each one encodes with the plain-TypeScript forward pass at
 * first and moves to the encoder the backend's chooser picks (sequence_encoder_choice.ts) once the backend is up.
 * Both are held to the reference `encodeSequence` by the contract suite, so the switch changes `h` only within
 * that tolerance.
 */
import { createPlainSequenceEncoder, type SequenceEncoder } from '../engine/sequence_user.ts';
import type { SequenceParams } from '../model/sequence/types.ts';
import type { SequenceEncoderChooser, SequenceEncoderReport } from './sequence_encoder_choice.ts';

export interface LazySequence {
  /** The engine's `sequenceEncoder` option. */
  create(params: SequenceParams): SequenceEncoder;
  /** Moves every live encoder (and later ones) to `chooser`'s; resolves once they have moved. */
  adopt(chooser: SequenceEncoderChooser): Promise<void>;
  /** What `stats().sequenceEncoder` reports. */
  readonly report: SequenceEncoderReport | null;
}

const LOADING: SequenceEncoderReport = { kind: 'plain', backend: 'none', reason: 'the TF.js backend is still loading; the plain forward pass answers meanwhile' };

interface Slot {
  params: SequenceParams;
  current: SequenceEncoder;
  disposed: boolean;
}

/**
 * @example
 * const seq = createLazySequence();
 * await createEngine({ …, sequenceEncoder: (p) => seq.create(p) }); // plain at once
 * await seq.adopt(sequenceEncoderChooser(choice));                   // the backend's pick from now on
 */
export function createLazySequence(): LazySequence {
  const live = new Set<Slot>();
  let chooser: SequenceEncoderChooser | null = null;
  let created = false;
  const move = async (slot: Slot, to: SequenceEncoderChooser): Promise<void> => {
    const next = await to.create(slot.params); // falls back to plain itself, saying why
    if (slot.disposed) return next.dispose();
    slot.current.dispose?.();
    slot.current = next;
  };
  return {
    get report() {
      return chooser?.report ?? (created ? LOADING : null);
    },
    create(params) {
      created = true;
      const slot: Slot = { params, current: createPlainSequenceEncoder(params), disposed: false };
      live.add(slot);
      if (chooser) void move(slot, chooser).catch(() => undefined);
      return {
        encode: (items) => slot.current.encode(items),
        dispose() {
          slot.disposed = true;
          live.delete(slot);
          slot.current.dispose?.();
        },
      };
    },
    async adopt(to) {
      chooser = to;
      await Promise.all([...live].map((slot) => move(slot, to).catch(() => undefined)));
    },
  };
}
