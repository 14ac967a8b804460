/**
 * A zero-copy `Identity` kernel for the wasm backend during training. TF.js clones every tensor it saves for the
 * backward pass through `Identity`; the wasm backend's own kernel copies the bytes (16 % of a training step's kernel
 * time on ML-1M, measured with tf.profile), where the cpu backend shares the buffer by reference count. The wasm
 * backend counts references too (its `Reshape` shares buffers this way) and no kernel writes into its inputs, so
 * sharing is safe.
 */
import * as tf from '@tensorflow/tfjs-core';

interface RefCountingBackend {
  incRef(dataId: object): void;
}

let installed = false;

/** Replaces the wasm backend's `Identity` with the buffer-sharing one (once per process; a no-op elsewhere). */
export function installZeroCopyIdentity(): void {
  if (installed || tf.getBackend() !== 'wasm') return;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      (backend as unknown as RefCountingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
  installed = true;
}
