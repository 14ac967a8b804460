/**
 * The demo shop: tastebud is installed exactly as a shop would (public/snippet.js, the snippet's queue + an async
 * script tag, a file because the page runs under a CSP without inline scripts), then the catalogue and the inspector.
 * `?backend=wasm` (or webgpu, webgl, cpu) forces a backend; `?consent=required` shows the consent flow.
 */
import { startConsentBar } from './consent_bar.ts';
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

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  window.dataLayer = window.dataLayer || [];
  showEarlyShelf();
  const catalogue = (await (await fetch(CATALOGUE)).json()) as Catalogue;
  startShop(catalogue);
  startInspector(catalogue, params);
  const forYou = document.getElementById('for-you') as (HTMLElement & { refresh?: () => Promise<void> }) | null;
  void startConsentBar(document.querySelector('header.topbar')!, () => void forYou?.refresh?.());
}

void main();
