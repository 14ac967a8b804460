/* global window, document, location, URLSearchParams */
/*
 * The demo shop's copy of the snippet shops paste into their <head> (the page's CSP allows no inline script, so it
 * is a file here): the queue stub, then the async loader tag. It runs before the shop's own bundle, so the loader
 * downloads in parallel with it and paints the shelves the moment they are on the page.
 * ?backend=wasm|webgl|webgpu|cpu forces a backend; ?consent=required asks first.
 */
(function () {
  window.tastebud = window.tastebud || function () { (window.tastebud.q = window.tastebud.q || []).push(arguments); };
  var params = new URLSearchParams(location.search);
  var s = document.createElement('script');
  s.async = true;
  s.src = '/tastebud.js';
  s.dataset.model = '/generated/model/model.json';
  s.dataset.namespace = 'demo-shop';
  s.dataset.catalogue = '/generated/catalogue.json';
  s.dataset.itemUrl = '#/p/{id}';
  var backend = params.get('backend');
  if (backend && backend !== 'auto') s.dataset.backend = backend;
  var consent = params.get('consent');
  if (consent) s.dataset.consent = consent;
  document.head.append(s);
  // the demo's own line, not the snippet's: its listing shelf is in the HTML (index.html), so a product route hides it
  // before the body is parsed
  document.documentElement.dataset.route = location.hash.split('/')[1] === 'p' ? 'product' : 'listing';
})();
