import { describe, expect, it } from "vitest";
import { findPostcode, normalizePostcode } from "./postcodes.js";

describe("normalizePostcode", () => {
  it.each([
    ["US", "94105", "94105"],
    ["US", "94105-1234", "94105"],
    ["US", "941051234", "94105"],
    ["CA", "K1A 0B1", "k1a 0b1"],
    ["CA", "k1a0b1", "k1a 0b1"],
    ["GB", "SW1A 1AA", "sw1a 1aa"],
    ["GB", "sw1a1aa", "sw1a 1aa"],
    ["GB", "M1 1AE", "m1 1ae"],
    ["GB", "B33 8TH", "b33 8th"],
    ["GB", "EC1A 1BB", "ec1a 1bb"],
    ["GB", "GIR 0AA", "gir 0aa"],
    ["IE", "D02 X285", "d02 x285"],
    ["IE", "a65f4e2", "a65 f4e2"],
    ["AU", "2000", "2000"],
    ["AU", "0800", "0800"],
    ["NZ", "1010", "1010"],
    ["DE", "10115", "10115"],
    ["FR", "75008", "75008"],
    ["IT", "00184", "00184"],
    ["ES", "28013", "28013"],
    ["NL", "1017 GC", "1017 gc"],
    ["NL", "1017gc", "1017 gc"],
    ["IN", "110 001", "110001"],
    ["IN", "110001", "110001"],
    ["BR", "01310-200", "01310-200"],
    ["BR", "01310200", "01310-200"],
    ["JP", "100-0001", "100-0001"],
    ["JP", "1000001", "100-0001"],
    ["SE", "114 55", "114 55"],
    ["SE", "11455", "114 55"],
    ["PL", "00-950", "00-950"],
    ["PT", "1000-001", "1000-001"],
    ["CH", "8001", "8001"],
    ["AT", "1010", "1010"],
    ["LV", "LV-1050", "lv-1050"],
    ["LV", "1050", "lv-1050"],
    ["CN", "100000", "100000"],
  ])("%s %j → %j", (country, text, postcode) => {
    expect(normalizePostcode(country, text)).toEqual({ postcode, valid: true });
  });

  it.each([
    ["US", "9410"],
    ["US", "ABCDE"],
    ["CA", "D1A 0B1"],
    ["GB", "QQ1 1AA"],
    ["AU", "20000"],
    ["NL", "0123 AB"],
    ["NL", "1234 SS"],
    ["DE", "1011"],
  ])("%s %j is not valid", (country, text) => {
    expect(normalizePostcode(country, text).valid).toBe(false);
  });

  it("accepts anything plausible for a country without a known format", () => {
    expect(normalizePostcode("KY", "KY1-1102")).toEqual({ postcode: "ky1-1102", valid: true });
    expect(normalizePostcode(null, " ab12 ")).toEqual({ postcode: "ab12", valid: true });
    expect(normalizePostcode(null, "!!!").valid).toBe(false);
  });
});

describe("findPostcode", () => {
  it.each([
    ["AU", "12 smith st sydney nsw 2000", "2000"],
    ["AU", "1234 long road", null],
    ["DE", "hauptstr. 5 10115 berlin", "10115"],
    ["GB", "10 downing street london sw1a 2aa", "sw1a 2aa"],
    ["US", "1 main st springfield il 62704-1234", "62704"],
    ["CA", "5 main st toronto on m5v 2t6", "m5v 2t6"],
    [null, "10 downing street london sw1a 2aa", "sw1a 2aa"],
    [null, "12 rue de la paix 75002 paris", "75002"],
    [null, "no postcode here", null],
  ])("%s %j → %j", (country, text, postcode) => {
    expect(findPostcode(country, text, 1)?.postcode ?? null).toBe(postcode);
  });
});
