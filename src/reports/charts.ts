/**
 * Charts of the reports, drawn on the server with ECharts' SVG renderer (server-side rendering: no
 * browser, no canvas) and placed in the PDF as vectors. The same library draws the console's charts,
 * so a chart reads the same on screen and on paper.
 */
import * as echarts from 'echarts';

const FONT = 'Noto Sans SC';
const COLORS = ['#1677ff', '#52c41a', '#faad14', '#f5222d', '#722ed1', '#13c2c2', '#eb2f96', '#2f54eb'];

function render(option: echarts.EChartsCoreOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, color: COLORS, textStyle: { fontFamily: FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Horizontal bars, best at the top (a ranking, or the marks of one department). */
export function barChart(title: string, items: { label: string; value: number | null }[], width: number, height: number): string {
  const shown = [...items].reverse();
  return render(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 13, fontFamily: FONT } },
      grid: { left: 8, right: 40, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'value', min: 0, max: 100 },
      yAxis: { type: 'category', data: shown.map((i) => i.label), axisLabel: { fontSize: 10, width: 150, overflow: 'truncate' } },
      series: [{ type: 'bar', data: shown.map((i) => i.value ?? 0), label: { show: true, position: 'right', fontSize: 10, formatter: (p: { dataIndex: number }) => (shown[p.dataIndex].value === null ? '—' : String(shown[p.dataIndex].value)) } }],
    },
    width,
    height,
  );
}

/** Lines over months (scores of one or several departments). */
export function trendChart(title: string, months: string[], series: { name: string; values: (number | null)[] }[], width: number, height: number): string {
  return render(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 13, fontFamily: FONT } },
      legend: { bottom: 0, type: 'plain', textStyle: { fontSize: 9, fontFamily: FONT } },
      grid: { left: 8, right: 16, top: 32, bottom: series.length > 1 ? 48 : 24, containLabel: true },
      xAxis: { type: 'category', data: months },
      yAxis: { type: 'value', min: 0, max: 100 },
      series: series.map((s) => ({ type: 'line', name: s.name, data: s.values, connectNulls: false, symbolSize: 6 })),
    },
    width,
    height,
  );
}
