/**
 * Fault suite, consent in the demo shop itself: the banner asks, the answer shows under the top bar, and both a
 * grant and a withdrawal hold after a reload.
 */
import { expect, test } from '@playwright/test';

test('the shop shows the consent state; a grant and a withdrawal are remembered across reloads', async ({ page }) => {
  await page.goto('/?consent=required');
  const line = page.getByTestId('shop-consent');
  await expect(line).toHaveText(/May this shop learn your taste/, { timeout: 90_000 });
  await page.getByTestId('consent-allow').click();
  await expect(line).toHaveText(/personalised in this browser only/);
  await page.reload();
  await expect(line).toHaveText(/personalised in this browser only/, { timeout: 90_000 }); // remembered over "required"
  await expect(page.getByTestId('consent')).toHaveText('learning on this device');
  await page.getByTestId('consent-withdraw').click();
  await expect(line).toHaveText('Recommendations are not personalised.');
  await page.goto('/'); // a shop default of "granted" does not override the shopper's withdrawal
  await expect(line).toHaveText('Recommendations are not personalised.', { timeout: 90_000 });
  await expect(page.getByTestId('consent')).toHaveText('learning off');
});
