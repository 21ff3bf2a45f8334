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
          <g key={d.label}>
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
              {d.value > 0 ? compact(d.value) : ""}
            </text>
            <text x={x + (colW - 6) / 2} y={h - 8} textAnchor="middle" className="label">
              {d.label}
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
