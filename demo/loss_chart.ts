/**
 * A dependency-free SVG line chart of the recent learning loss (built with DOM calls, CSP-safe): labelled axes
 * (loss against learning step), the raw per-step loss as dots and its running mean as the line, so the trend
 * reads through the step-to-step noise of single-click updates.
 */
const NS = 'http://www.w3.org/2000/svg';

function node(tag: string, attrs: Record<string, string | number>, text?: string): Element {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Exponential running mean (weight 0.3 on the newest step). */
function smooth(xs: number[]): number[] {
  const out: number[] = [];
  for (const x of xs) out.push(out.length ? 0.7 * out[out.length - 1] + 0.3 * x : x);
  return out;
}

/**
 * @example
 * panel.append(lossChart([0.9, 0.7, 0.65], { leader: true }));
 */
export function lossChart(values: number[], opts: { leader?: boolean; width?: number; height?: number } = {}): Element {
  const { width = 280, height = 120, leader = true } = opts;
  const svg = node('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img' });
  const finite = values.filter(Number.isFinite);
  if (finite.length < 2) {
    const why = leader ? 'Click a product to start learning' : 'Another tab of this shop learns; its loss shows there';
    svg.setAttribute('aria-label', why);
    svg.append(node('text', { x: 8, y: height / 2 }, why));
    return svg;
  }
  const left = 40;
  const bottom = height - 22;
  const top = 8;
  const right = width - 6;
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = hi - lo || 1;
  const x = (i: number): number => left + (i / (finite.length - 1)) * (right - left);
  const y = (v: number): number => bottom - ((v - lo) / span) * (bottom - top);
  svg.append(
    node('line', { x1: left, y1: top, x2: left, y2: bottom, class: 'axis' }),
    node('line', { x1: left, y1: bottom, x2: right, y2: bottom, class: 'axis' }),
    node('text', { x: left - 4, y: top + 8, 'text-anchor': 'end' }, hi.toFixed(2)),
    node('text', { x: left - 4, y: bottom, 'text-anchor': 'end' }, lo.toFixed(2)),
    node('text', { x: 10, y: (top + bottom) / 2, transform: `rotate(-90 10 ${(top + bottom) / 2})`, 'text-anchor': 'middle' }, 'loss'),
    node('text', { x: left, y: height - 6 }, '1'),
    node('text', { x: right, y: height - 6, 'text-anchor': 'end' }, String(finite.length)),
    node('text', { x: (left + right) / 2, y: height - 6, 'text-anchor': 'middle' }, 'learning step'),
  );
  for (const [i, v] of finite.entries()) svg.append(node('circle', { cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 1.6, class: 'loss-dot' }));
  const line = smooth(finite).map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  svg.append(node('polyline', { points: line.join(' '), class: 'loss-line' }));
  svg.setAttribute('aria-label', `Loss over the last ${finite.length} learning steps, from ${finite[0].toFixed(3)} to ${finite[finite.length - 1].toFixed(3)} (running mean drawn)`);
  return svg;
}
