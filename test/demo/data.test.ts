import { describe, expect, it } from 'vitest';
import { generateCatalogue, HOSTILE_ITEM_ID, HOSTILE_TITLE } from '../../demo/data/catalogue.ts';
import { clickLogCsv, DEFAULT_CLICK_LOG, generateClickLog } from '../../demo/data/click_log.ts';
import { allProductImages } from '../../demo/data/svg.ts';

describe('demo data generators', () => {
  const catalogue = generateCatalogue();
  const log = generateClickLog(catalogue, { ...DEFAULT_CLICK_LOG, users: 300 });

  it('makes a catalogue of at least 2,000 products in 10-20 categories, with unique ids', () => {
    expect(catalogue.items.length).toBeGreaterThanOrEqual(2000);
    expect(catalogue.categories.length).toBeGreaterThanOrEqual(10);
    expect(catalogue.categories.length).toBeLessThanOrEqual(20);
    expect(new Set(catalogue.items.map((p) => p.id)).size).toBe(catalogue.items.length);
    const brands = new Set(catalogue.items.map((p) => p.brand));
    expect(brands.size).toBeGreaterThan(50);
    // the shop a visitor sees carries no test strings; the hostile title lives in the tests (e2e/demo.spec.ts)
    expect(catalogue.items.find((p) => p.id === HOSTILE_ITEM_ID)?.title).not.toBe(HOSTILE_TITLE);
    expect(catalogue.items.filter((p) => /[<>{}]|test|xss/i.test(p.title)), 'titles are plain shop text').toEqual([]);
  });

  it('is deterministic for a seed and changes with it', () => {
    expect(JSON.stringify(generateCatalogue())).toBe(JSON.stringify(catalogue));
    expect(generateCatalogue({ seed: 8, itemsPerCategory: 150 }).items[0].title).not.toBe(catalogue.items[0].title);
    const again = generateClickLog(catalogue, { ...DEFAULT_CLICK_LOG, users: 300 });
    expect(clickLogCsv(again)).toBe(clickLogCsv(log));
  });

  it('gives each user a concentrated taste: most of their clicks fall in at most 3 categories', () => {
    const catOf = new Map(catalogue.items.map((p) => [p.id, p.category]));
    const perUser = new Map<string, Map<string, number>>();
    for (const c of log) {
      const m = perUser.get(c.user) ?? new Map<string, number>();
      m.set(catOf.get(c.item)!, (m.get(catOf.get(c.item)!) ?? 0) + 1);
      perUser.set(c.user, m);
    }
    let top3 = 0;
    let total = 0;
    for (const m of perUser.values()) {
      const counts = [...m.values()].sort((a, b) => b - a);
      top3 += counts.slice(0, 3).reduce((a, b) => a + b, 0);
      total += counts.reduce((a, b) => a + b, 0);
    }
    // Uniform clicking over 16 categories would give about 3/16 here.
    expect(top3 / total).toBeGreaterThan(0.85);
  });

  it('has a popularity skew, a funnel of event types, and ordered timestamps per user', () => {
    const counts = new Map<string, number>();
    for (const c of log) counts.set(c.item, (counts.get(c.item) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const top10pc = sorted.slice(0, Math.ceil(sorted.length / 10)).reduce((a, b) => a + b, 0);
    expect(top10pc / log.length).toBeGreaterThan(0.3);
    const types = new Map<string, number>();
    for (const c of log) types.set(c.event, (types.get(c.event) ?? 0) + 1);
    expect(types.get('view')!).toBeGreaterThan(types.get('select')!);
    expect(types.get('select')!).toBeGreaterThan(types.get('add_to_cart')!);
    expect(types.get('add_to_cart')!).toBeGreaterThan(types.get('purchase')!);
    for (let i = 1; i < log.length; i++) {
      if (log[i].user === log[i - 1].user) expect(log[i].timestamp).toBeGreaterThanOrEqual(log[i - 1].timestamp);
    }
  });

  it('has sequential structure: the item after the last one is predictable from the order of clicks', () => {
    // Each user's viewed items in order (a view starts each interaction); consecutive pairs, split by user.
    const seqs = new Map<string, string[]>();
    for (const c of log) if (c.event === 'view') seqs.set(c.user, [...(seqs.get(c.user) ?? []), c.item]);
    const users = [...seqs.keys()];
    const train = users.filter((_, k) => k % 2 === 0);
    const test = users.filter((_, k) => k % 2 === 1);
    const follows = new Map<string, Map<string, number>>();
    const popularity = new Map<string, number>();
    for (const u of train) {
      const s = seqs.get(u)!;
      for (let t = 0; t < s.length; t++) {
        popularity.set(s[t], (popularity.get(s[t]) ?? 0) + 1);
        if (t === 0 || s[t] === s[t - 1]) continue;
        const m = follows.get(s[t - 1]) ?? new Map<string, number>();
        m.set(s[t], (m.get(s[t]) ?? 0) + 1);
        follows.set(s[t - 1], m);
      }
    }
    const best = (m: Map<string, number> | undefined): string | undefined => (m ? [...m].sort((a, b) => b[1] - a[1])[0]?.[0] : undefined);
    const catOf = new Map(catalogue.items.map((p) => [p.id, p.category]));
    const popularIn = new Map<string, string>(); // the most clicked item of each category: an order-blind guess
    for (const [item, n] of popularity) {
      const c = catOf.get(item)!;
      if (n > (popularity.get(popularIn.get(c) ?? '') ?? 0)) popularIn.set(c, item);
    }
    let pairs = 0;
    let bySequence = 0;
    let byPopularity = 0;
    for (const u of test) {
      const s = seqs.get(u)!;
      for (let t = 1; t < s.length; t++) {
        if (s[t] === s[t - 1]) continue;
        pairs++;
        if (best(follows.get(s[t - 1])) === s[t]) bySequence++;
        if (popularIn.get(catOf.get(s[t - 1])!) === s[t]) byPopularity++;
      }
    }
    console.log(`demo click log next-item top-1: from the previous item ${(bySequence / pairs).toFixed(3)}, category's most popular ${(byPopularity / pairs).toFixed(3)} (${pairs} pairs)`);
    expect(bySequence / pairs).toBeGreaterThan(0.1);
    expect(bySequence).toBeGreaterThan(3 * byPopularity);
  });

  it('draws one SVG per category and colour, escaping nothing from item data', () => {
    const images = allProductImages();
    expect(images.size).toBe(catalogue.categories.length * 8);
    for (const p of catalogue.items.slice(0, 50)) expect(images.has(p.image)).toBe(true);
  });
});
