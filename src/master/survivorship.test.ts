import { describe, expect, it } from "vitest";
import type { StandardEmail, StandardizedRecord } from "../model/standardized.js";
import type { MemberRecord } from "./golden-profile.js";
import { survive } from "./survivorship.js";
import { survivorshipSettings } from "./survivorship-settings.js";

function email(address: string, valid = true): StandardEmail {
  const [local = "", domain = ""] = address.split("@");
  return {
    original: address,
    normalized: address,
    canonical: address,
    local,
    domain,
    valid,
    disposable: false,
    role: false,
    freeProvider: false,
    label: null,
  };
}

function record(
  key: string,
  trust: number,
  observedAt: string,
  data: { given?: string; family?: string; middle?: string; dob?: string; emails?: string[]; city?: string },
): MemberRecord {
  const [year, month, day] = (data.dob ?? "").split("-").map(Number);
  const standardized: StandardizedRecord = {
    name:
      data.given || data.family
        ? {
            title: null,
            given: data.given ?? null,
            middle: data.middle ?? null,
            family: data.family ?? null,
            suffix: null,
            givenCanonical: data.given ?? null,
            givenPhonetic: null,
            familyPhonetic: null,
          }
        : null,
    emails: (data.emails ?? []).map((e) => email(e)),
    phones: [],
    addresses: data.city
      ? [
          {
            label: null,
            streetNumber: null,
            street: null,
            unit: null,
            locality: null,
            city: data.city,
            region: null,
            postcode: null,
            country: "US",
            line: `${data.city} us`,
          },
        ]
      : [],
    dateOfBirth: data.dob
      ? {
          original: data.dob,
          iso: data.dob,
          year: year ?? null,
          month: month ?? null,
          day: day ?? null,
          ambiguous: false,
        }
      : null,
    gender: null,
    identifiers: [],
  };
  return { key, source: key.split("/")[0] as string, version: 1, observedAt, trust, standardized };
}

const crm = record("crm/1", 0.9, "2023-01-01T00:00:00.000Z", {
  given: "ann",
  family: "lee",
  dob: "1980-04-03",
  emails: ["ann@x.com"],
  city: "boston",
});
const shop = record("shop/7", 0.6, "2025-01-01T00:00:00.000Z", {
  given: "anne",
  family: "lee",
  middle: "marie",
  dob: "1980-03-04",
  emails: ["ann@x.com", "anne.lee@y.org"],
  city: "cambridge",
});
const app = record("app/3", 0.5, "2024-06-01T00:00:00.000Z", {
  given: "anne",
  family: "lee",
  dob: "1980-03-04",
  city: "cambridge",
});

describe("survivorship", () => {
  it("by trust: the most trusted source wins, with the record and the reason in its lineage", () => {
    const settings = survivorshipSettings.parse({ name: { rule: "trust" }, dateOfBirth: { rule: "trust" } });
    const golden = survive([shop, app, crm], settings);
    expect(golden.name?.value.full).toBe("ann lee");
    expect(golden.name?.lineage).toMatchObject({
      rule: "trust",
      record: "crm/1",
      source: "crm",
      records: ["crm/1"],
    });
    expect(golden.name?.lineage.reason).toContain("trust 0.90");
    expect(golden.dateOfBirth?.value).toBe("1980-04-03");
  });

  it("by trust with decay: an old record of a trusted source loses to a fresh one of a lesser source", () => {
    // crm is two years older than the newest record: 0.9 halved twice (half-life one year) ≈ 0.225 < 0.6.
    const settings = survivorshipSettings.parse({ name: { rule: "trust", halfLifeDays: 365 } });
    const golden = survive([crm, shop, app], settings);
    expect(golden.name?.lineage).toMatchObject({ rule: "trust", record: "shop/7", source: "shop" });
    expect(golden.name?.value.middle).toBe("marie");
    expect(golden.name?.lineage.reason).toBe(
      "most trusted after decay: shop trust 0.60, 0 days older than the newest record, half-life 365 days → 0.60",
    );
    // Without shop, app (0.5) is the newest; crm, 517 days older, decays to 0.9 × 0.5^(517/365) ≈ 0.34.
    expect(survive([crm, app], settings).name?.lineage.record).toBe("app/3");
    const noDecay = survivorshipSettings.parse({ name: { rule: "trust" } });
    expect(survive([crm, app], noDecay).name?.lineage.record).toBe("crm/1");
  });

  it("by recency: the most recently observed record wins", () => {
    const settings = survivorshipSettings.parse({
      address: { rule: "mostRecent" },
      name: { rule: "mostRecent" },
    });
    const golden = survive([crm, app, shop], settings);
    expect(golden.address?.value.city).toBe("cambridge");
    expect(golden.address?.lineage).toMatchObject({
      rule: "mostRecent",
      record: "shop/7",
      observedAt: "2025-01-01T00:00:00.000Z",
      records: ["shop/7", "app/3"],
      sources: ["app", "shop"],
    });
    expect(golden.name?.lineage.record).toBe("shop/7");
  });

  it("by frequency: the value most records hold wins, and every holder is in the lineage", () => {
    const golden = survive([crm, shop, app]);
    expect(golden.dateOfBirth?.value).toBe("1980-03-04");
    expect(golden.dateOfBirth?.lineage).toMatchObject({ rule: "mostFrequent", sources: ["app", "shop"] });
    expect(golden.dateOfBirth?.lineage.records.sort()).toEqual(["app/3", "shop/7"]);
    expect(golden.dateOfBirth?.lineage.reason).toBe("most frequent: held by 2 of the 3 records with a value");
    // A tie in frequency goes to the more trusted record.
    const tie = survive([crm, app]);
    expect(tie.dateOfBirth?.value).toBe("1980-04-03");
  });

  it("by completeness, by source priority and first non-empty value", () => {
    expect(survive([crm, app, shop]).name?.value.middle).toBe("marie");
    const priority = survivorshipSettings.parse({
      name: { rule: "sourcePriority", sources: ["app", "crm"] },
    });
    expect(survive([crm, app, shop], priority).name?.lineage).toMatchObject({
      record: "app/3",
      rule: "sourcePriority",
    });
    const first = survivorshipSettings.parse({ address: { rule: "nonEmpty" } });
    expect(survive([shop, app, crm], first).address?.value.city).toBe("boston");
  });

  it("unites emails with where and when each was seen, valid and most seen first", () => {
    const golden = survive([shop, crm, app]);
    expect(golden.emails.map((e) => e.value)).toEqual(["ann@x.com", "anne.lee@y.org"]);
    expect(golden.emails[0]?.seen).toEqual([
      { record: "crm/1", source: "crm", observedAt: "2023-01-01T00:00:00.000Z" },
      { record: "shop/7", source: "shop", observedAt: "2025-01-01T00:00:00.000Z" },
    ]);
    expect(golden.emails[0]?.valid).toBe(true);
    expect(golden).toMatchObject({ records: 3, sources: ["app", "crm", "shop"] });
  });

  it("gives the same profile whatever the order of the records", () => {
    expect(survive([app, shop, crm])).toEqual(survive([crm, app, shop]));
  });
});
