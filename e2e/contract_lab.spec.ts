import { expect, test } from '@playwright/test';

/**
 * The lab page shows the backend its worker chose and a loss that falls while it trains, then the sequence
 * model's track → top-10 timing on that backend, each forward matching the reference.
 */
for (const backend of ['auto', 'wasm']) {
  test(`lab trains live on ${backend}`, async ({ page }) => {
    await page.goto(`/lab.html?backend=${backend}&steps=60`);
    const shown = page.getByTestId('backend');
    await expect(shown).toHaveText(/^(webgpu|webgl|wasm|cpu)$/);
    if (backend !== 'auto') await expect(shown).toHaveText(backend);
    const loss = page.getByTestId('loss');
    await expect(loss).toHaveAttribute('data-steps', '60', { timeout: 90_000 });
    const first = Number(await loss.getAttribute('data-first'));
    const last = Number(await loss.getAttribute('data-last'));
    console.log(`[lab ${backend}] backend=${await shown.textContent()} loss ${first.toFixed(4)} -> ${last.toFixed(4)}`);
    expect(last).toBeLessThan(first * 0.7);
    await expect(page.getByTestId('chart').locator('polyline')).toHaveAttribute('points', /,.* /);
    const rows = page.getByTestId('seq-rows').locator('tr');
    await expect(rows.first()).toBeAttached({ timeout: 120_000 });
    const onWebgpu = (await shown.textContent()) === 'webgpu';
    await expect(rows).toHaveCount(onWebgpu ? 3 : 2);
    for (const kind of onWebgpu ? ['wgsl', 'tfjs', 'plain'] : ['tfjs', 'plain']) {
      const row = page.locator(`[data-testid="seq-rows"] tr[data-kind="${kind}"]`);
      const median = Number(await row.getAttribute('data-median'));
      const diff = Number(await row.getAttribute('data-diff'));
      console.log(`[lab ${backend}] sequence ${kind}: median ${median.toFixed(1)} ms, max |h - reference| ${diff.toExponential(1)}`);
      expect(median).toBeGreaterThan(0);
      expect(diff).toBeLessThan(1e-3);
    }
    await expect(page.getByTestId('seq-model')).toContainText('the engine uses:');
  });
}
