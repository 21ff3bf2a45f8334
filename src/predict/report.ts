import type { FeatureExplanation, LookalikeEvaluation } from "./lookalike.js";
import type { BinaryEvaluation } from "./metrics.js";

/**
 * The model runs as pages a person reads: self-contained HTML with inline SVG charts (no script, no
 * network), in the style of the match-model report. Propensity: cumulative gains and calibration of each
 * model on the test rows, and what drives the chosen one. Lifetime value: fitted parameters, and predicted
 * against actual holdout purchases by calibration-period frequency. Lookalike: recall of the hidden seed
 * half against chance, and what sets the seed apart.
 */

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

const colours = ["#2e6db4", "#d9822b", "#2e8b57", "#8e44ad"];

interface Series {
  name: string;
  points: [number, number][];
}

/** A line chart on [0, xMax] × [0, yMax] with axes, a legend and an optional dashed reference line. */
function lineChart(
  series: Series[],
  options: {
    xLabel: string;
    yLabel: string;
    xMax?: number;
    yMax?: number;
    reference?: [number, number][];
    referenceLabel?: string;
  },
): string {
  const w = 460;
  const h = 300;
  const left = 56;
  const bottom = 40;
  const top = 16;
  const right = 16;
  const xMax = options.xMax ?? Math.max(1e-9, ...series.flatMap((s) => s.points.map((p) => p[0])));
  const yMax = options.yMax ?? Math.max(1e-9, ...series.flatMap((s) => s.points.map((p) => p[1])));
  const X = (x: number) => left + (x / xMax) * (w - left - right);
  const Y = (y: number) => h - bottom - (y / yMax) * (h - bottom - top);
  const path = (pts: [number, number][]) =>
    pts.map((p, i) => `${i ? "L" : "M"}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(" ");
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const parts = [
    `<line x1="${left}" y1="${h - bottom}" x2="${w - right}" y2="${h - bottom}" class="axis"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${h - bottom}" class="axis"/>`,
    ...ticks.map(
      (t) =>
        `<text x="${X(t * xMax)}" y="${h - bottom + 14}" text-anchor="middle" class="tick">${fmt(t * xMax)}</text>`,
    ),
    ...ticks.map(
      (t) =>
        `<text x="${left - 6}" y="${Y(t * yMax) + 4}" text-anchor="end" class="tick">${fmt(t * yMax)}</text>`,
    ),
    `<text x="${(left + w - right) / 2}" y="${h - 6}" text-anchor="middle" class="label">${escapeHtml(options.xLabel)}</text>`,
    `<text x="12" y="${(top + h - bottom) / 2}" text-anchor="middle" transform="rotate(-90 12 ${(top + h - bottom) / 2})" class="label">${escapeHtml(options.yLabel)}</text>`,
  ];
  if (options.reference)
    parts.push(
      `<path d="${path(options.reference)}" class="reference"><title>${escapeHtml(options.referenceLabel ?? "")}</title></path>`,
    );
  series.forEach((s, i) => {
    const colour = colours[i % colours.length];
    parts.push(`<path d="${path(s.points)}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of s.points)
      parts.push(
        `<circle cx="${X(p[0]).toFixed(1)}" cy="${Y(p[1]).toFixed(1)}" r="2.5" fill="${colour}"><title>${escapeHtml(s.name)}: ${fmt(p[0])}, ${fmt(p[1])}</title></circle>`,
      );
    parts.push(
      `<rect x="${left + 10}" y="${top + 4 + i * 16}" width="10" height="10" fill="${colour}"/><text x="${left + 24}" y="${top + 13 + i * 16}" class="tick">${escapeHtml(s.name)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img">${parts.join("")}</svg>`;
}

/** Grouped bars: one group per category, one bar per series. */
function barChart(
  categories: string[],
  series: { name: string; values: number[] }[],
  options: { yLabel: string; yMax?: number },
): string {
  // The legend sits right of the plot, in a column of its own.
  const legend = 130;
  const w = Math.max(360, 60 + categories.length * (series.length * 18 + 16)) + legend;
  const h = 280;
  const left = 56;
  const bottom = 40;
  const top = 16;
  const yMax = options.yMax ?? Math.max(1e-9, ...series.flatMap((s) => s.values));
  const Y = (y: number) => h - bottom - (y / yMax) * (h - bottom - top);
  const group = (w - legend - left - 10) / categories.length;
  const bar = Math.min(18, (group - 10) / series.length);
  const parts = [
    `<line x1="${left}" y1="${h - bottom}" x2="${w - legend - 10}" y2="${h - bottom}" class="axis"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${h - bottom}" class="axis"/>`,
    ...[0, 0.5, 1].map(
      (t) =>
        `<text x="${left - 6}" y="${Y(t * yMax) + 4}" text-anchor="end" class="tick">${fmt(t * yMax)}</text>`,
    ),
    `<text x="12" y="${(top + h - bottom) / 2}" text-anchor="middle" transform="rotate(-90 12 ${(top + h - bottom) / 2})" class="label">${escapeHtml(options.yLabel)}</text>`,
  ];
  categories.forEach((c, ci) => {
    const x0 = left + 5 + ci * group;
    parts.push(
      `<text x="${x0 + (bar * series.length) / 2}" y="${h - bottom + 14}" text-anchor="middle" class="tick">${escapeHtml(c)}</text>`,
    );
    series.forEach((s, si) => {
      const v = s.values[ci] ?? 0;
      parts.push(
        `<rect x="${(x0 + si * bar).toFixed(1)}" y="${Y(v).toFixed(1)}" width="${(bar - 2).toFixed(1)}" height="${(h - bottom - Y(v)).toFixed(1)}" fill="${colours[si % colours.length]}"><title>${escapeHtml(s.name)} · ${escapeHtml(c)}: ${fmt(v)}</title></rect>`,
      );
    });
  });
  series.forEach((s, i) => {
    parts.push(
      `<rect x="${w - legend + 4}" y="${top + i * 16}" width="10" height="10" fill="${colours[i % colours.length]}"/><text x="${w - legend + 18}" y="${top + 9 + i * 16}" class="tick">${escapeHtml(s.name)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img">${parts.join("")}</svg>`;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return "–";
  if (Number.isInteger(x)) return x.toLocaleString("en-US");
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString("en-US");
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

function tableHtml(headers: string[], rows: (string | number)[][]): string {
  const cell = (c: string | number) =>
    `<td${typeof c === "number" ? ' class="num"' : ""}>${typeof c === "number" ? fmt(c) : escapeHtml(c)}</td>`;
  return `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 2rem; color: #222; max-width: 1100px; }
svg text { font: 12px system-ui, sans-serif; fill: #333; }
svg .axis { stroke: #999; } svg .tick { fill: #666; } svg .label { fill: #444; }
svg .reference { stroke: #aaa; stroke-dasharray: 4 3; fill: none; }
.charts { display: flex; flex-wrap: wrap; gap: 2rem; }
table { border-collapse: collapse; margin: 1rem 0 2rem; } td, th { padding: 4px 10px; border-bottom: 1px solid #ddd; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.warning { color: #a04000; }
</style></head><body>
<h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}

export interface PropensityReportInput {
  target: string;
  split: string;
  rows: number;
  positives: number;
  chosen: string;
  models: {
    kind: string;
    validationAuc: number;
    test: BinaryEvaluation;
    drivers: { feature: string; value: number }[];
  }[];
  warnings?: string[];
}

export function propensityReportHtml(r: PropensityReportInput): string {
  const gains = r.models.map((m) => ({
    name: m.kind,
    points: [
      [0, 0] as [number, number],
      ...m.test.lift.map((b) => [b.upTo, b.cumulativeRecall] as [number, number]),
    ],
  }));
  const calibration = r.models.map((m) => ({
    name: m.kind,
    points: m.test.calibration.bins.map((b) => [b.meanPredicted, b.observedRate] as [number, number]),
  }));
  const maxP = Math.max(0.05, ...calibration.flatMap((s) => s.points.flatMap((p) => [p[0], p[1]])));
  const chosen = r.models.find((m) => m.kind === r.chosen);
  const body = `
<p>Target <b>${escapeHtml(r.target)}</b>: ${r.rows.toLocaleString("en-US")} rows, ${r.positives.toLocaleString("en-US")} positive
(${((100 * r.positives) / Math.max(1, r.rows)).toFixed(1)} %). Split: ${escapeHtml(r.split)}. Chosen on validation AUC: <b>${escapeHtml(r.chosen)}</b>.</p>
${(r.warnings ?? []).map((w) => `<p class="warning">${escapeHtml(w)}</p>`).join("")}
<h2>Measured on the test rows</h2>
${tableHtml(
  ["model", "AUC", "PR AUC", "lift in top 10 %", "log loss", "Brier", "calibration error", "validation AUC"],
  r.models.map((m) => [
    m.kind,
    m.test.auc,
    m.test.prAuc,
    m.test.liftAt10,
    m.test.logLoss,
    m.test.brier,
    m.test.calibration.expectedCalibrationError,
    m.validationAuc,
  ]),
)}
<div class="charts">
<div><h3>Cumulative gains</h3>${lineChart(gains, {
    xLabel: "share of customers contacted, best scores first",
    yLabel: "share of positives reached",
    xMax: 1,
    yMax: 1,
    reference: [
      [0, 0],
      [1, 1],
    ],
    referenceLabel: "random",
  })}</div>
<div><h3>Calibration</h3>${lineChart(calibration, {
    xLabel: "predicted probability (bin mean)",
    yLabel: "observed rate",
    xMax: maxP,
    yMax: maxP,
    reference: [
      [0, 0],
      [maxP, maxP],
    ],
    referenceLabel: "perfectly calibrated",
  })}</div>
</div>
<h2>What drives the ${escapeHtml(r.chosen)} model</h2>
${tableHtml(
  ["feature", r.chosen === "gbdt" ? "share of split gain" : "standardised weight"],
  (chosen?.drivers ?? []).map((d) => [d.feature, d.value]),
)}
<h2>Lift by tenth of the test rows</h2>
${tableHtml(
  ["band", "rows", "positives", "rate", "lift", "cumulative recall"],
  (chosen?.test.lift ?? []).map((b) => [
    String(b.band),
    b.count,
    b.positives,
    b.rate,
    b.lift,
    b.cumulativeRecall,
  ]),
)}`;
  return page(`Tessera propensity model: ${r.target}`, body);
}

export interface ClvReportInput {
  model: string;
  unitDays: number;
  horizonDays: number;
  customers: number;
  fit: {
    parameters: Record<string, number>;
    standardErrors: Record<string, number> | null;
    logLikelihood: number;
    spend: {
      parameters: Record<string, number>;
      standardErrors: Record<string, number> | null;
      logLikelihood: number;
      customers: number;
    } | null;
  };
  holdout: {
    calibrationEnd: string;
    holdoutLength: number;
    purchases: {
      actual: number;
      predicted: number;
      mae: number;
      correlation: number;
      auc: number;
      byFrequency: { x: string; customers: number; predicted: number; actual: number }[];
    };
    revenue: { actual: number; predicted: number } | null;
  } | null;
  summary: { totalClv: number; meanClv: number; medianClv: number; top10Share: number; meanPAlive: number };
  warnings: string[];
}

export function clvReportHtml(r: ClvReportInput): string {
  const params = (p: Record<string, number>, se: Record<string, number> | null) =>
    Object.entries(p).map(([k, v]) => [k, v, se?.[k] ?? Number.NaN] as (string | number)[]);
  const h = r.holdout;
  const body = `
<p>${r.customers.toLocaleString("en-US")} customers; purchase model ${escapeHtml(r.model)}, time unit ${r.unitDays} days; value over
${r.horizonDays} days, discounted. Mean CLV ${fmt(r.summary.meanClv)}, median ${fmt(r.summary.medianClv)}; the top 10 % of customers hold
${(100 * r.summary.top10Share).toFixed(1)} % of the value. Mean probability still active ${r.summary.meanPAlive.toFixed(3)}.</p>
${r.warnings.map((w) => `<p class="warning">${escapeHtml(w)}</p>`).join("")}
<h2>Fitted parameters</h2>
${tableHtml(["parameter", "estimate", "standard error"], params(r.fit.parameters, r.fit.standardErrors))}
<p>log-likelihood ${fmt(r.fit.logLikelihood)}</p>
${
  r.fit.spend
    ? `<h3>Spend (Gamma-Gamma, ${r.fit.spend.customers.toLocaleString("en-US")} repeat buyers)</h3>${tableHtml(["parameter", "estimate", "standard error"], params(r.fit.spend.parameters, r.fit.spend.standardErrors))}`
    : ""
}
${
  h
    ? `<h2>Holdout: fitted up to ${escapeHtml(h.calibrationEnd.slice(0, 10))}, the next ${fmt(h.holdoutLength * r.unitDays)} days predicted</h2>
<p>Repeat purchases: ${fmt(h.purchases.predicted)} predicted, ${fmt(h.purchases.actual)} made; per customer MAE ${fmt(h.purchases.mae)},
correlation ${fmt(h.purchases.correlation)}; AUC for "buys again" ${fmt(h.purchases.auc)}.${
        h.revenue ? ` Revenue ${fmt(h.revenue.predicted)} predicted, ${fmt(h.revenue.actual)} spent.` : ""
      }</p>
<h3>Mean holdout purchases by purchases in the calibration period</h3>
${barChart(
  h.purchases.byFrequency.map((g) => g.x),
  [
    { name: "predicted", values: h.purchases.byFrequency.map((g) => g.predicted) },
    { name: "actual", values: h.purchases.byFrequency.map((g) => g.actual) },
  ],
  { yLabel: "purchases per customer" },
)}
${tableHtml(
  ["repeat purchases before", "customers", "predicted", "actual"],
  h.purchases.byFrequency.map((g) => [g.x, g.customers, g.predicted, g.actual]),
)}`
    : "<p>No holdout evaluation.</p>"
}`;
  return page("Tessera lifetime value", body);
}

export interface LookalikeReportInput {
  name: string;
  blend: number;
  seed: { size: number; from: string };
  candidates: number;
  explanation: FeatureExplanation[];
  evaluation: LookalikeEvaluation | null;
}

export function lookalikeReportHtml(r: LookalikeReportInput): string {
  const e = r.evaluation;
  const tops = ["top5", "top10", "top20"] as const;
  const describe = (x: FeatureExplanation) =>
    x.kind === "numeric"
      ? `seed mean ${fmt(x.seedMean)} vs ${fmt(x.restMean)} (effect size ${x.effectSize >= 0 ? "+" : ""}${x.effectSize.toFixed(2)})`
      : x.levels
          .slice(0, 3)
          .map(
            (l) =>
              `${l.level}: ${(100 * l.seedShare).toFixed(0)} % of the seed vs ${(100 * l.restShare).toFixed(0)} % (×${l.ratio.toFixed(1)})`,
          )
          .join("; ");
  const body = `
<p>Seed: ${r.seed.size.toLocaleString("en-US")} profiles (${escapeHtml(r.seed.from)}); ${r.candidates.toLocaleString("en-US")} candidates ranked
by the classifier's rank and the neighbour view's, the latter weighted ${r.blend}.</p>
${
  e
    ? `<h2>Half the seed hidden: how many come out on top</h2>
${barChart(
  ["top 5 %", "top 10 %", "top 20 %"],
  [
    { name: "blend", values: tops.map((t) => e.recall[t].blend) },
    { name: "classifier", values: tops.map((t) => e.recall[t].classifier) },
    { name: "neighbours", values: tops.map((t) => e.recall[t].neighbours) },
    { name: "random", values: [0.05, 0.1, 0.2] },
  ],
  { yLabel: "share of hidden members found", yMax: 1 },
)}
${tableHtml(
  ["", "blend", "classifier", "neighbours", "random"],
  tops.map((t, i) => [
    `top ${t.slice(3)} %`,
    e.recall[t].blend,
    e.recall[t].classifier,
    e.recall[t].neighbours,
    [0.05, 0.1, 0.2][i] as number,
  ]),
)}
<h3>Each weight of the neighbour view tried</h3>
${tableHtml(
  ["weight", "top 5 %", "top 10 %", "top 20 %"],
  e.blends.map((b) => [String(b.weight), b.top5, b.top10, b.top20]),
)}`
    : ""
}
<h2>What sets the seed apart</h2>
${tableHtml(
  ["feature", "importance", "how the seed differs"],
  r.explanation.slice(0, 15).map((x) => [x.feature, x.importance, describe(x)]),
)}`;
  return page(`Tessera lookalike audience: ${r.name}`, body);
}
