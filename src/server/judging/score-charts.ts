import type { CategorySpread } from '../../awards/distribution.ts';
import { boxPlot } from '../charts/boxplot.ts';

/**
 * The pictures on 评审进度: per category, each expert's review totals (a harsh or lenient expert stands out against
 * the mean of all scores), and the final scores of every category side by side. The numbers go beside them as tables.
 */

/** The axis starts at the nearest ten below the lowest score, so the boxes are not squeezed to the right. */
const axisStart = (lowest: number, full: number) => Math.max(0, Math.min(Math.floor(lowest / 10) * 10, full - 10));

export function scoreCharts(spreads: readonly CategorySpread[]) {
  const perCategory = spreads
    .filter((c) => c.experts.length)
    .map((c, i) => {
      const reviews = c.experts.reduce((n, x) => n + x.summary.n, 0);
      const overall = Math.round((c.experts.reduce((sum, x) => sum + x.summary.mean * x.summary.n, 0) / reviews) * 100) / 100;
      return {
        ...c,
        overall,
        svg: boxPlot(
          c.experts.map((x) => ({ label: x.expert, summary: x.summary, tone: x.leaning })),
          {
            id: `spread-${i}`,
            title: `${c.category}：各位专家给出的总分分布（满分 ${c.fullMarks}，全部评分平均 ${overall}）`,
            min: axisStart(Math.min(...c.experts.map((x) => x.summary.min)), c.fullMarks),
            max: c.fullMarks,
            reference: { value: overall, label: `平均 ${overall}` },
          },
        ),
      };
    });
  const finals = spreads.flatMap((c) => (c.finals ? [{ category: c.category, fullMarks: c.fullMarks, summary: c.finals }] : []));
  const full = Math.max(0, ...finals.map((c) => c.fullMarks));
  const finalsSvg = finals.length
    ? boxPlot(
        finals.map((c) => ({ label: c.category, summary: c.summary })),
        { id: 'finals', title: '各类别作品最终得分分布', min: axisStart(Math.min(...finals.map((c) => c.summary.min)), full), max: full },
      )
    : null;
  return { perCategory, finals, finalsSvg };
}
