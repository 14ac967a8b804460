/**
 * The supervisor between the caller and the host: every call has a deadline, a worker that died or stopped
 * answering is found by a heartbeat, the calls pending on it reject with `WorkerLostError`, and a fresh worker
 * is started with the same options; it restores the shopper's state from storage as any start-up does. Calls
 * that are safe to repeat (reads, and `track`, whose events carry ids from the call site) are sent once more to
 * the new worker within the same deadline.
 */
import { ClosedError, TimeoutError, WorkerLostError, reviveError } from '../errors.ts';
import type { HostApi, InitReport } from '../worker/host_api.ts';

export interface Timeouts {
  /** createRecommender and each restart: worker start, storage, model download, state restore (ms). */
  initMs: number;
  /** Any other call (ms). */
  callMs: number;
  /** While calls are pending the worker is pinged this often; no answer within this long means it is lost (ms). */
  heartbeatMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { initMs: 120_000, callMs: 30_000, heartbeatMs: 10_000 };

/** One running host: a Worker behind comlink, or the host object itself inline. */
export interface Connection {
  host: HostApi;
  /** Resolves once `init` finished on this host. */
  started: Promise<InitReport>;
  /** Ends it for good (terminates the worker); must not throw. */
  dispose(): void;
}

interface Live {
  conn: Connection;
  report: InitReport;
  /** Rejects (WorkerLostError / ClosedError) when this connection is given up. */
  lost: Promise<never>;
  give: (e: Error) => void;
}

/**
 * Rejects with TimeoutError when `p` has not settled within `ms`.
 * @example await withDeadline(fetchThing(), 5000, 'fetchThing')
 */
export function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not finish within ${ms} ms; it is safe to call it again`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * @example
 * const sup = await Supervisor.start(() => connectWorker(init), DEFAULT_TIMEOUTS);
 * await sup.call('stats', (h) => h.stats(), true);
 */
export class Supervisor {
  #live: Live | null = null;
  #restarting: Promise<Live> | null = null;
  #pending = 0;
  #beat: ReturnType<typeof setInterval> | undefined;
  #pinging = false;
  #closed = false;
  #restarts = 0;

  /** Runs on each new worker before calls reach it (the client re-subscribes its listeners there). */
  onRestart: (host: HostApi, report: InitReport) => Promise<void> = async () => undefined;
  /** Runs once on close (the client stops watching page events there). */
  onClose: () => void = () => undefined;

  private constructor(
    private readonly connect: () => Promise<Connection>,
    readonly timeouts: Timeouts,
  ) {}

  /** Starts the first host; rejects (after disposing it) when init fails or passes `timeouts.initMs`. */
  static async start(connect: () => Promise<Connection>, timeouts: Timeouts): Promise<Supervisor> {
    const sup = new Supervisor(connect, timeouts);
    sup.#live = await sup.#open();
    return sup;
  }

  /**
   * Supervises a host that is already initialised; `reconnect` starts a replacement (default: none, so a lost
   * host makes every later call reject with WorkerLostError).
   */
  static adopt(conn: Connection, report: InitReport, timeouts: Timeouts, reconnect?: () => Promise<Connection>): Supervisor {
    const sup = new Supervisor(reconnect ?? (() => Promise.reject(new WorkerLostError('The tastebud host was lost and cannot be restarted here.'))), timeouts);
    let give!: (e: Error) => void;
    const lost = new Promise<never>((_, reject) => (give = reject));
    lost.catch(() => undefined);
    sup.#live = { conn, report, lost, give };
    return sup;
  }

  /** The report of the host running now. */
  get report(): InitReport | undefined {
    return this.#live?.report;
  }

  /** How many times a lost worker was replaced. */
  get restarts(): number {
    return this.#restarts;
  }

  /**
   * Runs `run` on the live host within `timeouts.callMs`. `retry`: the call may be repeated on a new worker
   * when the one it went to was lost.
   */
  async call<T>(verb: string, run: (host: HostApi) => Promise<T>, retry: boolean): Promise<T> {
    if (this.#closed) throw new ClosedError('This recommender was closed; create a new one with createRecommender().');
    this.#began();
    try {
      return await withDeadline(this.#attempt(run, retry), this.timeouts.callMs, verb);
    } catch (e) {
      throw reviveError(e);
    } finally {
      this.#ended();
    }
  }

  /** Closes the host (within the call deadline) and ends the worker; pending calls reject with ClosedError. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopBeat();
    this.onClose();
    const live = this.#live ?? (await this.#restarting?.catch(() => null)) ?? null;
    this.#live = null;
    if (!live) return;
    try {
      await withDeadline(Promise.race([live.conn.host.close(), live.lost]), this.timeouts.callMs, 'close');
    } finally {
      live.give(new ClosedError('The recommender was closed while this call was pending.'));
      live.conn.dispose();
    }
  }

  async #attempt<T>(run: (host: HostApi) => Promise<T>, retry: boolean): Promise<T> {
    for (let tries = 0; ; tries++) {
      const live = await this.#current();
      try {
        return await Promise.race([run(live.conn.host), live.lost]);
      } catch (e) {
        if (!(e instanceof WorkerLostError) || !retry || tries > 0 || this.#closed) throw e;
      }
    }
  }

  #current(): Promise<Live> {
    if (this.#closed) return Promise.reject(new ClosedError('This recommender was closed; create a new one with createRecommender().'));
    if (this.#live) return Promise.resolve(this.#live);
    this.#restarting ??= this.#open()
      .then(async (live) => {
        this.#restarts++;
        if (this.#closed) {
          live.conn.dispose();
          throw new ClosedError('This recommender was closed; create a new one with createRecommender().');
        }
        await this.onRestart(live.conn.host, live.report);
        this.#live = live;
        return live;
      })
      .finally(() => (this.#restarting = null)); // a failed start is not memoised: the next call tries again
    return this.#restarting;
  }

  async #open(): Promise<Live> {
    const conn = await this.connect();
    let give!: (e: Error) => void;
    const lost = new Promise<never>((_, reject) => (give = reject));
    lost.catch(() => undefined);
    try {
      const report = await withDeadline(Promise.race([conn.started, lost]), this.timeouts.initMs, 'createRecommender');
      return { conn, report, lost, give };
    } catch (e) {
      conn.dispose();
      throw reviveError(e);
    }
  }

  /** Gives up `live`: its pending calls reject with WorkerLostError and a new worker starts at once. */
  #lose(live: Live, why: string): void {
    if (this.#live !== live) return;
    this.#live = null;
    live.give(new WorkerLostError(`The tastebud worker ${why}; it was restarted and the shopper's state restored from storage. Call again.`));
    live.conn.dispose();
    if (this.#closed) return;
    this.#current().catch((e: unknown) => {
      if (!(e instanceof ClosedError)) console.warn('tastebud: restarting the worker failed; the next call tries again', e);
    });
  }

  #began(): void {
    if (this.#pending++ > 0) return;
    // A worker that died while nothing was pending is found by the first call's ping, not only after an interval.
    void this.#ping();
    this.#beat = setInterval(() => void this.#ping(), this.timeouts.heartbeatMs);
  }

  #ended(): void {
    if (--this.#pending === 0) this.#stopBeat();
  }

  #stopBeat(): void {
    clearInterval(this.#beat);
    this.#beat = undefined;
  }

  async #ping(): Promise<void> {
    const live = this.#live;
    if (!live || this.#pinging) return;
    this.#pinging = true;
    try {
      await withDeadline(live.conn.host.ping(), this.timeouts.heartbeatMs, 'ping');
    } catch (e) {
      this.#lose(live, e instanceof TimeoutError ? `did not answer for ${this.timeouts.heartbeatMs} ms` : `failed (${String(e)})`);
    } finally {
      this.#pinging = false;
    }
  }
}
