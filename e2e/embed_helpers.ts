/**
 * Shared steps of the embed's browser tests: the page's `window` as the snippet leaves it, and the loader added
 * to an open page the way a shop's snippet adds it.
 */
import type { Page } from '@playwright/test';

/** The page's `window` with the snippet's `tastebud` command function; a spec adds what its page defines besides. */
export type TastebudWindow = Window & { tastebud: (...a: unknown[]) => Promise<unknown> };

/**
 * Appends the loader script (`/tastebud.js`, async) to the page's head with `data` as its `data-*` options.
 * @example await injectLoader(page, { model: '/generated/model/model.json', namespace: 'shop-a', backend: 'cpu' });
 */
export async function injectLoader(page: Page, data: Record<string, string>): Promise<void> {
  await page.evaluate((d) => {
    const s = document.createElement('script');
    s.async = true;
    s.src = '/tastebud.js';
    Object.assign(s.dataset, d);
    document.head.append(s);
  }, data);
}

/**
 * Collects the message of every dialog the page opens, dismissing each: hostile item text that ran as script
 * (`onerror=alert(1)`) would open one, so a test that renders it expects this to stay empty.
 * @example const dialogs = catchDialogs(page); … expect(dialogs).toEqual([]);
 */
export function catchDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return dialogs;
}
