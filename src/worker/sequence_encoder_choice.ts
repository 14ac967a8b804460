/**
 * Which sequence encoder the worker's engine gets for a model that reads the order of the clicks. Plugs into
 * the engine's `sequenceEncoder` seam, which calls it once per model (and again on a model update).
 *
 * - webgpu on a real GPU: measured here, on the shopper's device: the WGSL forward and the plain one each encode
 *   the same 50-click history a few times after a warm-up, and the faster one is kept (the report says both).
 * - everywhere else (SwiftShader's emulated WebGPU, webgl, wasm, cpu): `defaultSequenceEncoderKind`, the winner
 *   of `npm run bench:sequence-latency` (plain TypeScript on every backend measured so far).
 * A backend encoder that fails to start or to encode falls back to plain TypeScript, and says why.
 */
import { createSequenceEncoder, defaultSequenceEncoderKind } from '../kernels/sequence_encoder.ts';
import type { BackendSequenceEncoder, SequenceEncoderKind } from '../kernels/sequence_encoder.ts';
import type { BackendChoice } from '../kernels/types.ts';
import type { SequenceParams } from '../model/sequence/types.ts';

/** What `stats().sequenceEncoder` reports. */
export interface SequenceEncoderReport {
  kind: SequenceEncoderKind;
  /** Where its tensors live ('none' for plain TypeScript). */
  backend: string;
  /** Why this one: the measured default, the on-device timing, or the failure that made the worker fall back. */
  reason: string;
}

export interface SequenceEncoderChooser {
  /** The engine's `sequenceEncoder` option. */
  create(params: SequenceParams): Promise<BackendSequenceEncoder>;
  /** The last encoder created, or null before any. */
  readonly report: SequenceEncoderReport | null;
}

const CALIBRATION_CLICKS = 50;
const CALIBRATION_RUNS = 3;

/** Median ms of a few encodes of one history, after one warm-up encode (which compiles GPU programs). */
async function medianEncodeMs(enc: BackendSequenceEncoder, items: Int32Array): Promise<number> {
  await enc.encode(items);
  const ms: number[] = [];
  for (let r = 0; r < CALIBRATION_RUNS; r++) {
    const t0 = performance.now();
    await enc.encode(items);
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[CALIBRATION_RUNS >> 1];
}

/** Whether this device's GPU is worth timing: a webgpu adapter that is not CPU emulation. */
function realGpu(choice: BackendChoice): boolean {
  return choice.backend === 'webgpu' && !/swiftshader|fallback|cpu/i.test(String(choice.details.adapter ?? ''));
}

async function calibrated(params: SequenceParams): Promise<{ encoder: BackendSequenceEncoder; report: SequenceEncoderReport }> {
  const n = Math.min(CALIBRATION_CLICKS, params.config.maxLen);
  const items = Int32Array.from({ length: n }, (_, t) => (t * 7919) % params.config.numItems);
  const gpu = createSequenceEncoder(params, { kind: 'wgsl' });
  const plain = createSequenceEncoder(params, { kind: 'plain' });
  const [gpuMs, plainMs] = [await medianEncodeMs(gpu, items), await medianEncodeMs(plain, items)];
  const timing = `${n} clicks: wgsl ${gpuMs.toFixed(2)} ms, plain ${plainMs.toFixed(2)} ms, timed on this device`;
  const [keep, drop] = gpuMs < plainMs ? [gpu, plain] : [plain, gpu];
  drop.dispose();
  return { encoder: keep, report: { kind: keep.kind, backend: keep.backend, reason: timing } };
}

/**
 * @example
 * const chooser = sequenceEncoderChooser(choice);
 * await createEngine({ ...opts, sequenceEncoder: (p) => chooser.create(p) });
 * chooser.report; // { kind: 'plain', backend: 'none', reason: 'measured fastest on webgpu (SwiftShader) by bench:sequence-latency' }
 */
export function sequenceEncoderChooser(choice: BackendChoice): SequenceEncoderChooser {
  let report: SequenceEncoderReport | null = null;
  const plainFallback = (params: SequenceParams, why: string): BackendSequenceEncoder => {
    console.warn(`tastebud: ${why}; the sequence model runs in plain TypeScript`);
    report = { kind: 'plain', backend: 'none', reason: why.slice(0, 300) };
    return createSequenceEncoder(params, { kind: 'plain' });
  };
  return {
    get report() {
      return report;
    },
    async create(params) {
      if (realGpu(choice)) {
        try {
          const c = await calibrated(params);
          report = c.report;
          return c.encoder;
        } catch (e) {
          return plainFallback(params, `the wgsl sequence encoder failed on ${String(choice.details.adapter)}: ${String(e)}`);
        }
      }
      const kind = defaultSequenceEncoderKind(choice.backend);
      if (kind === 'plain') {
        report = { kind, backend: 'none', reason: `measured fastest on ${choice.backend}${choice.backend === 'webgpu' ? ' (emulated GPU)' : ''} by bench:sequence-latency` };
        return createSequenceEncoder(params, { kind });
      }
      let encoder: BackendSequenceEncoder | null = null;
      try {
        encoder = createSequenceEncoder(params, { kind });
        await encoder.encode(Int32Array.of(0)); // compiles its GPU programs now, not on the shopper's first click
        report = { kind, backend: encoder.backend, reason: `measured fastest on ${choice.backend} by bench:sequence-latency` };
        return encoder;
      } catch (e) {
        encoder?.dispose();
        return plainFallback(params, `the ${kind} sequence encoder failed on ${choice.backend}: ${String(e)}`);
      }
    },
  };
}
