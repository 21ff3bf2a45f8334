import { describe, expect, it } from "vitest";
import {
  foldEvent,
  parseTraitDefinition,
  type TraitEvent,
  type TraitState,
  traitValue,
} from "./computed-traits.js";

const day = 86_400_000;
const now = Date.parse("2026-11-24T12:00:00Z");
const ev = (daysAgo: number, name: string, properties: Record<string, unknown> = {}): TraitEvent => ({
  name,
  type: "track",
  at: now - daysAgo * day,
  body: { properties },
});

function fold(def: unknown, events: TraitEvent[], at = now) {
  const d = parseTraitDefinition(def);
  let s: TraitState | null = null;
  for (const e of events) s = foldEvent(d, s, e, at);
  return traitValue(d, s, at);
}

describe("computed traits", () => {
  const orders = [
    ev(1, "Order Completed", { revenue: 20, category: "books" }),
    ev(3, "Order Completed", { revenue: "30.5", category: "music" }),
    ev(10, "Order Completed", { revenue: 100, category: "books" }),
    ev(40, "Order Completed", { revenue: 7, category: "toys" }),
    ev(2, "Page Viewed", { revenue: 999 }),
  ];

  it("counts and aggregates a property over a window of days", () => {
    const base = { event: "Order Completed", property: "revenue" };
    expect(fold({ name: "n", kind: "count", event: "Order Completed" }, orders)).toBe(4);
    expect(fold({ name: "n7", kind: "count", event: "Order Completed", withinDays: 7 }, orders)).toBe(2);
    expect(fold({ name: "s", kind: "sum", ...base, withinDays: 30 }, orders)).toBeCloseTo(150.5);
    expect(fold({ name: "a", kind: "average", ...base }, orders)).toBeCloseTo(157.5 / 4);
    expect(fold({ name: "lo", kind: "min", ...base }, orders)).toBe(7);
    expect(fold({ name: "hi", kind: "max", ...base, withinDays: 5 }, orders)).toBe(30.5);
    // Time passes: the same state read 25 days later has dropped the days out of the window.
    const d = parseTraitDefinition({ name: "s", kind: "sum", ...base, withinDays: 30 });
    let s: TraitState | null = null;
    for (const e of orders) s = foldEvent(d, s, e, now);
    // 25 days on, the orders of 1 and 3 days ago are 26 and 28 days old (in), that of 10 days ago 35 (out).
    expect(traitValue(d, s, now + 25 * day)).toBeCloseTo(50.5);
  });

  it("keeps first and last values, the most frequent, and unique values", () => {
    const base = { event: "Order Completed", property: "category" };
    expect(fold({ name: "f", kind: "first", ...base }, orders)).toBe("toys");
    expect(fold({ name: "l", kind: "last", ...base }, orders)).toBe("books");
    expect(fold({ name: "m", kind: "mostFrequent", ...base }, orders)).toBe("books");
    expect(fold({ name: "u", kind: "unique", ...base }, orders)).toEqual(["books", "music", "toys"]);
    expect(fold({ name: "uc", kind: "uniqueCount", ...base, withinDays: 5 }, orders)).toBe(2);
    expect(fold({ name: "none", kind: "count", event: "Nothing" }, orders)).toBe(0);
  });

  it("filters events by their properties", () => {
    expect(
      fold(
        {
          name: "big_books",
          kind: "count",
          event: "Order Completed",
          where: [
            { property: "category", op: "eq", value: "Books" },
            { property: "revenue", op: "gte", value: 50 },
          ],
        },
        orders,
      ),
    ).toBe(1);
  });

  it("gives the same value in any order of arrival (batch and live agree)", () => {
    const def = { name: "s", kind: "sum", event: "Order Completed", property: "revenue", withinDays: 30 };
    expect(fold(def, [...orders].reverse())).toBeCloseTo(fold(def, orders) as number);
    const last = { name: "l", kind: "last", event: "Order Completed", property: "category" };
    expect(fold(last, [...orders].reverse())).toBe(fold(last, orders));
  });

  it("names every field at fault", () => {
    expect(() => parseTraitDefinition({ name: "Bad Name", kind: "sum", withinDays: -1 })).toThrow(
      /name: must be lower case.*withinDays.*property: a sum trait needs a property/,
    );
    expect(() => parseTraitDefinition({ name: "x", kind: "median", property: "p" })).toThrow(/kind/);
    expect(() => parseTraitDefinition({ name: "x", kind: "count", colour: "red" })).toThrow(/colour/);
  });
});
