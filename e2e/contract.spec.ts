import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import type { SuiteResult } from '../test/contract/suite.ts';
import type { HarnessWindow, PageRequest } from '../harness/harness_types.ts';

/**
 * The contract suite in real Chromium, inside a Worker, on every backend: a fresh page (fresh TF.js) per
 * backend. On this machine WebGPU runs on SwiftShader; set TASTEBUD_EXPECT_ADAPTER to your GPU's architecture
 * (or '' for any) elsewhere.
 */
const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
const EXPECT_ADAPTER = process.env.TASTEBUD_EXPECT_ADAPTER ?? 'swiftshader';

async function runSuite(page: Page, backend: string): Promise<SuiteResult> {
  page.on('console', (m) => {
    if (m.type() === 'error' || process.env.TASTEBUD_E2E_VERBOSE) console.log(`[${backend} console] ${m.text()}`);
  });
  await page.goto('/harness/contract.html');
  await expect(page.getByTestId('status')).toHaveText('harness ready');
  return page.evaluate(
    (b) => (window as unknown as HarnessWindow).tastebudHarness.run({ task: 'contract', backend: b } as PageRequest) as Promise<SuiteResult>,
    backend,
  );
}

for (const backend of BACKENDS) {
  test(`contract suite in a Worker on ${backend}`, async ({ page }) => {
    test.setTimeout(240_000); // the sequence checks compile TF.js programs per window size: ~50 s on SwiftShader WebGPU
    const r = await runSuite(page, backend);
    console.log(`[${backend}] ${r.checks.map((c) => `${c.name}:${c.ok ? 'ok' : 'FAIL'}(${c.ms}ms)`).join(' ')}`);
    for (const c of r.checks.filter((x) => !x.ok)) console.log(`[${backend}] FAILED ${c.name}: ${JSON.stringify(c.detail)}`);
    expect(r.backend).toBe(backend);
    const be = r.checks.find((c) => c.name === 'backend')!;
    expect(be.detail.active).toBe(backend);
    if (backend === 'webgpu') expect(String(be.detail.adapter)).toContain(EXPECT_ADAPTER);
    for (const c of r.checks) expect({ check: c.name, ok: c.ok, detail: c.detail }).toMatchObject({ check: c.name, ok: true });
    const names = r.checks.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['top-k', 'top-k-set-items', 'checkerboard', 'no-leaks', 'bad-input', 'sequence-forward:tfjs', 'sequence-forward:plain', 'sequence-no-leaks:tfjs', 'sequence-bad-input:tfjs']));
    expect(names.filter((n) => n.startsWith('trajectory:')).length).toBeGreaterThanOrEqual(4);
    if (backend === 'webgpu') expect(names).toEqual(expect.arrayContaining(['sequence-forward:wgsl', 'sequence-no-leaks:wgsl', 'sequence-bad-input:wgsl']));
  });
}
