/**
 * Shared steps of the demo shop's browser tests: waiting for the shelf, clicking products like a shopper,
 * reading what IndexedDB holds.
 */
import { expect, type Page } from '@playwright/test';

export interface CatalogueItem {
  id: string;
  title: string;
  category: string;
}

/** The for-you shelf's item ids, in order. */
export async function forYouIds(page: Page): Promise<string[]> {
  return page.locator('[data-testid=for-you] .tb-item').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.itemId ?? ''));
}

/** Loads a demo URL and waits for the engine and a first shelf of recommendations. */
export async function openDemo(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await expect(page.locator('[data-testid=for-you] .tb-item').first()).toBeVisible({ timeout: 90_000 });
  // the runtime's shelf, not the one painted from the device or the shipped list before it
  await expect(page.getByTestId('for-you')).toHaveAttribute('aria-busy', 'false', { timeout: 90_000 });
  await expect(page.getByTestId('events-count')).toBeVisible();
}

export async function catalogueOf(page: Page): Promise<Map<string, CatalogueItem>> {
  const items = await page.evaluate(async () => (await (await fetch('/generated/catalogue.json')).json()).items as CatalogueItem[]);
  return new Map(items.map((p) => [p.id, p]));
}

/** Clicks the first `n` products of a category (each: select_item, then the product page's GA4 view_item). */
export async function clickProducts(page: Page, category: string, n: number): Promise<string[]> {
  const clicked: string[] = [];
  const before = Number(await page.getByTestId('events-count').textContent());
  for (let i = 0; i < n; i++) {
    await page.goto(`/#/c/${category}`);
    const card = page.locator('[data-testid=catalogue] li.card').nth(i);
    clicked.push((await card.getAttribute('data-item-id'))!);
    await card.locator('a').click();
    await expect(page.locator('article.product')).toHaveAttribute('data-item-id', clicked[i]);
  }
  // Two events per click (select + view), stored before the inspector's count updates.
  await expect(page.getByTestId('events-count')).toHaveText(String(before + 2 * n), { timeout: 30_000 });
  return clicked;
}

/** Records in every object store of every IndexedDB database whose name mentions tastebud. */
export async function tastebudRecordCount(page: Page): Promise<{ databases: string[]; records: number }> {
  return page.evaluate(async () => {
    const dbs = (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => /tastebud/i.test(n));
    let records = 0;
    for (const name of dbs) {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        records += await new Promise<number>((res, rej) => {
          const r = db.transaction(store).objectStore(store).count();
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
      }
      db.close();
    }
    return { databases: dbs, records };
  });
}
