import { log2, type MatchModel } from "./model.js";

/**
 * The model as a page a person reads: for every comparison, the match weight log2(m/u) of each level as a
 * horizontal bar (green for evidence of a match, red against), and the comparisons ranked by how much they
 * can tell apart — the spread between their best and worst level — which says what identifies a customer
 * best in this data. Self-contained HTML with inline SVG: no script, no network.
 */

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

export interface ComparisonPower {
  comparison: string;
  /** Weight of the best level minus that of the worst: how strongly this comparison separates. */
  spread: number;
  best: { level: string; weight: number };
  worst: { level: string; weight: number };
}

export function comparisonPower(model: MatchModel): ComparisonPower[] {
  return model.comparisons
    .map((c) => {
      const levels = c.levels.map((l) => ({ level: l.label, weight: log2(l.m) - log2(l.u) }));
      const best = levels.reduce((a, b) => (b.weight > a.weight ? b : a));
      const worst = levels.reduce((a, b) => (b.weight < a.weight ? b : a));
      return { comparison: c.name, spread: best.weight - worst.weight, best, worst };
    })
    .sort((a, b) => b.spread - a.spread);
}

export function modelReportHtml(model: MatchModel, title = "Tessera match model"): string {
  const rows = model.comparisons.flatMap((c) =>
    c.levels.map((l) => ({
      comparison: c.name,
      level: l.label,
      m: l.m,
      u: l.u,
      weight: log2(l.m) - log2(l.u),
    })),
  );
  const max = Math.max(1, ...rows.map((r) => Math.abs(r.weight)));
  const rowHeight = 22;
  const labelWidth = 360;
  const half = 260;
  const width = labelWidth + 2 * half + 80;
  let y = 30;
  const parts: string[] = [];
  let previous = "";
  for (const r of rows) {
    if (r.comparison !== previous) {
      y += 8;
      parts.push(`<text x="4" y="${y + 14}" class="comparison">${escapeHtml(r.comparison)}</text>`);
      y += rowHeight;
      previous = r.comparison;
    }
    const length = (Math.abs(r.weight) / max) * half;
    const x = r.weight >= 0 ? labelWidth + half : labelWidth + half - length;
    parts.push(
      `<text x="20" y="${y + 15}">${escapeHtml(r.level)}</text>`,
      `<rect x="${x.toFixed(1)}" y="${y + 3}" width="${Math.max(1, length).toFixed(1)}" height="${rowHeight - 6}" class="${r.weight >= 0 ? "for" : "against"}"><title>m = ${r.m.toPrecision(3)}, u = ${r.u.toPrecision(3)}</title></rect>`,
      `<text x="${r.weight >= 0 ? x + length + 4 : x - 4}" y="${y + 15}" text-anchor="${r.weight >= 0 ? "start" : "end"}" class="value">${r.weight >= 0 ? "+" : ""}${r.weight.toFixed(2)}</text>`,
    );
    y += rowHeight;
  }
  const axis = labelWidth + half;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 20}" role="img" aria-label="match weight of each comparison level">
<text x="${axis}" y="16" text-anchor="middle" class="axis">← against a match · match weight log2(m/u) · for a match →</text>
<line x1="${axis}" y1="24" x2="${axis}" y2="${y + 10}" class="zero"/>
${parts.join("\n")}
</svg>`;
  const power = comparisonPower(model)
    .map(
      (p) =>
        `<tr><td>${escapeHtml(p.comparison)}</td><td>${p.spread.toFixed(1)}</td><td>${escapeHtml(p.best.level)} (${p.best.weight >= 0 ? "+" : ""}${p.best.weight.toFixed(1)})</td><td>${escapeHtml(p.worst.level)} (${p.worst.weight.toFixed(1)})</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 2rem; color: #222; }
svg text { font: 13px system-ui, sans-serif; fill: #333; }
svg .comparison { font-weight: 600; }
svg .value, svg .axis { fill: #666; font-size: 12px; }
svg .for { fill: #2e8b57; } svg .against { fill: #c0392b; } svg .zero { stroke: #999; }
table { border-collapse: collapse; margin: 1rem 0 2rem; } td, th { padding: 4px 10px; border-bottom: 1px solid #ddd; text-align: left; }
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>Prior: two records drawn at random are the same person with probability ${model.prior.toPrecision(3)}
(1 in ${Math.round(1 / model.prior).toLocaleString("en-US")}). Each bar is what one comparison level adds to a pair's match weight.</p>
<h2>What identifies a customer best in this data</h2>
<table><thead><tr><th>comparison</th><th>spread (bits)</th><th>strongest level</th><th>weakest level</th></tr></thead><tbody>
${power}
</tbody></table>
<h2>Match weight of every level</h2>
${svg}
</body></html>
`;
}
