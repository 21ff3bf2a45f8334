import { describe, expect, it } from "vitest";
import { australianStateOfPostcode, regionCode, standardizeRegion } from "./regions.js";

describe("regionCode", () => {
  it.each([
    ["US", "CA", "ca"],
    ["US", "California", "ca"],
    ["US", "Calif.", "ca"],
    ["US", "new york", "ny"],
    ["US", "N.Y.", "ny"],
    ["US", "District of Columbia", "dc"],
    ["US", "Washington DC", "dc"],
    ["US", "Washington", "wa"],
    ["US", "Georgia", "ga"],
    ["US", "Puerto Rico", "pr"],
    ["AU", "NSW", "nsw"],
    ["AU", "New South Wales", "nsw"],
    ["AU", "vic", "vic"],
    ["AU", "Victoria", "vic"],
    ["AU", "Queensland", "qld"],
    ["AU", "WA", "wa"],
    ["AU", "Western Australia", "wa"],
    ["AU", "Australian Capital Territory", "act"],
    ["AU", "Tasmania", "tas"],
    ["CA", "Ontario", "on"],
    ["CA", "Québec", "qc"],
    ["CA", "BC", "bc"],
    ["CA", "British Columbia", "bc"],
    ["CA", "Newfoundland and Labrador", "nl"],
    ["CA", "PEI", "pe"],
  ])("%s %j → %s", (country, text, code) => {
    expect(regionCode(country, text)).toBe(code);
  });

  it.each([
    ["US", "NSW"],
    ["AU", "California"],
    ["DE", "Bayern"],
    [null, "CA"],
    ["US", ""],
    ["US", "x".repeat(10_000)],
  ])("%s %j is not known", (country, text) => {
    expect(regionCode(country, text)).toBeNull();
  });
});

describe("standardizeRegion", () => {
  it.each([
    ["AU", "New South Wales", "nsw"],
    ["DE", "Nordrhein-Westfalen", "nordrhein westfalen"],
    ["FR", "Île-de-France", "ile de france"],
    [null, "Some Region", "some region"],
    ["US", "!!!", null],
  ])("%s %j → %j", (country, text, expected) => {
    expect(standardizeRegion(country, text)).toBe(expected);
  });
});

describe("australianStateOfPostcode", () => {
  it.each([
    ["2000", "nsw"],
    ["2119", "nsw"],
    ["2600", "act"],
    ["0200", "act"],
    ["2913", "act"],
    ["3000", "vic"],
    ["3182", "vic"],
    ["4011", "qld"],
    ["5000", "sa"],
    ["6000", "wa"],
    ["7000", "tas"],
    ["0800", "nt"],
    ["0100", null],
    ["123", null],
    ["abcd", null],
  ])("%s → %s", (postcode, state) => {
    expect(australianStateOfPostcode(postcode)).toBe(state);
  });
});
