/**
 * A dependency-free SVG line chart of the recent learning loss (built with DOM calls, CSP-safe).
 */
const NS = 'http://www.w3.org/2000/svg';

/**
 * @example
 * panel.append(lossChart([0.9, 0.7, 0.65]));
 */
export function lossChart(values: number[], width = 260, height = 80): Element {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  const finite = values.filter(Number.isFinite);
  if (finite.length < 2) {
    svg.setAttribute('aria-label', 'No learning steps yet');
    const t = document.createElementNS(NS, 'text');
    t.setAttribute('x', '8');
    t.setAttribute('y', String(height / 2));
    t.textContent = 'Click a product to start learning';
    svg.append(t);
    return svg;
  }
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = hi - lo || 1;
  const pts = finite.map((v, i) => `${((i / (finite.length - 1)) * (width - 8) + 4).toFixed(1)},${(height - 6 - ((v - lo) / span) * (height - 12)).toFixed(1)}`);
  const line = document.createElementNS(NS, 'polyline');
  line.setAttribute('points', pts.join(' '));
  line.setAttribute('class', 'loss-line');
  svg.setAttribute('aria-label', `Loss over the last ${finite.length} steps, from ${finite[0].toFixed(3)} to ${finite[finite.length - 1].toFixed(3)}`);
  svg.append(line);
  return svg;
}
