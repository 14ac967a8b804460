/** A dependency-free SVG loss curve: one polyline, y from 0 to the largest loss seen. */
const NS = 'http://www.w3.org/2000/svg';

export interface LossChart {
  push(loss: number): void;
}

/**
 * @example
 * const chart = createLossChart(document.querySelector('svg')!);
 * chart.push(0.69); chart.push(0.41);
 */
export function createLossChart(svg: SVGSVGElement, width = 600, height = 240): LossChart {
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const axis = document.createElementNS(NS, 'path');
  axis.setAttribute('d', `M 30 5 V ${height - 20} H ${width - 5}`);
  axis.setAttribute('stroke', '#888');
  axis.setAttribute('fill', 'none');
  const line = document.createElementNS(NS, 'polyline');
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#c2185b');
  line.setAttribute('stroke-width', '2');
  svg.append(axis, line);
  const losses: number[] = [];
  return {
    push(loss) {
      losses.push(loss);
      const max = Math.max(...losses, 1e-9);
      const dx = (width - 40) / Math.max(1, losses.length - 1);
      const pts = losses.map((l, k) => `${(30 + k * dx).toFixed(1)},${(5 + (1 - l / max) * (height - 25)).toFixed(1)}`);
      line.setAttribute('points', pts.join(' '));
    },
  };
}
