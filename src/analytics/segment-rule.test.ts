import { describe, expect, it } from "vitest";
import { Bitset } from "./bitset.js";
import { compare } from "./compare.js";
import { evaluateRule } from "./evaluate-rule.js";
import { leafKey, parseRule, ruleIssues } from "./segment-rule.js";

describe("segment rules", () => {
  it("accepts every kind and lists every problem with its path", () => {
    expect(() =>
      parseRule({
        any: [
          { trait: "city", op: "in", value: ["Lyon", "Paris"] },
          { computed: "rfm.score", op: "eq", value: "555" },
          {
            event: "Order Completed",
            did: false,
            atLeast: 2,
            withinDays: 30,
            where: [{ property: "revenue", op: "gt", value: 10 }],
          },
          { score: "clv", op: "gte", value: 100 },
          { household: { size: { op: "gte", value: 3 } } },
          { quality: "excluded" },
          { not: { quality: "fakeRisk", op: "gte", value: 0.5 } },
          { consent: { purpose: "marketing", channel: "email", state: "granted" } },
          { segment: "S-1" },
        ],
      }),
    ).not.toThrow();
    const issues = ruleIssues({
      all: [
        { trait: "city", op: "in", value: "Lyon" },
        { event: "X", did: true, withinDays: 0 },
        { trait: "city", op: "eq", value: 1, event: "Y" },
        { not: {} },
        { any: [] },
      ],
    });
    expect(issues.map((i) => i.path)).toEqual([
      "all[0].value",
      "all[1].withinDays",
      "all[2]",
      "all[3].not",
      "all[4].any",
    ]);
  });

  it("compares without case, numbers as numbers, lists by any element", () => {
    expect(compare("Lyon", "eq", "lyon")).toBe(true);
    expect(compare("10", "gt", 9)).toBe(true);
    expect(compare("1990-05-01", "lt", "2000-01-01")).toBe(true);
    expect(compare(["a@x.org", "b@y.org"], "contains", "@y.")).toBe(true);
    expect(compare(undefined, "neq", "x")).toBe(true);
    expect(compare(undefined, "eq", "x")).toBe(false);
    expect(compare("", "missing")).toBe(true);
  });

  it("evaluates and / or / not within the universe", () => {
    const universe = Bitset.of(10, [1, 2, 3, 4, 5, 6]);
    const a = { trait: "city", op: "eq" as const, value: "A" };
    const b = { score: "clv", op: "gt" as const, value: 1 };
    const sets = new Map([
      [leafKey(a), Bitset.of(10, [1, 2, 3, 9])],
      [leafKey(b), Bitset.of(10, [3, 4])],
    ]);
    expect([...evaluateRule({ all: [a, b] }, universe, sets)]).toEqual([3]);
    expect([...evaluateRule({ any: [a, b] }, universe, sets)]).toEqual([1, 2, 3, 4]);
    expect([...evaluateRule({ not: a }, universe, sets)]).toEqual([4, 5, 6]);
    expect([...evaluateRule({ all: [{ not: a }, { not: b }] }, universe, sets)]).toEqual([5, 6]);
    expect(Bitset.of(100, [0, 31, 32, 99]).count()).toBe(4);
  });
});
