/**
 * The demo shop: installs tastebud exactly as a shop would (the snippet's queue + an async script tag, built here
 * because the page runs under a CSP without inline scripts), then renders the catalogue and the inspector.
 * `?backend=wasm` (or webgpu, webgl, cpu) forces a backend; `?consent=required` shows the consent flow.
 */
import { startConsentBar } from './consent_bar.ts';
import { startInspector } from './inspector.ts';
import { startShop } from './shop.ts';
import type { Catalogue } from './data/catalogue.ts';

type Tastebud = ((...args: unknown[]) => unknown) & { q?: unknown[] };
declare global {
  interface Window {
    tastebud: Tastebud;
    dataLayer: unknown[];
  }
}

const MODEL = '/generated/model/model.json';
const CATALOGUE = '/generated/catalogue.json';

function installSnippet(params: URLSearchParams): void {
  // The snippet shops paste, verbatim in spirit: a queue until the loader arrives.
  window.tastebud = window.tastebud || function (...args: unknown[]) {
    (window.tastebud.q = window.tastebud.q || []).push(args);
  };
  const s = document.createElement('script');
  s.async = true;
  s.src = '/tastebud.js';
  s.dataset.model = MODEL;
  s.dataset.namespace = 'demo-shop';
  s.dataset.catalogue = CATALOGUE;
  s.dataset.itemUrl = '#/p/{id}';
  const backend = params.get('backend');
  if (backend && backend !== 'auto') s.dataset.backend = backend;
  const consent = params.get('consent');
  if (consent) s.dataset.consent = consent;
  document.head.append(s);
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  installSnippet(params);
  window.dataLayer = window.dataLayer || [];
  const catalogue = (await (await fetch(CATALOGUE)).json()) as Catalogue;
  startShop(catalogue);
  startInspector(catalogue, params);
  const forYou = document.getElementById('for-you') as (HTMLElement & { refresh?: () => Promise<void> }) | null;
  void startConsentBar(document.querySelector('header.topbar')!, () => void forYou?.refresh?.());
}

void main();
