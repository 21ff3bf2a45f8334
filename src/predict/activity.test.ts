import { describe, expect, it } from "vitest";
import {
  activityFeatures,
  activityLabel,
  type CustomerActivity,
  eventVocabulary,
  parseTarget,
  snapshots,
} from "./activity.js";
import { frameFromRows } from "./frame.js";
import { trainPropensity } from "./propensity.js";
import { Random } from "./random.js";
import { dayMs } from "./rfm.js";

const day = (d: number) => Date.UTC(2025, 0, 1) + d * dayMs;

const ann: CustomerActivity = {
  id: "T-1",
  transactions: [
    { at: day(0), amount: 20 },
    { at: day(50), amount: 40 },
    { at: day(100), amount: 60 },
  ],
  events: [
    { at: day(-10), name: "crm" },
    { at: day(95), name: "app_events:Product Viewed" },
    { at: day(99), name: "app_events:Checkout Started" },
    { at: day(120), name: "support" },
  ],
  traits: { country: "GB", birth_year: 1990 },
};

describe("activity features", () => {
  it("use only what happened before the moment asked about", () => {
    const row = activityFeatures(ann, day(60), { eventNames: ["support", "app_events:Product Viewed"] });
    expect(row).toMatchObject({
      country: "GB",
      age: 35,
      orders: 2,
      revenue: 60,
      mean_order: 30,
      days_since_last_order: 10,
      days_since_first_order: 60,
      orders_30d: 1,
      orders_90d: 2,
      events: 1,
      tenure_days: 70,
      "n:support": 0,
      "n:app_events:Product Viewed": 0,
    });
    const later = activityFeatures(ann, day(130), { eventNames: ["support"] });
    expect(later?.orders_30d).toBe(1);
    expect(later?.revenue_30d).toBe(60);
    expect(later?.["n:support"]).toBe(1);
    expect(activityFeatures(ann, day(-20))).toBeNull();
  });

  it("take traits as records said them before the moment, the latest first", () => {
    const c: CustomerActivity = {
      ...ann,
      traits: { country: null, has_email: 0 },
      observedTraits: [
        { at: day(-10), traits: { country: "US", has_email: null } },
        { at: day(50), traits: { country: "GB", has_email: 1 } },
      ],
    };
    expect(activityFeatures(c, day(10))).toMatchObject({ country: "US", has_email: 0 });
    expect(activityFeatures(c, day(60))).toMatchObject({ country: "GB", has_email: 1 });
  });

  it("label buying, churning and responding over a window", () => {
    expect(activityLabel(ann, day(40), day(70), { kind: "buy" })).toBe(1);
    expect(activityLabel(ann, day(101), day(200), { kind: "buy" })).toBe(0);
    expect(activityLabel(ann, day(101), day(200), { kind: "churn" })).toBe(1);
    // Not yet a buyer: not in the churn population.
    expect(activityLabel(ann, day(-5), day(10), { kind: "churn" })).toBeNull();
    expect(activityLabel(ann, day(90), day(100), parseTarget("event:app_events:Checkout Started"))).toBe(1);
    expect(() => parseTarget("purchase")).toThrow(/buy, churn, or event:/);
  });
});

describe("snapshots", () => {
  /** Customers whose buying rate differs; past buying predicts future buying. */
  function customers(n: number): CustomerActivity[] {
    const rng = new Random(5);
    return Array.from({ length: n }, (_, i) => {
      const rate = rng.gamma(0.5, 40); // purchases per day
      const transactions = [];
      for (let t = rng.exponential(rate); t < 720; t += rng.exponential(rate))
        transactions.push({ at: day(t), amount: 10 + rng.int(50) });
      return {
        id: `C-${i}`,
        transactions,
        events: [{ at: day(-1), name: "crm" }],
        traits: { country: rng.next() < 0.5 ? "US" : "GB" },
      };
    });
  }

  it("stack moments into training rows whose time-aware test is the latest moment", () => {
    const list = customers(1500);
    expect(eventVocabulary(list)).toEqual(["crm"]);
    const moments = [day(540), day(630)];
    const data = snapshots(list, moments, 90, { kind: "buy" });
    expect(new Set(data.times)).toEqual(new Set(moments));
    const result = trainPropensity(frameFromRows(data.rows), data.labels, {
      split: { kind: "cutoff", times: data.times, cutoff: day(630) },
      gbdt: { numLeaves: 4 },
    });
    expect(result.testRows).toBe(data.times.filter((t) => t === day(630)).length);
    for (const r of result.reports) expect(r.test.auc, r.kind).toBeGreaterThan(0.75);
  });
});
