/**
 * Vite plugin for the demo shop and the embed bundles, used by the main build:
 * - before building, makes sure the generated catalogue and model exist (demo/prepare.mjs, cached), so a plain
 *   `vite build` on a clean clone ships a working demo;
 * - adds the runtime entry (`tastebud-runtime.js`, fixed name, exports kept) that the loader imports lazily;
 * - after the bundle, builds the standalone loader `tastebud.js` (vite.embed.config.ts) into the same outDir.
 */
import { resolve } from 'node:path';
import { build, type Plugin, type UserConfig } from 'vite';

const root = resolve(import.meta.dirname, '..');
const FIXED_NAMES = new Set(['tastebud-runtime']);

function addRuntimeEntry(config: UserConfig): void {
  const b = (config.build ??= {});
  const ro = (b.rollupOptions ??= {});
  const input = ro.input;
  const entries = typeof input === 'string' ? { main: input } : Array.isArray(input) ? Object.fromEntries(input.map((p, i) => [`page${i}`, p])) : { ...input };
  entries['tastebud-runtime'] = resolve(root, 'src/embed/runtime.ts');
  ro.input = entries;
  // Vite drops entry exports in app builds; the runtime's `start` must survive for the loader's import().
  ro.preserveEntrySignatures = 'exports-only';
  const output = (Array.isArray(ro.output) ? ro.output[0] : (ro.output ??= {})) as { entryFileNames?: unknown };
  output.entryFileNames = (chunk: { name: string }) => (FIXED_NAMES.has(chunk.name) ? '[name].js' : 'assets/[name]-[hash].js');
}

/**
 * @example
 * // vite.config.ts
 * export default defineConfig({ plugins: [tastebudDemo()] });
 */
export function tastebudDemo(): Plugin {
  let outDir = 'dist';
  let isBuild = false;
  return {
    name: 'tastebud-demo',
    config(config, env) {
      isBuild = env.command === 'build';
      if (isBuild) addRuntimeEntry(config);
    },
    configResolved(c) {
      outDir = resolve(c.root, c.build.outDir);
    },
    async buildStart() {
      if (!isBuild) return;
      // @ts-expect-error plain .mjs module without types
      const { prepare } = (await import('./prepare.mjs')) as { prepare: () => unknown };
      try {
        prepare();
      } catch (e) {
        this.warn(`the demo model could not be prepared: ${(e as Error).message}`);
      }
    },
    async closeBundle() {
      if (!isBuild) return;
      await build({ configFile: resolve(root, 'vite.embed.config.ts'), logLevel: 'warn', build: { outDir } });
    },
  };
}
