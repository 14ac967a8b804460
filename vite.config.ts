import { defineConfig } from 'vite';
import { resolve } from 'node:path';
import { tastebudDemo } from './demo/vite_plugin.ts';

const root = import.meta.dirname;

/** Pages of the build: the demo shop, the lab (backends + live training), the browser test harness. */
const pages: Record<string, string> = {
  main: resolve(root, 'index.html'),
  lab: resolve(root, 'lab.html'),
  contract: resolve(root, 'harness/contract.html'),
  engine: resolve(root, 'harness/engine.html'),
};

export default defineConfig({
  // The demo's generated model, the embed runtime entry and the standalone loader (tastebud.js).
  plugins: [tastebudDemo()],
  build: {
    target: 'es2022',
    rollupOptions: { input: pages },
  },
  worker: { format: 'es' },
  server: { host: 'localhost' },
  preview: { host: 'localhost' },
});
