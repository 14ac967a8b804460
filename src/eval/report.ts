/**
 * Evaluation output: a Markdown table of results and an SVG learning curve (loss and validation metric by
 * epoch). Plain strings, no DOM, so the CLI writes them as files and a page can inline them.
 */
export interface ResultRow {
  name: string;
  protocol: string;
  metrics: Record<string, number>;
  extra?: Record<string, string | number>;
}

/**
 * @example
 * markdownTable([{ name: 'tastebud', protocol: 'ncf', metrics: { 'HR@10': 0.72 } }]);
 * // | model | protocol | HR@10 |\n|---|---|---|\n| tastebud | ncf | 0.7200 |
 */
export function markdownTable(rows: ResultRow[], digits = 4): string {
  const metricCols = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))];
  const extraCols = [...new Set(rows.flatMap((r) => Object.keys(r.extra ?? {})))];
  const head = ['model', 'protocol', ...metricCols, ...extraCols];
  const cell = (v: unknown): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : v === undefined ? '' : escapeCell(String(v)));
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${[escapeCell(r.name), r.protocol, ...metricCols.map((c) => cell(r.metrics[c])), ...extraCols.map((c) => cell(r.extra?.[c]))].join(' | ')} |`);
  return lines.join('\n');
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export interface CurvePoint {
  epoch: number;
  loss: number;
  validation?: number;
}

const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Two-panel SVG: training loss by epoch (left) and the validation metric by epoch (right).
 *
 * @example
 * learningCurveSvg(report.epochs, { metric: 'val HR@10', title: 'ML-1M' }); // '<svg xmlns=…'
 */
export function learningCurveSvg(points: CurvePoint[], { metric = 'validation', title = 'learning curve' } = {}): string {
  const W = 720;
  const H = 300;
  const panels = [
    { label: 'training loss', values: points.map((p) => p.loss), x0: 50, color: '#c0392b' },
    { label: metric, values: points.map((p) => p.validation ?? NaN), x0: 410, color: '#2471a3' },
  ];
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`];
  parts.push(`<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${escapeXml(title)}</text>`);
  for (const p of panels) parts.push(panel(p.values, points.map((q) => q.epoch), p.x0, p.label, p.color));
  parts.push('</svg>');
  return parts.join('\n');
}

function panel(values: number[], epochs: number[], x0: number, label: string, color: string): string {
  const box = { x0, y0: 40, w: 290, h: 220 };
  const { y0, w, h } = box;
  const ok = values.map((v, k) => ({ x: epochs[k], y: v })).filter((p) => Number.isFinite(p.y));
  const out = [`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#999"/>`];
  out.push(`<text x="${x0 + w / 2}" y="${y0 + h + 32}" text-anchor="middle">epoch — ${escapeXml(label)}</text>`);
  const sc = scalesOf(ok, box);
  if (!sc) return out.join('\n');
  out.push(line(ok, sc, color, 'epoch'));
  out.push(`<text x="${x0 - 4}" y="${y0 + 10}" text-anchor="end">${sc.yHi.toFixed(3)}</text>`);
  out.push(`<text x="${x0 - 4}" y="${y0 + h}" text-anchor="end">${sc.yLo.toFixed(3)}</text>`);
  out.push(`<text x="${x0}" y="${y0 + h + 14}">${sc.xLo}</text><text x="${x0 + w}" y="${y0 + h + 14}" text-anchor="end">${sc.xHi}</text>`);
  return out.join('\n');
}

interface Point {
  x: number;
  y: number;
}

interface Scales {
  sx: (x: number) => number;
  sy: (y: number) => number;
  xLo: number;
  xHi: number;
  yLo: number;
  yHi: number;
}

/** Maps the points' range onto the box (5 px of air above and below); null when there is no point. */
function scalesOf(points: Point[], { x0, y0, w, h }: { x0: number; y0: number; w: number; h: number }): Scales | null {
  if (points.length === 0) return null;
  const [xLo, xHi] = [Math.min(...points.map((p) => p.x)), Math.max(...points.map((p) => p.x))];
  const [yLo, yHi] = [Math.min(...points.map((p) => p.y)), Math.max(...points.map((p) => p.y))];
  const sx = (v: number): number => x0 + (xHi > xLo ? ((v - xLo) / (xHi - xLo)) * w : w / 2);
  const sy = (v: number): number => y0 + h - (yHi > yLo ? ((v - yLo) / (yHi - yLo)) * (h - 10) + 5 : h / 2);
  return { sx, sy, xLo, xHi, yLo, yHi };
}

/** A polyline through the points and a dot with a tooltip (`name x: y`) on each. */
function line(points: Point[], { sx, sy }: Scales, color: string, name: string): string {
  const path = points.map((p, k) => `${k ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
  const dots = points.map((p) => `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="2.5" fill="${color}"><title>${name} ${p.x}: ${p.y.toFixed(4)}</title></circle>`);
  return [`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`, ...dots].join('\n');
}

export interface Series {
  label: string;
  points: { x: number; y: number }[];
}

const PALETTE = ['#2471a3', '#c0392b', '#27ae60', '#8e44ad', '#d68910', '#566573'];

/**
 * One panel, one line per series (e.g. HR@10 kept against the perturbation size, per model), with a legend.
 *
 * @example
 * seriesSvg([{ label: 'BPR-MF', points: [{ x: 0, y: 1 }, { x: 0.5, y: 0.93 }] }], { x: 'ε', y: 'HR@10 kept', title: 'ML-1M' });
 */
export function seriesSvg(series: Series[], { x = 'x', y = 'y', title = '' } = {}): string {
  const W = 720;
  const H = 320;
  const [x0, y0, w, h] = [60, 40, 420, 230];
  const finite = (ps: Point[]): Point[] => ps.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const all = finite(series.flatMap((s) => s.points));
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`];
  parts.push(`<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${escapeXml(title)}</text>`);
  parts.push(`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  parts.push(`<text x="${x0 + w / 2}" y="${y0 + h + 32}" text-anchor="middle">${escapeXml(x)}</text>`);
  parts.push(`<text x="14" y="${y0 + h / 2}" text-anchor="middle" transform="rotate(-90 14 ${y0 + h / 2})">${escapeXml(y)}</text>`);
  const sc = scalesOf(all, { x0, y0, w, h });
  if (sc) {
    parts.push(`<text x="${x0 - 4}" y="${y0 + 10}" text-anchor="end">${sc.yHi.toFixed(3)}</text><text x="${x0 - 4}" y="${y0 + h}" text-anchor="end">${sc.yLo.toFixed(3)}</text>`);
    const ticks = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
    for (const t of ticks.length <= 12 ? ticks : [sc.xLo, sc.xHi]) parts.push(`<text x="${sc.sx(t).toFixed(1)}" y="${y0 + h + 14}" text-anchor="middle">${t}</text>`);
    series.forEach((s, k) => {
      const color = PALETTE[k % PALETTE.length];
      parts.push(line(finite(s.points), sc, color, escapeXml(s.label)));
      parts.push(`<rect x="${x0 + w + 20}" y="${y0 + 4 + 18 * k}" width="12" height="3" fill="${color}"/><text x="${x0 + w + 38}" y="${y0 + 9 + 18 * k}">${escapeXml(s.label)}</text>`);
    });
  }
  parts.push('</svg>');
  return parts.join('\n');
}
