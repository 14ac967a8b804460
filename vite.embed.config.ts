import { defineConfig } from 'vite';
import { tastebudEmbed } from './demo/vite_plugin.ts';

/**
 * The standalone embed build a shop hosts: `npm run build:embed` → dist-embed/ with `tastebud.js` (the loader,
 * ≤ 5 KB gzipped), `tastebud-runtime.js` and `assets/` (client, worker, TF.js backends, wasm binaries).
 * Upload the folder next to the model and point the script tag at it.
 */
export default defineConfig({
  // Relative URLs (worker, chunks, wasm resolved from import.meta.url): the folder works wherever it is hosted.
  base: './',
  publicDir: false,
  plugins: [tastebudEmbed()],
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist-embed', rollupOptions: { input: {} } },
});
