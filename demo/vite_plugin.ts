/**
 * Vite plugins for the embed bundles and the demo shop.
 * `tastebudEmbed()` (main build and the standalone vite.embed.config.ts): adds the runtime entry
 * (`tastebud-runtime.js`, fixed name, exports kept) that the loader imports lazily, and after the bundle builds
 * the loader `tastebud.js` (vite.loader.config.ts) into the same outDir.
 * `tastebudDemo()` (main build): that, plus the generated catalogue and model (demo/prepare.mjs, cached) before
 * building — so a plain `vite build` on a clean clone ships a working demo — and the embed files in `vite dev`.
 */
import { resolve } from 'node:path';
import { build, type Plugin, type UserConfig, type ViteDevServer } from 'vite';
import { cacheControlFor } from './cache_policy.ts';

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
    build({ configFile: resolve(root, 'vite.loader.config.ts'), logLevel: 'warn', build: { write: false } })
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
 * // vite.embed.config.ts
 * export default defineConfig({ plugins: [tastebudEmbed()], build: { outDir: 'dist-embed' } });
 */
export function tastebudEmbed(): Plugin {
  let outDir = 'dist';
  let isBuild = false;
  return {
    name: 'tastebud-embed',
    config(config, env) {
      isBuild = env.command === 'build';
      if (isBuild) addRuntimeEntry(config);
    },
    configResolved(c) {
      outDir = resolve(c.root, c.build.outDir);
    },
    async closeBundle() {
      if (isBuild) await build({ configFile: resolve(root, 'vite.loader.config.ts'), logLevel: 'warn', build: { outDir } });
    },
  };
}

/**
 * @example
 * // vite.config.ts
 * export default defineConfig({ plugins: [tastebudDemo()] });
 */
export function tastebudDemo(): Plugin[] {
  let isBuild = false;
  return [
    tastebudEmbed(),
    {
      name: 'tastebud-demo',
      config(_, env) {
        isBuild = env.command === 'build';
      },
      async configureServer(server) {
        await prepareModel((m) => server.config.logger.warn(m));
        serveEmbedInDev(server);
      },
      // the built shop is served as a shop's CDN would (cache_policy.ts): set before vite's static files, which keep it
      configurePreviewServer(server) {
        server.middlewares.use((req, res, next) => {
          res.setHeader('Cache-Control', cacheControlFor(new URL(req.url ?? '/', 'http://x').pathname));
          next();
        });
      },
      async buildStart() {
        if (isBuild) await prepareModel((m) => this.warn(m));
      },
    },
  ];
}
