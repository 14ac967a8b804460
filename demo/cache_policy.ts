/**
 * How the demo shop's files are cached, as a shop's CDN would serve tastebud (docs/integrate.md, "Let a returning shopper's browser keep the loader"):
 * - pages: `no-cache` (revalidated on every visit);
 * - the loader (`tastebud.js`) and the shop's snippet: five minutes, as tag loaders are served, so a returning
 *   shopper's page runs them from the cache and paints the kept shelf without waiting for the network (an update
 *   reaches every shopper within five minutes);
 * - the build's content-hashed assets (`/assets/…`): a year, immutable (a new build has new names);
 * - everything else (the runtime entry, the model, the catalogue): `no-cache`, revalidated, so a new model version
 *   or runtime is seen at once and a stale runtime never meets a newer loader for long.
 * `vite preview` (npm start, the e2e suite) and the benches' static server (bench/lib/static_server.ts) both use it.
 */
const LOADER_MAX_AGE_S = 300;

/**
 * @example
 * cacheControlFor('/tastebud.js'); // 'public, max-age=300'
 * cacheControlFor('/assets/main-Dk2f.js'); // 'public, max-age=31536000, immutable'
 */
export function cacheControlFor(pathname: string): string {
  if (pathname.startsWith('/assets/')) return 'public, max-age=31536000, immutable';
  if (pathname === '/tastebud.js' || pathname === '/snippet.js') return `public, max-age=${LOADER_MAX_AGE_S}`;
  return 'no-cache';
}
