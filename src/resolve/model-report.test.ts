import { describe, expect, it } from "vitest";
import type { MatchModel } from "./model.js";
import { comparisonPower, modelReportHtml } from "./model-report.js";

const model: MatchModel = {
  format: "tessera-match-model",
  version: 1,
  prior: 0.001,
  specs: [],
  training: {},
  comparisons: [
    {
      name: "email <work>",
      termFrequency: false,
      levels: [
        { label: "email exact", m: 0.6, u: 0.0001 },
        { label: "else", m: 0.4, u: 0.9999 },
      ],
    },
    {
      name: "gender",
      termFrequency: false,
      levels: [
        { label: "gender exact", m: 0.98, u: 0.5 },
        { label: "else", m: 0.02, u: 0.5 },
      ],
    },
  ],
};

describe("model report", () => {
  it("ranks comparisons by how far their levels separate matches from non-matches", () => {
    const power = comparisonPower(model);
    expect(power.map((p) => p.comparison)).toEqual(["email <work>", "gender"]);
    expect(power[0]?.best.weight).toBeCloseTo(Math.log2(0.6 / 0.0001), 9);
    expect(power[1]?.spread).toBeCloseTo(Math.log2(0.98 / 0.5) - Math.log2(0.02 / 0.5), 9);
  });

  it("draws a bar per level, for and against, and escapes names", () => {
    const html = modelReportHtml(model);
    expect(html.match(/<rect /g)).toHaveLength(4);
    expect(html.match(/class="for"/g)).toHaveLength(2);
    expect(html.match(/class="against"/g)).toHaveLength(2);
    expect(html).toContain("email &lt;work&gt;");
    expect(html).not.toContain("email <work>");
    expect(html).toContain("1 in 1,000");
  });
});
