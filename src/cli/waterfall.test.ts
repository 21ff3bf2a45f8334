import { describe, expect, it } from "vitest";
import { waterfall } from "./waterfall.js";

describe("waterfall", () => {
  it("draws one line per step, evidence for as + and against as −, and the result", () => {
    const text = waterfall({
      prior: 0.001,
      priorWeight: -9.97,
      weight: 4.03,
      probability: 0.9424,
      veto: null,
      comparisons: [
        {
          comparison: "given name",
          level: "given exact",
          weight: 6,
          m: 0.9,
          u: 0.014,
          termFrequency: null,
          vetoed: false,
        },
        {
          comparison: "date of birth",
          level: "else",
          weight: -3,
          m: 0.1,
          u: 0.8,
          termFrequency: null,
          vetoed: false,
        },
        {
          comparison: "email",
          level: "missing",
          weight: 0,
          m: null,
          u: null,
          termFrequency: null,
          vetoed: false,
        },
        {
          comparison: "phone",
          level: "phone exact",
          weight: 11,
          m: 0.9,
          u: 0.0004,
          termFrequency: null,
          vetoed: false,
        },
      ],
    });
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^prior\s+1 in 1,000\s+-9\.97\s+\|\s*−+\s*\|$/);
    expect(lines[1]).toMatch(/^given name\s+given exact\s+\+6\.00\s+\|\s*\++\s*\|$/);
    expect(lines[2]).toContain("−");
    expect(lines[3]).not.toMatch(/[+−]\s*\|$/);
    expect(text).toContain("match weight 4.03 → probability 0.942400");
  });

  it("says when a level rules the pair out, whatever the weights", () => {
    const text = waterfall({
      prior: 0.001,
      priorWeight: -9.97,
      weight: Number.NEGATIVE_INFINITY,
      probability: 0,
      veto: "given name: else",
      comparisons: [
        {
          comparison: "given name",
          level: "else",
          weight: -4,
          m: 0.03,
          u: 0.98,
          termFrequency: null,
          vetoed: true,
        },
        {
          comparison: "phone",
          level: "phone exact",
          weight: 11,
          m: 0.9,
          u: 0.0004,
          termFrequency: null,
          vetoed: false,
        },
      ],
    });
    expect(text).toContain("else (never)");
    expect(text).toContain("never the same person (given name: else) → probability 0");
    expect(text).not.toContain("Infinity");
  });
});
