import { svg } from '../charts/svg.ts';

/** Bins of the rate histogram: 0–5%, 5–10%, … 95–100% (100% in the last). */
const BINS = 20;
const WIDTH = 720;
const HEIGHT = 220;
const MARGIN = { left: 40, right: 16, top: 24, bottom: 36 };
const COLORS = { under: '#93c5fd', straddling: '#fbbf24', over: '#ef4444', threshold: '#b91c1c', axis: '#616e7c' };

/** The histogram's numbers, for the table beside it: each 5% bin with its count. */
export function rateBins(rates: readonly number[]): { from: number; to: number; count: number }[] {
  return binCounts(rates).map((count, i) => ({ from: i / BINS, to: (i + 1) / BINS, count }));
}

function binCounts(rates: readonly number[]): number[] {
  const counts = new Array<number>(BINS).fill(0);
  for (const r of rates) counts[Math.min(BINS - 1, Math.max(0, Math.floor(r * BINS + 1e-9)))]++;
  return counts;
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/**
 * The distribution of rates as an SVG drawn here (no script, no library): one bar per 5%, bars
 * at or over the threshold in red, the threshold as a dashed line.
 */
export function rateHistogram(rates: readonly number[], threshold: number): string {
  const counts = binCounts(rates);
  const max = Math.max(1, ...counts);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (rate: number): number => MARGIN.left + rate * plotW;
  const baseline = MARGIN.top + plotH;
  const bw = plotW / BINS;
  const over = rates.filter((r) => r >= threshold).length;
  const small = { 'text-anchor': 'middle', 'font-size': 11, fill: COLORS.axis };
  const parts: string[] = [];
  parts.push(`<title id="histogram-title">重复率分布：共 ${rates.length} 篇，达到阈值 ${pct(threshold)} 的 ${over} 篇</title>`);
  counts.forEach((n, i) => {
    const [lo, hi] = [i / BINS, (i + 1) / BINS];
    const fill = lo >= threshold ? COLORS.over : hi > threshold ? COLORS.straddling : COLORS.under;
    const h = (n / max) * plotH;
    const bx = MARGIN.left + i * bw;
    const bar = { x: (bx + 1).toFixed(1), y: (baseline - h).toFixed(1), width: (bw - 2).toFixed(1), height: h.toFixed(1) };
    parts.push(svg('rect', { class: 'bin', ...bar, fill, 'data-count': n }, `<title>${pct(lo)}–${pct(hi)}：${n} 篇</title>`));
    if (n > 0) parts.push(svg('text', { x: (bx + bw / 2).toFixed(1), y: (baseline - h - 4).toFixed(1), ...small }, String(n)));
  });
  parts.push(
    svg('line', { x1: MARGIN.left, y1: baseline, x2: WIDTH - MARGIN.right, y2: baseline, stroke: COLORS.axis, 'stroke-width': 1 }),
  );
  for (let t = 0; t <= 10; t++) {
    const tx = x(t / 10).toFixed(1);
    parts.push(svg('line', { x1: tx, y1: baseline, x2: tx, y2: baseline + 4, stroke: COLORS.axis }));
    parts.push(svg('text', { x: tx, y: baseline + 17, ...small }, `${t * 10}%`));
  }
  parts.push(svg('text', { x: WIDTH / 2, y: HEIGHT - 4, ...small }, '重复率（篇数）'));
  const tx = x(threshold).toFixed(1);
  const dashed = { stroke: COLORS.threshold, 'stroke-width': 2, 'stroke-dasharray': '6 4' };
  parts.push(svg('line', { class: 'threshold', x1: tx, y1: MARGIN.top - 8, x2: tx, y2: baseline, ...dashed }));
  // the label beside the line, on its left near the right edge
  const [lx, anchor] = threshold > 0.8 ? [x(threshold) - 4, 'end'] : [x(threshold) + 4, 'start'];
  const label = { x: lx.toFixed(1), y: MARGIN.top - 10, 'text-anchor': anchor, 'font-size': 12, fill: COLORS.threshold };
  parts.push(svg('text', label, `阈值 ${pct(threshold)}`));
  const frame = { class: 'histogram', xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${WIDTH} ${HEIGHT}` };
  return svg('svg', { ...frame, role: 'img', 'aria-labelledby': 'histogram-title' }, parts.join(''));
}
