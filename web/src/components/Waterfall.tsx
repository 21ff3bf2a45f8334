import type { Explanation } from "../types";

/**
 * A match explanation as a waterfall chart: the prior, then each comparison's weight (log2 Bayes factor) as a
 * bar from the running total — green for evidence of a match, red against — ending at the match weight and its
 * probability.
 */
export function Waterfall(props: { explanation: Explanation }) {
  const e = props.explanation;
  const steps = [
    {
      label: "prior",
      level: `1 in ${Math.round(1 / e.prior).toLocaleString()}`,
      weight: e.priorWeight,
      vetoed: false,
    },
    ...e.comparisons.map((c) => ({
      label: c.comparison,
      level: c.level,
      weight: c.weight,
      vetoed: c.vetoed,
    })),
  ];
  let total = 0;
  const bars = steps.map((s) => {
    const from = total;
    total += s.weight;
    return { ...s, from, to: total };
  });
  const final = e.veto === null ? e.weight : total;
  const all = [0, ...bars.flatMap((b) => [b.from, b.to]), final];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const rowH = 26;
  const labelW = 250;
  const chartW = 360;
  const w = labelW + chartW + 70;
  const h = (bars.length + 1) * rowH + 28;
  const x = (v: number) => labelW + ((v - lo) / Math.max(1e-9, hi - lo)) * chartW;
  return (
    <svg
      viewBox={`0 0 ${w} ${h}`}
      className="waterfall"
      role="img"
      aria-label="match explanation"
      data-testid="waterfall"
    >
      <line x1={x(0)} x2={x(0)} y1={4} y2={h - 20} className="axis" />
      <text x={x(0)} y={h - 6} className="tick">
        0
      </text>
      {bars.map((b, i) => {
        const y = i * rowH + 6;
        const left = x(Math.min(b.from, b.to));
        const width = Math.max(2, Math.abs(x(b.to) - x(b.from)));
        return (
          <g key={b.label}>
            <title>{`${b.label}: ${b.level}, ${b.weight >= 0 ? "+" : ""}${b.weight.toFixed(2)} bits`}</title>
            <text x={4} y={y + 15} className="label">
              {b.label}
            </text>
            <text x={labelW - 8} y={y + 15} className="level" textAnchor="end">
              {b.level.length > 20 ? `${b.level.slice(0, 19)}…` : b.level}
            </text>
            <rect
              x={left}
              y={y + 3}
              width={width}
              height={rowH - 8}
              rx={2}
              className={b.vetoed ? "bar veto" : b.weight >= 0 ? "bar plus" : "bar minus"}
            />
            {i < bars.length - 1 && (
              <line x1={x(b.to)} x2={x(b.to)} y1={y + rowH - 5} y2={y + rowH + 3} className="connector" />
            )}
            <text x={labelW + chartW + 66} y={y + 15} className="weight" textAnchor="end">
              {b.weight >= 0 ? "+" : ""}
              {b.weight.toFixed(2)}
            </text>
          </g>
        );
      })}
      <g>
        <text x={4} y={bars.length * rowH + 21} className="label total">
          match weight
        </text>
        <rect
          x={Math.min(x(0), x(final))}
          y={bars.length * rowH + 9}
          width={Math.max(2, Math.abs(x(final) - x(0)))}
          height={rowH - 8}
          rx={2}
          className="bar total"
        />
        <text x={labelW + chartW + 66} y={bars.length * rowH + 21} className="weight total" textAnchor="end">
          {e.veto === null ? final.toFixed(2) : "−∞"}
        </text>
      </g>
    </svg>
  );
}
