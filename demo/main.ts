/**
 * The demo shop: tastebud is installed exactly as a shop would (public/snippet.js, the snippet's queue + an async
 * script tag, a file because the page runs under a CSP without inline scripts), then the catalogue and the inspector.
 * `?backend=wasm` (or webgpu, webgl, cpu) forces a backend; `?consent=required` shows the consent flow.
 */
import { startInspector } from './inspector.ts';
import { showEarlyShelf, startShop } from './shop.ts';
import type { Catalogue } from './data/catalogue.ts';

type Tastebud = ((...args: unknown[]) => unknown) & { q?: unknown[] };
declare global {
  interface Window {
    tastebud: Tastebud;
    dataLayer: unknown[];
  }
}

const CATALOGUE = '/generated/catalogue.json';

/**
 * The shop's own consent banner (`?consent=required`): tastebud learns nothing until the shopper allows it. It
 * floats over the page (position: fixed), so showing or hiding it moves nothing.
 */
function consentBanner(): void {
  const banner = Object.assign(document.createElement('div'), { className: 'consent-banner', role: 'dialog' });
  banner.setAttribute('aria-label', 'Personalised recommendations');
  banner.dataset.testid = 'consent-banner';
  const text = Object.assign(document.createElement('p'), {
    textContent: 'May this shop learn what you like, here in your browser? Your clicks stay on this device and are never sent anywhere.',
  });
  const button = (label: string, grant: boolean, primary: boolean): HTMLButtonElement => {
    const b = Object.assign(document.createElement('button'), { type: 'button', textContent: label, className: primary ? 'primary' : '' });
    b.dataset.testid = grant ? 'banner-allow' : 'banner-deny';
    b.addEventListener('click', () => void Promise.resolve(window.tastebud('consent', grant)).then(() => document.dispatchEvent(new CustomEvent('demo:consent'))));
    return b;
  };
  banner.append(text, button('Allow', true, true), button('No thanks', false, false));
  document.addEventListener('demo:consent', () => banner.remove());
  document.body.append(banner);
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  if (params.get('consent') === 'required') consentBanner();
  window.dataLayer = window.dataLayer || [];
  showEarlyShelf();
  const catalogue = (await (await fetch(CATALOGUE)).json()) as Catalogue;
  startShop(catalogue);
  startInspector(catalogue, params);
}

void main();
