/**
 * The lab page: which TF.js backend the worker chose (force one with `?backend=wasm`), why earlier ones were
 * skipped, and a live loss curve of a small model training in that worker.
 */
import { createLossChart } from './loss_chart.ts';
import type { SequenceTiming } from './lab_sequence.ts';
import type { LabMessage } from './lab_worker.ts';

const params = new URLSearchParams(location.search);
const requested = params.get('backend') ?? 'auto';
const steps = Math.min(2000, Math.max(10, Number(params.get('steps')) || 150));
const $ = (id: string): HTMLElement => document.querySelector(`[data-testid="${id}"]`)!;

const select = $('backend-select') as HTMLSelectElement;
select.value = requested;
select.addEventListener('change', () => {
  params.set('backend', select.value);
  location.search = params.toString();
});

function showSequence(t: SequenceTiming): void {
  const c = t.config;
  $('seq-model').textContent = `${c.blocks} blocks, ${c.heads} heads, dim ${c.dim}, window ${c.maxLen}, ${c.numItems.toLocaleString()} items · history of ${t.history} clicks · the engine uses: ${t.chosen}`;
  const body = $('seq-rows');
  body.replaceChildren();
  for (const r of t.rows) {
    const tr = document.createElement('tr');
    tr.dataset.kind = r.kind;
    tr.dataset.median = String(r.medianMs);
    tr.dataset.diff = String(r.maxDiff);
    for (const v of [r.kind, r.medianMs.toFixed(1), r.firstMs.toFixed(0), r.maxDiff.toExponential(1)]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.append(td);
    }
    body.append(tr);
  }
}

const chart = createLossChart($('chart') as unknown as SVGSVGElement);
const worker = new Worker(new URL('./lab_worker.ts', import.meta.url), { type: 'module' });
let first: number | null = null;
worker.onmessage = (e: MessageEvent<LabMessage>) => {
  const m = e.data;
  if (m.type === 'backend') {
    $('backend').textContent = m.backend;
    const extra = Object.entries(m.details).map(([k, v]) => `${k}: ${String(v)}`);
    $('backend-info').textContent = [`trainer: ${m.trainer}`, ...extra, ...m.skipped.map((s) => `skipped ${s.backend}: ${s.reason}`)].join(' · ');
  } else if (m.type === 'loss') {
    first ??= m.loss;
    chart.push(m.loss);
    const el = $('loss');
    el.textContent = m.loss.toFixed(4);
    el.dataset.first = String(first);
    el.dataset.last = String(m.loss);
    el.dataset.steps = String(m.step + 1);
    $('step').textContent = `step ${m.step + 1}/${steps} · ${m.ms.toFixed(1)} ms`;
  } else if (m.type === 'sequence') {
    showSequence(m.timing);
  } else if (m.type === 'done') {
    $('status').textContent = 'done';
  } else {
    $('status').textContent = `error: ${m.message}`;
  }
};
worker.postMessage({ backend: requested, steps });
