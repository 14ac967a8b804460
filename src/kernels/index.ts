/** Compute kernels per TF.js backend: backend choice, sparse trainers, catalogue scanners, sequence encoders. */
export { chooseBackend } from './backend_choice.ts';
export type { ChooseBackendOptions } from './backend_choice.ts';
export { createSparseTrainer, defaultTrainerKind } from './trainer.ts';
export type { TrainerOptions } from './trainer.ts';
export { createCatalogueScanner, topKOfScores } from './scanner.ts';
export type { KindedScanner, ScannerKind, ScannerLayout, ScannerOptions } from './scanner.ts';
export { registerWasmUnsortedSegmentSum } from './unsorted_segment_sum_wasm.ts';
export { registerSparseStepKernels, SPARSE_STEP_KERNEL } from './sparse_step_js_kernel.ts';
export { BACKEND_ORDER } from './types.ts';
export type * from './types.ts';
export { createSequenceEncoder, defaultSequenceEncoderKind } from './sequence_encoder.ts';
export type { BackendSequenceEncoder, SequenceEncoderKind, SequenceEncoderOptions } from './sequence_encoder.ts';
