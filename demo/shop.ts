/**
 * The shop itself: a category filter, the product grid, and a product page with "similar items". It reports
 * what the shopper does the way real shops do — GA4 `dataLayer` events (picked up by tastebud with no extra code)
 * and one direct `tastebud('track', …)` — and renders every product field as text.
 */
import type { Catalogue, Product } from './data/catalogue.ts';

const PAGE = 24;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

/** A `<tastebud-recs>` shelf; `attrs` are its attributes (kind, k, item, cart, rules…). */
function shelf(testid: string, attrs: Record<string, string>): HTMLElement {
  const el = document.createElement('tastebud-recs');
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  el.dataset.testid = testid;
  return el;
}

/** The demo's cart: item ids in sessionStorage (a real shop has its own). */
const cart = {
  ids: (): string[] => JSON.parse(sessionStorage.getItem('demo-cart') ?? '[]') as string[],
  add(id: string): string[] {
    const ids = [...new Set([...cart.ids(), id])];
    sessionStorage.setItem('demo-cart', JSON.stringify(ids));
    return ids;
  },
};

const price = (p: Product): string => new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' }).format(p.price);

/** GA4 e-commerce event, the gtag way (an `arguments`-like list), as many shops already emit. */
function ga4(event: string, p: Product): void {
  window.dataLayer.push(['event', event, { currency: 'EUR', value: p.price, items: [{ item_id: p.id, item_name: p.title, item_category: p.category, price: p.price }] }]);
}

function card(p: Product): HTMLElement {
  const link = h('a', { href: `#/p/${p.id}`, className: 'card-link' },
    h('img', { src: `/${p.image}`, alt: '', width: 160, height: 160, loading: 'lazy' }),
    h('span', { className: 'card-title', textContent: p.title }));
  // select_item straight through the tastebud API; the product page then sends GA4 view_item.
  link.addEventListener('click', () => void window.tastebud('track', 'select_item', { items: [{ item_id: p.id }] }));
  const li = h('li', { className: 'card' }, link, h('span', { className: 'card-meta', textContent: `${p.brand} · ${price(p)}` }));
  li.dataset.itemId = p.id;
  li.dataset.category = p.category;
  return li;
}

const forYouShelf = (item?: string): HTMLElement =>
  shelf('for-you', { kind: 'for-you', k: '10', heading: 'For you — learned in this browser', 'max-per': 'category=4', ...(item && { item }) });

/**
 * Before the catalogue arrives: index.html already holds a listing page's for-you shelf, where the full view will put
 * it, so the shelf kept on this device paints as soon as the loader runs (the full view then takes its place without
 * moving it); a product route drops it (snippet.js hid it before the body was parsed).
 *
 * @example
 * showEarlyShelf(); // before `await fetch('/generated/catalogue.json')`
 */
export function showEarlyShelf(): void {
  const [, kind] = location.hash.split('/');
  const view = document.getElementById('view');
  if (kind === 'p') view?.replaceChildren();
  else if (!view?.querySelector('tastebud-recs')) view?.replaceChildren(h('section', { className: 'catalogue' }, forYouShelf()));
}

function catalogueView(catalogue: Catalogue, category: string | null, shown: number): HTMLElement {
  const items = category ? catalogue.items.filter((p) => p.category === category) : catalogue.items;
  const label = category ? catalogue.categories.find((c) => c.id === category)?.label ?? category : 'All products';
  const grid = h('ul', { className: 'grid' }, ...items.slice(0, shown).map(card));
  grid.dataset.testid = 'catalogue';
  const forYou = forYouShelf();
  const section = h('section', { className: 'catalogue' }, forYou, h('h1', { textContent: label }),
    h('p', { className: 'muted', textContent: `${items.length} products` }), grid);
  if (shown < items.length) {
    const more = h('button', { type: 'button', className: 'more', textContent: 'Show more' });
    more.addEventListener('click', () => grid.append(...items.slice(grid.children.length, grid.children.length + PAGE).map(card)));
    section.append(more);
  }
  section.append(shelf('trending', { kind: 'trending', k: '8' }), shelf('recently-viewed', { kind: 'recently-viewed', k: '8' }));
  return section;
}

function productView(catalogue: Catalogue, id: string): HTMLElement {
  const p = catalogue.items.find((x) => x.id === id);
  const page = (...children: (Node | string)[]): HTMLElement => h('article', { className: 'product' }, ...children);
  if (!p) return h('section', {}, h('h1', { textContent: 'Product not found' }), h('a', { href: '#/', textContent: 'Back to the shop' }));
  ga4('view_item', p);
  const inCart = shelf('cart', { kind: 'cart', k: '6', cart: cart.ids().join(',') });
  inCart.hidden = cart.ids().length === 0;
  const add = h('button', { type: 'button', className: 'primary', textContent: 'Add to cart' });
  add.addEventListener('click', () => {
    ga4('add_to_cart', p);
    add.textContent = 'Added ✓';
    inCart.setAttribute('cart', cart.add(p.id).join(','));
    inCart.hidden = false;
  });
  const cat = catalogue.categories.find((c) => c.id === p.category);
  const article = page(
    h('a', { href: `#/c/${p.category}`, className: 'crumb', textContent: `← ${cat?.label ?? p.category}` }),
    h('div', { className: 'product-main' },
      h('img', { src: `/${p.image}`, alt: p.title, width: 256, height: 256 }),
      h('div', {}, h('h1', { textContent: p.title }),
        h('p', { className: 'muted', textContent: `${p.brand} · ${p.colour} · price band ${p.priceBand}` }),
        h('p', { className: 'price', textContent: price(p) }), add)));
  article.dataset.itemId = p.id;
  // the product first, the shelves below it
  return h('div', {}, article,
    shelf('fbt', { kind: 'frequently-bought-together', item: p.id, k: '6' }),
    shelf('similar', { kind: 'similar', item: p.id, k: '6' }),
    inCart,
    forYouShelf(p.id),
    shelf('recently-viewed', { kind: 'recently-viewed', item: p.id, k: '8' }));
}

function renderCategories(catalogue: Catalogue, current: string | null): void {
  const ul = document.getElementById('categories')!;
  const chip = (id: string | null, label: string): HTMLLIElement => {
    const a = h('a', { href: id ? `#/c/${id}` : '#/', textContent: label });
    if (id === current) a.setAttribute('aria-current', 'page');
    return h('li', {}, a);
  };
  ul.replaceChildren(chip(null, 'All'), ...catalogue.categories.map((c) => chip(c.id, c.label)));
}

/**
 * Hash routes: `#/` all products, `#/c/<category>`, `#/p/<sku>`.
 *
 * @example
 * startShop(await (await fetch('/generated/catalogue.json')).json());
 */
export function startShop(catalogue: Catalogue): void {
  const view = document.getElementById('view')!;
  const route = (): void => {
    const [, kind, arg] = location.hash.split('/');
    const category = kind === 'c' && arg ? decodeURIComponent(arg) : null;
    renderCategories(catalogue, category);
    view.replaceChildren(kind === 'p' && arg ? productView(catalogue, decodeURIComponent(arg)) : catalogueView(catalogue, category, PAGE));
    window.scrollTo(0, 0);
  };
  window.addEventListener('hashchange', route);
  route();
}
