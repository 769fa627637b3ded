import type { FiveNumbers } from '../../awards/distribution.ts';
import { svg, text } from './svg.ts';

/**
 * A horizontal box plot, one row per expert or category: whiskers from the lowest to the highest score, the box
 * from the lower to the upper quartile, the median as a bar and the mean as a dot. Rows leaning harsh or lenient
 * are coloured so they stand out; a dashed line marks a reference (the mean of all scores).
 */

export interface BoxRow {
  label: string;
  summary: FiveNumbers;
  tone?: 'harsh' | 'lenient' | null;
}

export interface BoxPlotOptions {
  /** Unique in the page: the SVG's title element is referred to by it. */
  id: string;
  title: string;
  /** The axis' range. */
  min: number;
  max: number;
  reference?: { value: number; label: string };
}

const ROW = 30;
const LABEL = 130;
const RIGHT = 24;
const TOP = 26;
const BOTTOM = 30;
const WIDTH = 720;
const COLORS = { box: '#bfdbfe', line: '#1e3a8a', harsh: '#c4b5fd', lenient: '#fdba74', axis: '#616e7c', reference: '#b91c1c' };

/** A label that fits the label column (about nine characters); the whole one is in the row's tooltip. */
const shortLabel = (label: string) => ([...label].length > 9 ? `${[...label].slice(0, 8).join('')}…` : label);

/** Whole tick steps that give about 5–10 ticks over the range. */
function tickStep(span: number): number {
  for (const step of [1, 2, 5, 10, 20, 25, 50, 100]) if (span / step <= 10) return step;
  return Math.ceil(span / 10);
}

export function boxPlot(rows: readonly BoxRow[], o: BoxPlotOptions): string {
  const height = TOP + rows.length * ROW + BOTTOM;
  const plot = WIDTH - LABEL - RIGHT;
  const x = (v: number) => LABEL + ((Math.min(o.max, Math.max(o.min, v)) - o.min) / Math.max(1e-9, o.max - o.min)) * plot;
  const f = (v: number) => v.toFixed(1);
  const parts: string[] = [svg('title', { id: `${o.id}-title` }, text(o.title))];
  const baseline = TOP + rows.length * ROW;
  const step = tickStep(o.max - o.min);
  for (let t = Math.ceil(o.min / step) * step; t <= o.max; t += step) {
    parts.push(svg('line', { x1: f(x(t)), y1: TOP - 6, x2: f(x(t)), y2: baseline, stroke: '#e4e7eb' }));
    parts.push(svg('text', { x: f(x(t)), y: baseline + 16, 'text-anchor': 'middle', 'font-size': 11, fill: COLORS.axis }, String(t)));
  }
  rows.forEach((r, i) => {
    const s = r.summary;
    const mid = TOP + i * ROW + ROW / 2;
    const fill = r.tone === 'harsh' ? COLORS.harsh : r.tone === 'lenient' ? COLORS.lenient : COLORS.box;
    const tip = `${r.label}：${s.n} 份，最低 ${s.min}，中位数 ${s.median}，最高 ${s.max}，平均 ${s.mean}`;
    const row = [
      svg('title', {}, text(tip)),
      svg('text', { x: LABEL - 8, y: mid + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#1f2933' }, text(shortLabel(r.label))),
      svg('line', { x1: f(x(s.min)), y1: mid, x2: f(x(s.max)), y2: mid, stroke: COLORS.line }),
      svg('line', { x1: f(x(s.min)), y1: mid - 6, x2: f(x(s.min)), y2: mid + 6, stroke: COLORS.line }),
      svg('line', { x1: f(x(s.max)), y1: mid - 6, x2: f(x(s.max)), y2: mid + 6, stroke: COLORS.line }),
      svg('rect', {
        x: f(x(s.q1)),
        y: mid - 9,
        width: f(Math.max(2, x(s.q3) - x(s.q1))),
        height: 18,
        fill,
        stroke: COLORS.line,
        class: `box${r.tone ? ` ${r.tone}` : ''}`,
      }),
      svg('line', { x1: f(x(s.median)), y1: mid - 9, x2: f(x(s.median)), y2: mid + 9, stroke: COLORS.line, 'stroke-width': 2 }),
      svg('circle', { cx: f(x(s.mean)), cy: mid, r: 3, fill: '#1f2933' }),
    ];
    parts.push(svg('g', { class: 'row', 'data-label': r.label }, row.join('')));
  });
  if (o.reference) {
    const rx = f(x(o.reference.value));
    parts.push(svg('line', { x1: rx, y1: TOP - 8, x2: rx, y2: baseline, stroke: COLORS.reference, 'stroke-dasharray': '5 4' }));
    parts.push(
      svg('text', { x: rx, y: TOP - 12, 'text-anchor': 'middle', 'font-size': 11, fill: COLORS.reference }, text(o.reference.label)),
    );
  }
  return svg(
    'svg',
    {
      class: 'chart boxplot',
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${WIDTH} ${height}`,
      role: 'img',
      'aria-labelledby': `${o.id}-title`,
    },
    parts.join(''),
  );
}
