// The side-by-side chart (SVG) of a bench run, drawn with Vega-Lite: verifications per second and p99 latency for
// the floor (pgbench), Kagiya and the textbook peer, at each card count.
import * as vega from 'vega';
import * as vl from 'vega-lite';

export type ChartRow = Readonly<{ system: string; scenario: string; cards: string; rps: number; p99: number }>;

export async function renderChart(rows: readonly ChartRow[], title: string): Promise<string> {
  const order = ['floor (pgbench)', 'floor, 1 per statement', 'Kagiya', 'textbook peer'];
  const bars = (field: 'rps' | 'p99', label: string) => ({
    width: 260,
    height: 220,
    title: label,
    mark: { type: 'bar' as const, tooltip: true },
    encoding: {
      column: { field: 'scenario', type: 'nominal' as const, title: null, sort: ['verify', 'status'] },
      x: { field: 'cards', type: 'nominal' as const, title: 'cards', sort: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'system', type: 'nominal' as const, sort: order },
      y: { field, type: 'quantitative' as const, title: label },
      color: { field: 'system', type: 'nominal' as const, sort: order, scale: { range: ['#8c96a3', '#c8ced6', '#c0392b', '#2e86c1'] } },
    },
  });
  const spec: vl.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: rows.map((r) => ({ ...r })) },
    vconcat: [bars('rps', 'requests / s (higher is better)'), bars('p99', 'p99 latency, ms (lower is better)')],
    config: { font: 'sans-serif', background: 'white' },
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
