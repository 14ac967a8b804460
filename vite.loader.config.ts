import { defineConfig } from 'vite';
import { resolve } from 'node:path';

/**
 * The standalone embed loader: `tastebud.js`, one classic-script IIFE with no imports (so `<script async src>`
 * works in any page) and no TF.js. The main build runs this after its own bundle (see demo/vite_plugin.ts);
 * alone: `npx vite build -c vite.embed.config.ts --outDir dist-embed`.
 */
export default defineConfig({
  configFile: false,
  publicDir: false,
  build: {
    target: 'es2020',
    emptyOutDir: false,
    outDir: 'dist-embed',
    minify: true,
    lib: {
      entry: resolve(import.meta.dirname, 'src/embed/loader.ts'),
      formats: ['iife'],
      name: 'tastebudLoader',
      fileName: () => 'tastebud.js',
    },
  },
});
