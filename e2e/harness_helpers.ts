/**
 * The engine harness page's driver as the browser tests see it: harness/engine_page.ts puts it on `window.tb`,
 * and every call answers with plain data Playwright can read. A spec declares `declare const tb: Tb;` to use it
 * inside `page.evaluate`.
 */

/** One call's result: its value, or the error's name and message and whether it kept its class. */
export type Outcome = { ok: boolean; ms: number; value?: unknown; name?: string; message?: string; instanceOfOwnClass?: boolean; instanceOfTastebudError?: boolean };

export interface Tb {
  create(o: Record<string, unknown>): Promise<Outcome>;
  call(verb: string, ...args: unknown[]): Promise<Outcome>;
  updates(): number;
  databases(): Promise<{ name?: string }[]>;
  rawEvents(ns: string): Promise<{ itemId: string; timestamp: number; seq: number; eventId?: string }[]>;
}
