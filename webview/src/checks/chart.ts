// The score chart: each Lighthouse category over the environment's last runs, drawn as inline SVG (no chart library:
// a few lines and points, coloured by the page's CSS from the theme).
import { element } from '../shared/dom';
import type { LighthouseScores } from './protocol';
import { categories } from './words';

/** One run on the x axis: its label (the deployment), what its points' tooltips say, and its scores. */
export interface ChartPoint {
  label: string;
  title: string;
  scores: LighthouseScores;
}

const svgNs = 'http://www.w3.org/2000/svg';
const width = 480;
const height = 150;
const margin = { top: 8, right: 12, bottom: 26, left: 28 };

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>,
  ...children: (Node | string)[]
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

/** The chart (oldest run on the left) and its legend. */
export function scoreChart(points: ChartPoint[], caption: string): HTMLElement {
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const x = (index: number): number => margin.left + (points.length === 1 ? plotWidth / 2 : (index * plotWidth) / (points.length - 1));
  const y = (score: number): number => margin.top + plotHeight - (score / 100) * plotHeight;
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': caption });
  // Lighthouse's bands: 90 (good from there) is a dashed line, too close to 100 for a label of its own.
  for (const score of [0, 50, 90, 100]) {
    chart.append(svg('line', { class: score === 90 ? 'grid good' : 'grid', x1: margin.left, x2: width - margin.right, y1: y(score), y2: y(score) }));
    if (score !== 90) chart.append(svg('text', { x: margin.left - 4, y: y(score) + 3, 'text-anchor': 'end' }, String(score)));
  }
  // Labels for the first and last run (kept inside the chart), and as many between as fit without overlapping.
  const every = Math.max(1, Math.ceil(points.length / 6));
  points.forEach((point, index) => {
    const last = index === points.length - 1;
    if (index % every !== 0 && !last) return;
    const anchor = points.length === 1 ? 'middle' : index === 0 ? 'start' : last ? 'end' : 'middle';
    chart.append(svg('text', { x: x(index), y: height - 8, 'text-anchor': anchor }, point.label));
  });
  for (const category of categories) {
    const series = points.flatMap((point, index) => {
      const score = point.scores[category.key];
      return score === null ? [] : [{ x: x(index), y: y(score), title: `${point.title}: ${category.label} ${score}` }];
    });
    if (series.length > 1) chart.append(svg('polyline', { class: `series-${category.key}`, points: series.map((p) => `${p.x},${p.y}`).join(' ') }));
    for (const point of series) chart.append(svg('circle', { class: `series-${category.key}`, cx: point.x, cy: point.y, r: 3 }, svg('title', {}, point.title)));
  }
  const legend = element(
    'div',
    { class: 'legend' },
    ...categories.map((c) => element('span', {}, element('span', { class: `swatch series-${c.key}` }), c.label)),
  );
  return element('figure', { class: 'score-chart' }, element('figcaption', {}, caption), chart, legend);
}
