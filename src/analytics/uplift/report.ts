import type { UpliftEvaluation } from "./curves.js";

/**
 * Uplift results as a page a person reads: self-contained HTML with inline SVG (no script, no network), one
 * Qini chart and one uplift chart per treatment and outcome, each model's curve against the random line, and
 * the coefficients in a table. Also the same curves drawn in a terminal.
 */

export interface UpliftCurveSet {
  title: string;
  subtitle: string;
  series: { name: string; evaluation: UpliftEvaluation }[];
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
const colours = ["#2e6db4", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#7f8c8d"];
const fmt = (x: number) =>
  Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(1) : x.toFixed(3);

function chart(set: UpliftCurveSet, key: "qini" | "uplift", yLabel: string): string {
  const w = 480;
  const h = 300;
  const left = 60;
  const right = 16;
  const top = 16;
  const bottom = 40;
  const all = set.series.flatMap((s) => s.evaluation.points.map((p) => p[key]));
  const yMin = Math.min(0, ...all);
  const yMax = Math.max(1e-9, ...all);
  const X = (x: number) => left + x * (w - left - right);
  const Y = (y: number) => h - bottom - ((y - yMin) / (yMax - yMin)) * (h - bottom - top);
  const parts: string[] = [
    `<line x1="${left}" y1="${Y(0)}" x2="${w - right}" y2="${Y(0)}" class="axis"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${h - bottom}" class="axis"/>`,
  ];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(
      `<text x="${X(t)}" y="${h - bottom + 14}" text-anchor="middle" class="tick">${t * 100}%</text>`,
    );
    const y = yMin + t * (yMax - yMin);
    parts.push(`<text x="${left - 6}" y="${Y(y) + 4}" text-anchor="end" class="tick">${fmt(y)}</text>`);
  }
  parts.push(
    `<text x="${(left + w - right) / 2}" y="${h - 6}" text-anchor="middle" class="label">share targeted, by predicted uplift</text>`,
    `<text x="12" y="${(top + h - bottom) / 2}" text-anchor="middle" transform="rotate(-90 12 ${(top + h - bottom) / 2})" class="label">${escapeHtml(yLabel)}</text>`,
  );
  const end = set.series[0]?.evaluation.points.at(-1)?.[key] ?? 0;
  parts.push(
    `<path d="M${X(0)},${Y(0)} L${X(1)},${Y(end)}" class="reference"><title>random targeting</title></path>`,
  );
  set.series.forEach((s, i) => {
    const colour = colours[i % colours.length];
    const d = s.evaluation.points
      .map((p, j) => `${j ? "L" : "M"}${X(p.fraction).toFixed(1)},${Y(p[key]).toFixed(1)}`)
      .join(" ");
    parts.push(
      `<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"><title>${escapeHtml(s.name)}</title></path>`,
    );
    parts.push(
      `<rect x="${left + 10}" y="${top + 4 + i * 16}" width="10" height="10" fill="${colour}"/><text x="${left + 24}" y="${top + 13 + i * 16}" class="tick">${escapeHtml(s.name)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="${escapeHtml(`${set.title}: ${yLabel}`)}">${parts.join("")}</svg>`;
}

export function upliftReportHtml(title: string, sets: UpliftCurveSet[], notes: string[] = []): string {
  const sections = sets.map((set) => {
    const rows = set.series
      .map(
        (s) =>
          `<tr><td>${escapeHtml(s.name)}</td><td>${s.evaluation.qini.toFixed(3)}</td><td>${s.evaluation.auuc.toFixed(3)}</td><td>${(100 * (s.evaluation.upliftAt.find((a) => a.fraction === 0.3)?.uplift ?? 0)).toFixed(2)} pts</td><td>${(100 * s.evaluation.ate).toFixed(2)} pts</td></tr>`,
      )
      .join("");
    return `<section><h2>${escapeHtml(set.title)}</h2><p>${escapeHtml(set.subtitle)}</p>
<div class="charts">${chart(set, "qini", "incremental outcomes (Qini)")}${chart(set, "uplift", "incremental outcomes if all treated")}</div>
<table><thead><tr><th>model</th><th>Qini coefficient</th><th>AUUC</th><th>uplift in top 30 %</th><th>uplift of all</th></tr></thead><tbody>${rows}</tbody></table></section>`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
.charts{display:flex;flex-wrap:wrap;gap:16px}.axis{stroke:#555}.tick{font-size:11px;fill:#555}.label{font-size:12px;fill:#333}
.reference{stroke:#999;stroke-dasharray:4 3;fill:none}table{border-collapse:collapse;margin-top:8px}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}</style></head><body><h1>${escapeHtml(title)}</h1>
${notes.map((n) => `<p>${escapeHtml(n)}</p>`).join("")}${sections.join("\n")}</body></html>`;
}

/** A Qini chart for terminals: one letter per model, `·` the random line. */
export function terminalQini(set: UpliftCurveSet, width = 60, height = 14): string {
  const all = set.series.flatMap((s) => s.evaluation.points.map((p) => p.qini));
  const yMin = Math.min(0, ...all);
  const yMax = Math.max(1e-9, ...all);
  const grid = Array.from({ length: height }, () => Array.from({ length: width }, () => " "));
  const row = (y: number) => height - 1 - Math.round(((y - yMin) / (yMax - yMin)) * (height - 1));
  const end = set.series[0]?.evaluation.points.at(-1)?.qini ?? 0;
  for (let c = 0; c < width; c++) {
    const r = row((c / (width - 1)) * end);
    const line = grid[r];
    if (line) line[c] = "·";
  }
  set.series.forEach((s, i) => {
    const mark = String.fromCharCode(65 + i);
    const pts = s.evaluation.points;
    for (let c = 0; c < width; c++) {
      const f = c / (width - 1);
      const j = Math.min(pts.length - 1, Math.round(f * (pts.length - 1)));
      const r = row(pts[j]?.qini ?? 0);
      const line = grid[r];
      if (line) line[c] = mark;
    }
  });
  const labels = grid.map((line, r) => {
    const y = yMax - (r / (height - 1)) * (yMax - yMin);
    return `${fmt(y).padStart(8)} │${line.join("")}`;
  });
  return [
    ...labels,
    `${" ".repeat(8)} └${"─".repeat(width)}`,
    `${" ".repeat(10)}0 %${" ".repeat(width - 8)}100 %  targeted`,
    ...set.series.map(
      (s, i) =>
        `  ${String.fromCharCode(65 + i)} ${s.name}: Qini ${s.evaluation.qini.toFixed(3)}, AUUC ${s.evaluation.auuc.toFixed(3)}`,
    ),
    "  · random targeting",
  ].join("\n");
}
