/** A minimal static file server for the built harness (localhost is a secure context, so WebGPU works). */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.bin': 'application/octet-stream',
};

/**
 * @example
 * const server = await serveStatic('dist-bench', 4402); // http://localhost:4402/harness/contract.html
 * server.close();
 * // cross-origin isolated (performance.measureUserAgentSpecificMemory):
 * await serveStatic('dist-bench', 4402, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
 * // each file's Cache-Control by its path, as the demo's preview server sends it:
 * await serveStatic('dist', 4413, {}, cacheControlFor);
 */
export function serveStatic(
  dir: string,
  port: number,
  headers: Record<string, string> = {},
  cacheControl?: (pathname: string) => string,
): Promise<Server> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
    } catch {
      return void res.writeHead(404).end();
    }
    const cache = cacheControl ? { 'cache-control': cacheControl(path) } : {};
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...cache, ...headers });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, 'localhost', () => ok(server));
  });
}
