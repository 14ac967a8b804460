/**
 * Vite plugin for the demo shop and the embed bundles, used by the main build:
 * - before building, makes sure the generated catalogue and model exist (demo/prepare.mjs, cached), so a plain
 *   `vite build` on a clean clone ships a working demo;
 * - adds the runtime entry (`tastebud-runtime.js`, fixed name, exports kept) that the loader imports lazily;
 * - after the bundle, builds the standalone loader `tastebud.js` (vite.embed.config.ts) into the same outDir.
 */
import { resolve } from 'node:path';
import { build, type Plugin, type UserConfig, type ViteDevServer } from 'vite';

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

async function prepareModel(warn: (m: string) => void): Promise<void> {
  // @ts-expect-error plain .mjs module without types
  const { prepare } = (await import('./prepare.mjs')) as { prepare: () => unknown };
  try {
    prepare();
  } catch (e) {
    warn(`the demo model could not be prepared: ${(e as Error).message}`);
  }
}

/** Dev server: `/tastebud.js` is the loader built on request, `/tastebud-runtime.js` the runtime's source module. */
function serveEmbedInDev(server: ViteDevServer): void {
  server.middlewares.use((req, res, next) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/tastebud-runtime.js') {
      res.statusCode = 302;
      res.setHeader('location', '/src/embed/runtime.ts');
      return res.end();
    }
    if (path !== '/tastebud.js') return next();
    build({ configFile: resolve(root, 'vite.embed.config.ts'), logLevel: 'warn', build: { write: false } })
      .then((out) => {
        const result = (Array.isArray(out) ? out[0] : out) as { output: { code?: string }[] };
        res.setHeader('content-type', 'text/javascript');
        res.end(result.output[0].code ?? '');
      })
      .catch(next);
  });
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
    async configureServer(server) {
      await prepareModel((m) => server.config.logger.warn(m));
      serveEmbedInDev(server);
    },
    async buildStart() {
      if (isBuild) await prepareModel((m) => this.warn(m));
    },
    async closeBundle() {
      if (!isBuild) return;
      await build({ configFile: resolve(root, 'vite.embed.config.ts'), logLevel: 'warn', build: { outDir } });
    },
  };
}
