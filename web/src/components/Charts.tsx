/** Small SVG charts: horizontal bars (shares or counts) and a column histogram. */

export function Bars(props: {
  data: { label: string; value: number; title?: string }[];
  share?: boolean;
  max?: number;
  tone?: (value: number) => "good" | "warn" | "bad" | "plain";
  testId?: string;
}) {
  const rowH = 22;
  const labelW = 150;
  const barW = 260;
  const w = labelW + barW + 70;
  const h = props.data.length * rowH + 4;
  const max = props.max ?? (props.share ? 1 : Math.max(1, ...props.data.map((d) => d.value)));
  return (
    <svg
      viewBox={`0 0 ${w} ${h}`}
      className="bars"
      role="img"
      aria-label="bar chart"
      data-testid={props.testId}
    >
      {props.data.map((d, i) => {
        const y = i * rowH + 2;
        const width = Math.max(1, (d.value / max) * barW);
        const tone = props.tone?.(d.value) ?? "plain";
        return (
          <g key={d.label}>
            <title>{d.title ?? `${d.label}: ${fmt(d.value, props.share)}`}</title>
            <text x={labelW - 8} y={y + 14} textAnchor="end" className="label">
              {d.label}
            </text>
            <rect x={labelW} y={y + 3} width={barW} height={rowH - 8} className="track" rx={2} />
            <rect x={labelW} y={y + 3} width={width} height={rowH - 8} className={`fill ${tone}`} rx={2} />
            <text x={labelW + barW + 6} y={y + 14} className="value">
              {fmt(d.value, props.share)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function Columns(props: {
  data: { label: string; value: number }[];
  testId?: string;
  tone?: (i: number) => string;
}) {
  const w = 440;
  const h = 170;
  const pad = 24;
  const max = Math.max(1, ...props.data.map((d) => d.value));
  const colW = (w - pad) / Math.max(1, props.data.length);
  // Many columns: every other label, and values only in the tooltips, so that the text does not overlap.
  const crowded = props.data.length > 14;
  return (
    <svg
      viewBox={`0 0 ${w} ${h}`}
      className="columns"
      role="img"
      aria-label="column chart"
      data-testid={props.testId}
    >
      <line x1={pad / 2} x2={w - pad / 2} y1={h - 24} y2={h - 24} className="axis" />
      {props.data.map((d, i) => {
        const bh = (d.value / max) * (h - 50);
        const x = pad / 2 + i * colW + 3;
        return (
          <g key={d.label} className="column" data-value={d.value}>
            <title>{`${d.label}: ${d.value.toLocaleString()}`}</title>
            <rect
              x={x}
              y={h - 24 - bh}
              width={colW - 6}
              height={Math.max(0.5, bh)}
              rx={2}
              className={`fill ${props.tone?.(i) ?? "plain"}`}
            />
            <text x={x + (colW - 6) / 2} y={h - 28 - bh} textAnchor="middle" className="value">
              {d.value > 0 && !crowded ? compact(d.value) : ""}
            </text>
            <text x={x + (colW - 6) / 2} y={h - 8} textAnchor="middle" className="label">
              {crowded && i % 2 === 1 ? "" : d.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function fmt(v: number, share?: boolean): string {
  return share ? `${(v * 100).toFixed(1)}%` : v.toLocaleString();
}

function compact(v: number): string {
  return v >= 10_000 ? `${(v / 1000).toFixed(0)}k` : v.toLocaleString();
}

/** Colours of the series of a grouped chart, in order (models, predicted/actual…). */
export const seriesColours = [
  "#2563eb",
  "#d97706",
  "#16a34a",
  "#9333ea",
  "#dc2626",
  "#0891b2",
  "#db2777",
  "#65a30d",
  "#475569",
];

/**
 * Grouped horizontal bars: one group per label (a channel), one bar per series (a model) in the series'
 * colour, with a legend. Each bar carries its series and value as data attributes (tests read them).
 */
export function GroupedBars(props: {
  groups: { label: string; values: number[] }[];
  series: string[];
  format?: (v: number) => string;
  testId?: string;
  /** The drawing's width in its own units: text keeps its size when the chart is drawn at about this width. */
  width?: number;
}) {
  const fmt = props.format ?? ((v: number) => v.toLocaleString(undefined, { maximumFractionDigits: 1 }));
  const k = Math.max(1, props.series.length);
  const barH = Math.max(5, Math.min(12, 44 / k));
  const groupH = k * barH + 10;
  const w = props.width ?? 860;
  const labelW = Math.min(170, w * 0.25);
  const barW = w - labelW - 60;
  const perRow = Math.max(1, Math.floor(barW / 120));
  const legendH = 8 + Math.ceil(props.series.length / perRow) * 18;
  const h = legendH + props.groups.length * groupH + 4;
  const max = Math.max(1e-9, ...props.groups.flatMap((g) => g.values));
  return (
    <svg
      viewBox={`0 0 ${w} ${h}`}
      className="grouped-bars"
      role="img"
      aria-label="grouped bar chart"
      data-testid={props.testId}
    >
      <g className="legend">
        {props.series.map((s, i) => (
          <g
            key={s}
            transform={`translate(${labelW + (i % perRow) * 120}, ${4 + Math.floor(i / perRow) * 18})`}
          >
            <rect width={11} height={11} rx={2} fill={seriesColours[i % seriesColours.length]} />
            <text x={16} y={10} className="label">
              {s}
            </text>
          </g>
        ))}
      </g>
      {props.groups.map((g, gi) => {
        const y0 = legendH + gi * groupH;
        return (
          <g key={g.label} className="group" data-label={g.label}>
            {gi % 2 === 0 && <rect x={0} y={y0} width={w} height={groupH} className="band" />}
            <text x={labelW - 8} y={y0 + groupH / 2 + 4} textAnchor="end" className="label">
              {g.label}
            </text>
            {g.values.map((v, i) => {
              const series = props.series[i] ?? String(i);
              const y = y0 + 5 + i * barH;
              const width = Math.max(v > 0 ? 1 : 0, (v / max) * barW);
              return (
                <g key={series}>
                  <title>{`${g.label} · ${series}: ${fmt(v)}`}</title>
                  <rect
                    className="bar"
                    data-series={series}
                    data-value={v}
                    x={labelW}
                    y={y}
                    width={width}
                    height={barH - 1.5}
                    rx={1.5}
                    fill={seriesColours[i % seriesColours.length]}
                  />
                  {barH >= 9 && (
                    <text x={labelW + width + 4} y={y + barH - 3} className="value">
                      {fmt(v)}
                    </text>
                  )}
                </g>
              );
            })}
          </g>
        );
      })}
    </svg>
  );
}
