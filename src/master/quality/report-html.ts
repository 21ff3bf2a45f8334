import { completenessFields, validityFields } from "./checks.js";
import type { QualitySummary, SourceFigures } from "./summary.js";

/**
 * The quality report as a page a person reads: per source and overall, completeness, validity, duplicates
 * found, likely fakes and generic values, drawn as inline SVG charts with the figures beside them. Every number
 * shown carries `data-figure` (its path in the summary JSON) and `data-value` (the number itself), so the page
 * can be checked against the JSON it was drawn from. Self-contained: no script runs, nothing is fetched.
 */

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const int = (x: number) => x.toLocaleString("en-US");

/** A count ("1,234"), a share ("12.5%") or a score as it is ("0.5"). */
type Kind = "count" | "share" | "score";

/** A number as shown, tagged with where it is in the JSON and whether it is a count or a share. */
function fig(
  path: string,
  value: number,
  kind: Kind,
  shown: string = kind === "count" ? int(value) : kind === "share" ? pct(value) : String(value),
): string {
  return `<span class="fig" data-figure="${escapeHtml(path)}" data-kind="${kind}" data-value="${value}">${shown}</span>`;
}

/** Heat colour for a share: red (0) through amber to green (1). */
function heat(share: number): string {
  const hue = Math.round(120 * Math.max(0, Math.min(1, share)));
  return `hsl(${hue} 65% 82%)`;
}

/** A table of shares, rows by source, with each cell coloured by its value. */
function heatTable(
  rows: [string, string][],
  columns: readonly string[],
  value: (row: string, column: string) => { path: string; value: number },
): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows
    .map(([key, label]) => {
      const cells = columns
        .map((c) => {
          const v = value(key, c);
          return `<td style="background:${heat(v.value)}">${fig(v.path, v.value, "share")}</td>`;
        })
        .join("");
      return `<tr><th scope="row">${escapeHtml(label)}</th>${cells}</tr>`;
    })
    .join("\n");
  return `<table class="heat"><thead><tr><th></th>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

interface Bar {
  label: string;
  /** The figure: the number at `path` in the JSON. */
  value: number;
  kind: Kind;
  path: string;
  shown?: string;
  /** The bar's length as a share of the chart, when it is not value / max. */
  length?: number;
}

/** Horizontal bars, one per item, the figure at the end of each. */
function barChart(title: string, bars: Bar[], options: { max?: number; colour?: string } = {}): string {
  const max = options.max ?? Math.max(1, ...bars.map((b) => b.value));
  const rowHeight = 24;
  const labelWidth = 200;
  const width = 460;
  const height = bars.length * rowHeight + 10;
  const rows = bars
    .map((b, k) => {
      const y = k * rowHeight + 4;
      const length = (b.length ?? b.value / max) * width;
      const shown = b.shown ?? (b.kind === "count" ? int(b.value) : pct(b.value));
      return `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(b.label)}</text>
<rect x="${labelWidth}" y="${y + 3}" width="${Math.max(1, length).toFixed(1)}" height="${rowHeight - 8}" fill="${options.colour ?? "#4a7fb5"}"><title>${escapeHtml(b.label)}: ${shown}</title></rect>
<text x="${(labelWidth + length + 6).toFixed(1)}" y="${y + 15}" class="value" data-figure="${escapeHtml(b.path)}" data-kind="${b.kind}" data-value="${b.value}">${shown}</text>`;
    })
    .join("\n");
  return `<figure><figcaption>${escapeHtml(title)}</figcaption>
<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + width + 90}" height="${height}" role="img" aria-label="${escapeHtml(title)}">
${rows}
</svg></figure>`;
}

/** Vertical bars for a histogram. */
function histogram(title: string, counts: number[], labels: string[], path: string): string {
  const max = Math.max(1, ...counts);
  const w = 44;
  const h = 160;
  const bars = counts
    .map((c, k) => {
      const height = (c / max) * h;
      const x = 40 + k * (w + 6);
      return `<rect x="${x}" y="${(20 + h - height).toFixed(1)}" width="${w}" height="${Math.max(1, height).toFixed(1)}" class="${k >= 5 ? "risk" : "ok"}"><title>${escapeHtml(labels[k] ?? "")}: ${int(c)}</title></rect>
<text x="${x + w / 2}" y="${(14 + h - height).toFixed(1)}" text-anchor="middle" class="value" data-figure="${path}.${k}" data-kind="count" data-value="${c}">${int(c)}</text>
<text x="${x + w / 2}" y="${h + 36}" text-anchor="middle" class="tick">${escapeHtml(labels[k] ?? "")}</text>`;
    })
    .join("\n");
  return `<figure><figcaption>${escapeHtml(title)}</figcaption>
