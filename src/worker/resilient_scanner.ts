/**
 * A catalogue scanner that survives losing its GPU: WebGPU `device.lost`, a WebGL context loss, a scan that
 * throws a backend error or never answers. The lost backend is recorded (a BackendError's message), the next
 * backend of the list takes over with the same table, and in the end the plain-TypeScript scan, which needs no
 * device. The query that met the loss is answered by the successor, so callers never see the loss itself.
 */
import { BackendError, InvalidInputError } from '../errors.ts';
import type { TopK } from '../model/top_k.ts';
import type { CatalogueScanner } from '../kernels/types.ts';

/** One scanner on one backend; `scanner` null means the plain scan. */
export interface BackendScanner {
  backend: string;
  scanner: CatalogueScanner | null;
  /** Settles with a reason when the device behind this backend is lost (never, for cpu / wasm / plain). */
  lost?: Promise<string>;
}

export interface ResilientOptions {
  /** The table, kept to rebuild the scanner on the next backend. */
  itemEmb: Float32Array;
  itemBias: Float32Array;
  dim: number;
  /** Builds the scanner after `lostBackend`: the next backend of the list, or `{ backend: 'plain', scanner: null }`. */
  next(lostBackend: string, itemEmb: Float32Array, itemBias: Float32Array): Promise<BackendScanner>;
  /** The plain scan (kept injectable so this file needs no engine import). */
  plain(itemEmb: Float32Array, itemBias: Float32Array, dim: number): CatalogueScanner;
  /** A scan slower than this counts as a lost device (ms). */
  scanMs: number;
  /** Told after each switch (stats, subscribe listeners). */
  onSwitch(lost: { backend: string; reason: string }, now: string): void;
}

export interface ResilientScanner extends CatalogueScanner {
  /** The backend scanning now ('plain' after every GPU/TF.js backend was lost). */
  readonly backend: string;
  /** Each backend given up, with the BackendError message; oldest first. */
  readonly lost: readonly { backend: string; reason: string }[];
}

/** A resilient scanner that the `auto` measurement can also move on purpose. */
export interface MovableScanner extends ResilientScanner {
  /**
   * Moves the scans to another backend (the `auto` measurement's winner): `build` gets the current table;
   * queries already running finish on the old scanner, which is disposed after them.
   */
  replace(build: (itemEmb: Float32Array, itemBias: Float32Array) => Promise<BackendScanner>): Promise<void>;
}

interface Current {
  backend: string;
  scanner: CatalogueScanner;
  lost: Promise<never>;
}

/**
 * @example
 * const scanner = createResilientScanner({ backend: 'webgpu', scanner: gpuScanner, lost }, { itemEmb, itemBias, dim, next, plain, scanMs: 15000, onSwitch });
 * await scanner.topK(z, 10); // answered by webgl (or plain) if the GPU was lost
 */
export function createResilientScanner(first: BackendScanner, o: ResilientOptions): MovableScanner {
  let emb = o.itemEmb;
  let bias = o.itemBias;
  const lostLog: { backend: string; reason: string }[] = [];
  let switching: Promise<void> | null = null;
  const running = new Set<Promise<unknown>>();
  const adopt = (b: BackendScanner): Current => {
    const lost = (b.lost ?? new Promise<string>(() => undefined)).then((reason): never => {
      throw new BackendError(`${b.backend}: ${reason}`);
    });
    lost.catch(() => undefined);
    const c: Current = { backend: b.backend, scanner: b.scanner ?? o.plain(emb, bias, o.dim), lost };
    // Switch at once on a loss, not only at the next query: stats() and the listeners learn it now.
    lost.catch((e: Error) => void fallBack(c, e.message));
    return c;
  };
  let cur = adopt(first);

  const fallBack = (from: Current, reason: string): Promise<void> => {
    if (from !== cur) return switching ?? Promise.resolve();
    switching ??= (async () => {
      lostLog.push({ backend: from.backend, reason });
      try {
        from.scanner.dispose();
      } catch {
        // a lost device may refuse to free its buffers; they are gone with it
      }
      let next: BackendScanner;
      try {
        next = from.backend === 'plain' ? { backend: 'plain', scanner: null } : await o.next(from.backend, emb, bias);
      } catch (e) {
        next = { backend: 'plain', scanner: null };
        lostLog.push({ backend: 'fallback', reason: String(e) });
      }
      if (next.backend !== 'plain' && lostLog.some((l) => l.backend === next.backend)) {
        next.scanner?.dispose(); // never back to a backend that was lost once: that could loop for ever
        next = { backend: 'plain', scanner: null };
      }
      cur = adopt(next);
      o.onSwitch({ backend: from.backend, reason }, cur.backend);
    })().finally(() => (switching = null));
    return switching;
  };

  const scanOnce = (c: Current, z: Float32Array, k: number, exclude?: Uint8Array | null): Promise<TopK> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BackendError(`${c.backend}: a catalogue scan did not answer within ${o.scanMs} ms`)), o.scanMs);
    });
    return Promise.race([c.scanner.topK(z, k, exclude), c.lost, late]).finally(() => clearTimeout(timer));
  };

  return {
    get numItems() {
      return cur.scanner.numItems;
    },
    dim: o.dim,
    get backend() {
      return cur.backend;
    },
    lost: lostLog,
    async topK(z, k, exclude) {
      for (;;) {
        await switching;
        const c = cur;
        const scan = scanOnce(c, z, k, exclude);
        running.add(scan);
        try {
          return await scan;
        } catch (e) {
          if (e instanceof InvalidInputError || c.backend === 'plain') throw e;
          await fallBack(c, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
        } finally {
          running.delete(scan);
        }
      }
    },
    async replace(build) {
      await switching;
      const old = cur;
      const table = emb;
      const built = await build(emb, bias);
      if (built.scanner && table !== emb) await built.scanner.setItems(emb, bias); // fine-tuned while it was built
      if (old !== cur) {
        built.scanner?.dispose(); // a device loss moved the scans meanwhile: keep its choice
        return;
      }
      cur = adopt(built);
      await Promise.allSettled([...running]);
      old.scanner.dispose();
    },
    async setItems(itemEmb, itemBias) {
      emb = itemEmb;
      bias = itemBias;
      await switching;
      await cur.scanner.setItems(itemEmb, itemBias);
    },
    dispose() {
      cur.scanner.dispose();
    },
  };
}
