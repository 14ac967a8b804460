import { defineConfig } from 'vite';
import { resolve } from 'node:path';

/**
 * The embed loader alone: `tastebud.js`, one classic-script IIFE with no imports (so `<script async src>` works in
 * any page) and no TF.js. The main build and the standalone embed build (vite.embed.config.ts) run this after
 * their own bundle, into the same folder (see demo/vite_plugin.ts).
 */
export default defineConfig({
  configFile: false,
  publicDir: false,
  build: {
    // es2022: class fields as written (every browser with custom elements v1 and dynamic import has them)
    target: 'es2022',
    emptyOutDir: false,
    outDir: 'dist-loader',
    minify: true,
    lib: {
      entry: resolve(import.meta.dirname, 'src/embed/loader.ts'),
      formats: ['iife'],
      name: 'tastebudLoader',
      fileName: () => 'tastebud.js',
    },
  },
});