<svg xmlns="http://www.w3.org/2000/svg" width="${40 + counts.length * (w + 6) + 20}" height="${h + 50}" role="img" aria-label="${escapeHtml(title)}">
${bars}
</svg></figure>`;
}

function sourceRows(s: QualitySummary): [string, string, SourceFigures, string][] {
  return [
    ...Object.entries(s.sources).map(
      ([name, f]) => [name, name, f, `sources.${name}`] as [string, string, SourceFigures, string],
    ),
    ["overall", "all sources", s.overall, "overall"],
  ];
}

export function qualityReportHtml(s: QualitySummary, title = "Tessera data quality"): string {
  const rows = sourceRows(s);
  const byKey = new Map(rows.map((r) => [r[0], r]));
  const pathOf = (key: string) => byKey.get(key)?.[3] as string;
  const figuresOf = (key: string) => byKey.get(key)?.[2] as SourceFigures;
  const completeness = heatTable(
    rows.map((r) => [r[0], r[1]]),
    completenessFields,
    (row, column) => ({
      path: `${pathOf(row)}.completeness.${column}`,
      value: figuresOf(row).completeness[column as (typeof completenessFields)[number]],
    }),
  );
  const validity = heatTable(
    rows.map((r) => [r[0], r[1]]),
    validityFields,
    (row, column) => ({
      path: `${pathOf(row)}.validity.${column}.share`,
      value: figuresOf(row).validity[column as (typeof validityFields)[number]].share,
    }),
  );
  const perSource = rows
    .map(
      ([, label, f, path]) =>
        `<tr><th scope="row">${escapeHtml(label)}</th><td>${fig(`${path}.records`, f.records, "count")}</td><td>${fig(`${path}.meanCompleteness`, f.meanCompleteness, "share")}</td><td>${fig(`${path}.duplicates`, f.duplicates, "count")}</td><td>${fig(`${path}.duplicatesWithinSource`, f.duplicatesWithinSource, "count")}</td><td>${fig(`${path}.fakes`, f.fakes, "count")}</td><td>${fig(`${path}.genericValues`, f.genericValues, "count")}</td></tr>`,
    )
    .join("\n");
  // The bar's length is the share of the source's records; its figure is the count.
  const duplicatesChart = barChart(
    "Records linked to another record of the same person (share of the source's records)",
    rows.map(([, label, f, path]) => ({
      label,
      value: f.duplicates,
      kind: "count" as const,
      path: `${path}.duplicates`,
      shown: `${int(f.duplicates)} of ${int(f.records)}`,
      length: f.records === 0 ? 0 : f.duplicates / f.records,
    })),
  );
  const types = [...new Set(rows.flatMap(([, , f]) => Object.keys(f.phoneTypes)))].sort();
  const phoneTypes =
    types.length === 0
      ? "<p>No phone numbers.</p>"
      : `<table><thead><tr><th>source</th>${types.map((t) => `<th>${escapeHtml(t.replaceAll("_", " "))}</th>`).join("")}</tr></thead><tbody>${rows
          .map(
            ([, label, f, path]) =>
              `<tr><th scope="row">${escapeHtml(label)}</th>${types
                .map(
                  (t) =>
                    `<td>${t in f.phoneTypes ? fig(`${path}.phoneTypes.${t}`, f.phoneTypes[t] as number, "count") : "—"}</td>`,
                )
                .join("")}</tr>`,
          )
          .join("\n")}</tbody></table>`;
  const fakeBars = rows.map(([, label, f, path]) => ({
    label,
    value: f.fakes,
    kind: "count" as const,
    path: `${path}.fakes`,
  }));
  const genericBars = Object.entries(s.generic.byFeature).map(([feature, n]) => ({
    label: feature,
    value: n,
    kind: "count" as const,
    path: `generic.byFeature.${feature}`,
  }));
  const reasonBars = Object.entries(s.fakes.byReason)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => ({
      label: reason,
      value: n,
      kind: "count" as const,
      path: `fakes.byReason.${reason}`,
    }));
  const profileBars = completenessFields.map((f) => ({
    label: f,
    value: s.profiles.completeness[f],
    kind: "share" as const,
    path: `profiles.completeness.${f}`,
  }));
  const freshBars = Object.entries(s.profiles.freshness).map(([bucket, n]) => ({
    label: bucket === "unknown" ? "unknown" : `${bucket} days`,
    value: n,
    kind: "count" as const,
    path: `profiles.freshness.${bucket}`,
  }));
  const conflictBars = Object.entries(s.profiles.conflictsByField).map(([field, n]) => ({
    label: field,
    value: n,
    kind: "count" as const,
    path: `profiles.conflictsByField.${field}`,
  }));
  const topGeneric = s.generic.top
    .map(
      (g, k) =>
        `<tr><td>${escapeHtml(g.feature)}</td><td><code>${escapeHtml(g.value)}</code></td><td>${fig(`generic.top.${k}.entities`, g.entities, "count")}</td></tr>`,
    )
    .join("\n");
  const histogramLabels = s.fakes.scoreHistogram.map(
    (_, k) => `${(k / 10).toFixed(1)}–${((k + 1) / 10).toFixed(1)}`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 2rem; color: #222; max-width: 1100px; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 1rem 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; min-width: 130px; }
.card .fig { display: block; font-size: 22px; font-weight: 600; }
table { border-collapse: collapse; margin: 0.8rem 0 1.2rem; } td, th { padding: 4px 10px; border-bottom: 1px solid #e4e4e4; text-align: right; }
th[scope=row], thead th:first-child { text-align: left; }
table.heat td { min-width: 64px; text-align: center; }
figure { margin: 1rem 0; } figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font: 12px system-ui, sans-serif; fill: #333; } svg .value { fill: #555; } svg .tick { fill: #777; font-size: 11px; }
svg .ok { fill: #6b9bd1; } svg .risk { fill: #c0392b; }
.note { color: #666; }
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p class="note">Quality run of ${escapeHtml(s.at)}. The same figures are in the JSON written beside this page.</p>
<div class="cards">
<div class="card">records ${fig("records", s.records, "count")}</div>
<div class="card">golden profiles ${fig("entities", s.entities, "count")}</div>
<div class="card">mean completeness ${fig("overall.meanCompleteness", s.overall.meanCompleteness, "share")}</div>
<div class="card">records with a duplicate ${fig("overall.duplicates", s.overall.duplicates, "count")}</div>
<div class="card">likely fakes ${fig("fakes.likely", s.fakes.likely, "count")}</div>
<div class="card">excluded from audiences ${fig("fakes.excluded", s.fakes.excluded, "count")}</div>
<div class="card">generic values ${fig("generic.values", s.generic.values, "count")}</div>
</div>

<h2>Per source</h2>
<table><thead><tr><th>source</th><th>records</th><th>mean completeness</th><th>duplicates found</th><th>duplicates within the source</th><th>records of likely fakes</th><th>records with a generic value</th></tr></thead>
<tbody>${perSource}</tbody></table>

<h2>Completeness</h2>
<p class="note">Share of records that have each contact and demographic field.</p>
${completeness}

<h2>Validity</h2>
<p class="note">Share of the values present that are valid: email syntax and not disposable or a role account; phone numbers valid for their country; addresses parsed; plausible birth dates.</p>
${validity}

<h2>Phone numbers by type</h2>
${phoneTypes}

<h2>Duplicates found</h2>
${duplicatesChart}

<h2>Likely fakes</h2>
<p class="note">Profiles whose fake-profile risk is at least ${fig("fakes.threshold", s.fakes.threshold, "score")}; from ${fig("fakes.excludeAt", s.fakes.excludeAt, "score")} a profile is kept out of audiences and insights.</p>
${barChart("Records of likely fakes, per source", fakeBars, { colour: "#c0392b" })}
${histogram("Golden profiles by fake-profile risk", s.fakes.scoreHistogram, histogramLabels, "fakes.scoreHistogram")}
${reasonBars.length > 0 ? barChart("Reasons given for likely fakes", reasonBars, { colour: "#c0392b" }) : "<p>No likely fakes.</p>"}

<h2>Generic values</h2>
<p class="note">Values held by more profiles than their feature allows: they identify nobody and are left out of matching and householding.</p>
${genericBars.length > 0 ? barChart("Generic values per feature", genericBars, { colour: "#8e6bbf" }) : "<p>No generic values.</p>"}
${topGeneric ? `<table><thead><tr><th>feature</th><th>value</th><th>profiles</th></tr></thead><tbody>${topGeneric}</tbody></table>` : ""}

<h2>Golden profiles</h2>
${barChart("Share of golden profiles with each field", profileBars, { max: 1, colour: "#2e8b57" })}
<p>Profiles whose records disagree on a field: ${fig("profiles.withConflicts", s.profiles.withConflicts, "count")}; likely typos flagged: ${fig("profiles.likelyTypos", s.profiles.likelyTypos, "count")}; stale profiles: ${fig("profiles.stale", s.profiles.stale, "count")}.</p>
${conflictBars.length > 0 ? barChart("Profiles with conflicting values, by field", conflictBars, { colour: "#d68910" }) : ""}
${barChart("Golden profiles by days since last seen", freshBars, { colour: "#5d6d7e" })}
</body></html>
`;
}
