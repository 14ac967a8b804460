/**
 * Everything of the worker that needs TF.js, behind one module that host.ts imports with a dynamic `import()`:
 * the bundler puts it (tfjs-core, the kernels, and through their own dynamic imports each backend package) in
 * chunks of their own, which the worker fetches only after it can answer with the plain-TypeScript scan.
 */
export { chooseBackend } from '../kernels/backend_choice.ts';
export { createDeviceScanner, loseDevice } from './device_scanner.ts';
export { sequenceEncoderChooser } from './sequence_encoder_choice.ts';
export { cachedAutoBackend, measureAutoBackend, tuneAutoBackend } from './auto_backend.ts';
export { preferenceFor } from './backend_timing.ts';
