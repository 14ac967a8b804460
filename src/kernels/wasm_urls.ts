/**
 * URLs of the TF.js wasm binaries as emitted by the Vite build. Browser-only: imported lazily by
 * `chooseBackend` when wasm is tried in a browser (Node's wasm backend finds its files itself).
 *
 * The threaded build is not shipped: `chooseBackend` turns `WASM_HAS_MULTITHREAD_SUPPORT` off (its pthread
 * workers cannot start from a bundle), so tfjs never asks for it; `setWasmPaths` still wants an entry for every
 * binary, and the SIMD one stands in (435 KB less to deploy).
 */
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';

export const WASM_URLS: Record<string, string> = {
  'tfjs-backend-wasm.wasm': plain,
  'tfjs-backend-wasm-simd.wasm': simd,
  'tfjs-backend-wasm-threaded-simd.wasm': simd,
};
