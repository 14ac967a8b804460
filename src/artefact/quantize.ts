/**
 * Encoding of one float tensor as the TF.js weights format stores it: raw float32, float16, or affine
 * uint8/uint16 (`value = q·scale + min`, per tensor), and back.
 */
import { fromFloat16Bits, toFloat16Bits } from './float16.ts';

export type QuantDtype = 'uint8' | 'uint16' | 'float16';

export interface Quantization {
  dtype: QuantDtype;
  min?: number;
  scale?: number;
}

export const BYTES_PER: Record<'float32' | QuantDtype, number> = { float32: 4, float16: 2, uint16: 2, uint8: 1 };

/**
 * Encodes values; `quant` null keeps float32.
 *
 * @example
 * const { bytes, quantization } = encodeTensor(Float32Array.of(0, 1, 2), 'uint8');
 * quantization; // { dtype: 'uint8', min: 0, scale: 2 / 255 }
 */
export function encodeTensor(values: Float32Array, quant: QuantDtype | null): { bytes: Uint8Array; quantization?: Quantization } {
  if (quant === null) return { bytes: new Uint8Array(values.slice().buffer) };
  if (quant === 'float16') {
    const out = new Uint16Array(values.length);
    for (let k = 0; k < values.length; k++) out[k] = toFloat16Bits(values[k]);
    return { bytes: new Uint8Array(out.buffer), quantization: { dtype: 'float16' } };
  }
  const levels = quant === 'uint8' ? 255 : 65535;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < values.length; k++) {
    if (values[k] < min) min = values[k];
    if (values[k] > max) max = values[k];
  }
  if (!Number.isFinite(min)) min = max = 0;
  const scale = max > min ? (max - min) / levels : 1;
  const out = quant === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  for (let k = 0; k < values.length; k++) out[k] = Math.min(levels, Math.max(0, Math.round((values[k] - min) / scale)));
  return { bytes: new Uint8Array(out.buffer), quantization: { dtype: quant, min, scale } };
}

/**
 * Decodes `count` values from `bytes` (exactly count × bytes-per-value long).
 *
 * @example
 * decodeTensor(enc.bytes, 3, enc.quantization); // Float32Array [0, 1, 2] (within scale / 2)
 */
export function decodeTensor(bytes: Uint8Array, count: number, quantization?: Quantization): Float32Array {
  const copy = bytes.slice(); // aligned, and independent of the shard buffer
  if (!quantization) return new Float32Array(copy.buffer, 0, count);
  const out = new Float32Array(count);
  if (quantization.dtype === 'float16') {
    const h = new Uint16Array(copy.buffer, 0, count);
    for (let k = 0; k < count; k++) out[k] = fromFloat16Bits(h[k]);
    return out;
  }
  const q = quantization.dtype === 'uint8' ? copy : new Uint16Array(copy.buffer, 0, count);
  const min = quantization.min ?? 0;
  const scale = quantization.scale ?? 1;
  for (let k = 0; k < count; k++) out[k] = q[k] * scale + min;
  return out;
}
