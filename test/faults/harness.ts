/**
 * Fault-suite helpers: a RecommenderHost behind a real comlink boundary (a Node MessageChannel) that a test can
 * kill the way a browser kills a worker — messages stop, nothing is closed cleanly — and a fake localStorage.
 */
import { MessageChannel } from 'node:worker_threads';
import { expose, wrap } from 'comlink';
import type { Connection } from '../../src/client/supervisor.ts';
import { RecommenderHost } from '../../src/worker/host.ts';
import type { HostApi, HostInitOptions } from '../../src/worker/host_api.ts';

export interface Killable {
  connect(): Promise<Connection>;
  /** Cuts the newest connection without telling anyone (terminate / crash / out of memory). */
  kill(): void;
  /** How many hosts were started. */
  readonly started: number;
}

/** Each connect() starts a fresh host on a fresh channel with `init()` (read at connect time). */
export function killableHosts(init: () => HostInitOptions, wrapHost: (h: HostApi) => HostApi = (h) => h): Killable {
  let cut: () => void = () => undefined;
  let started = 0;
  return {
    async connect() {
      const { port1, port2 } = new MessageChannel();
      const host = new RecommenderHost();
      expose(wrapHost(host), port1 as never);
      const remote = wrap<HostApi>(port2 as never);
      started++;
      let dead = false;
      cut = () => {
        if (dead) return;
        dead = true;
        port1.close();
        port2.close();
      };
      const own = cut;
      return { host: remote as unknown as HostApi, started: remote.init(init()), dispose: () => own() };
    },
    kill: () => cut(),
    get started() {
      return started;
    },
  };
}

/** A Storage good enough for consent_memory.ts. */
export function fakeLocalStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
