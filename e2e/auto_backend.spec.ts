/**
 * `backend: 'auto'` in real Chromium: the worker times the recommend path on every backend it offers plus the
 * plain-TypeScript scan (less the GPU backends on an emulated GPU, named as not timed), runs on the fastest,
 * reports it in stats(), and the next load reuses it from IndexedDB.
 * Both boots: eager (init waits for a backend; the fixed order's pick answers while the measurement runs in the
 * background) and lazy (the plain scan answers first; the measurement runs where TF.js starts its backend).
 */
import { expect, test, type Page } from '@playwright/test';
import { encodeArtefact } from '../src/artefact/encode.ts';
import { createTinyModel } from '../harness/engine_model.ts';
import type { Tb } from './harness_helpers.ts';

declare const tb: Tb;
interface Auto {
  state: string;
  choice?: string;
  source?: string;
  ms?: Record<string, number>;
  failed?: { backend: string; reason: string }[];
  skipped?: { backend: string; reason: string }[];
}
interface AutoStats {
  backend: string;
  backendLoading?: boolean;
  autoBackend?: Auto;
}

async function start(page: Page, lazyBackend: boolean): Promise<string> {
  await page.goto('/harness/engine.html');
  await expect(page.getByTestId('status')).toHaveText('idle');
  const out = await page.evaluate((lazy) => tb.create({ model: '/tb-model/model.json', namespace: `auto-e2e-${lazy}`, backend: 'auto', lazyBackend: lazy }), lazyBackend);
  expect(out, JSON.stringify(out)).toMatchObject({ ok: true });
  // The first answer (lazy: from the plain scan, before anything is timed; it also starts the backend's load).
  expect(((await page.evaluate(() => tb.call('recommend', { k: 5 }))).value as unknown[]).length).toBe(5);
  return (out.value as { backend: string }).backend;
}

/** stats() once the measurement (or the cached winner) is in force and no backend is still loading. */
async function measured(page: Page): Promise<AutoStats & { autoBackend: Auto }> {
  let s: AutoStats | undefined;
  await expect
    .poll(async () => {
      s = (await page.evaluate(() => tb.call('stats'))).value as AutoStats;
      return `${s?.autoBackend?.state}${s?.backendLoading ? ' (loading)' : ''}`;
    }, { timeout: 120_000 })
    .toBe('done');
  return s as AutoStats & { autoBackend: Auto };
}

for (const lazy of [false, true]) {
  test(`auto (${lazy ? 'lazy' : 'eager'} boot) measures every backend in the worker, runs the fastest, says so in stats(), reuses it on reload`, async ({ page }) => {
    const a = encodeArtefact(createTinyModel({ numItems: 2000, modelVersion: 'auto-e2e-1' }), { shardBytes: 1 << 20 });
    const files = new Map<string, Buffer>([['model.json', Buffer.from(JSON.stringify(a.modelJson))], ...a.shards.map((s) => [s.path, Buffer.from(s.data)] as [string, Buffer])]);
    await page.route('**/tb-model/**', (route) => {
      const body = files.get(new URL(route.request().url()).pathname.split('/').pop()!);
      return body ? route.fulfill({ body }) : route.fulfill({ status: 404 });
    });
    const firstStart = await start(page, lazy);
    if (lazy) expect(firstStart, 'the lazy boot answers from the plain scan first').toBe('plain');
    const first = await measured(page);
    console.log(`auto (${lazy ? 'lazy' : 'eager'}) in Chromium: ${JSON.stringify(first.autoBackend.ms)} -> ${first.autoBackend.choice}`);
    const ms = first.autoBackend.ms!;
    const skipped = first.autoBackend.skipped ?? [];
    const timed = Object.keys(ms).concat((first.autoBackend.failed ?? []).map((f) => f.backend));
    expect(timed.concat(skipped.map((x) => x.backend)).sort()).toEqual(['cpu', 'plain', 'wasm', 'webgl', 'webgpu']);
    expect(timed).toEqual(expect.arrayContaining(['cpu', 'plain', 'wasm']));
    // a GPU backend is left untimed only on an emulated GPU (SwiftShader here; a real GPU's Chrome times it)
    for (const x of skipped) expect(['webgl', 'webgpu']).toContain(x.backend);
    for (const x of skipped) expect(x.reason).toMatch(/^software GPU \(.*(swiftshader|llvmpipe|lavapipe|softpipe|software|basic render)/i);
    if (skipped.length) console.log(`auto (${lazy ? 'lazy' : 'eager'}): not timed: ${skipped.map((x) => `${x.backend} (${x.reason})`).join('; ')}`);
    const fastest = Object.entries(ms).sort((x, y) => x[1] - y[1])[0][0];
    expect(first.autoBackend).toMatchObject({ source: 'measured', choice: fastest });
    // one snapshot: stats() once paired the old backend with the finished report (read across an await)
    expect(first.backend).toBe(fastest);
    expect(((await page.evaluate(() => tb.call('recommend', { k: 5 }))).value as unknown[]).length).toBe(5);

    const again = await start(page, lazy);
    expect(again, 'the next load starts on the cached winner (lazy: after the plain scan\'s first answer)').toBe(lazy ? 'plain' : fastest);
    const second = await measured(page);
    expect(second.autoBackend).toMatchObject({ source: 'cached', choice: fastest, ms });
    expect(second.backend).toBe(fastest);
  });
}
