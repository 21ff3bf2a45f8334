import { describe, expect, it } from "vitest";
import { COUNTRY_COUNT, countryAlpha3, countryCode, countryName, isCountryCode } from "./countries.js";

describe("countryCode", () => {
  it.each([
    ["US", "US"],
    ["us", "US"],
    ["USA", "US"],
    ["U.S.A.", "US"],
    ["U.S.", "US"],
    ["United States", "US"],
    ["United States of America", "US"],
    ["the united states", "US"],
    ["America", "US"],
    ["EE.UU.", "US"],
    ["Estados Unidos", "US"],
    ["UK", "GB"],
    ["U.K.", "GB"],
    ["GB", "GB"],
    ["GBR", "GB"],
    ["United Kingdom", "GB"],
    ["Great Britain", "GB"],
    ["England", "GB"],
    ["Scotland", "GB"],
    ["Wales", "GB"],
    ["Northern Ireland", "GB"],
    ["Deutschland", "DE"],
    ["Germany", "DE"],
    ["DEU", "DE"],
    ["Allemagne", "DE"],
    ["France", "FR"],
    ["FRA", "FR"],
    ["Holland", "NL"],
    ["The Netherlands", "NL"],
    ["Nederland", "NL"],
    ["España", "ES"],
    ["Espana", "ES"],
    ["Italia", "IT"],
    ["Schweiz", "CH"],
    ["Suisse", "CH"],
    ["Österreich", "AT"],
    ["Australia", "AU"],
    ["AUS", "AU"],
    ["New Zealand", "NZ"],
    ["Aotearoa", "NZ"],
    ["Ireland", "IE"],
    ["Éire", "IE"],
    ["India", "IN"],
    ["Brasil", "BR"],
    ["Japan", "JP"],
    ["日本", "JP"],
    ["China", "CN"],
    ["People's Republic of China", "CN"],
    ["中国", "CN"],
    ["South Korea", "KR"],
    ["Korea, Republic of", "KR"],
    ["Republic of Korea", "KR"],
    ["North Korea", "KP"],
    ["Russia", "RU"],
    ["Russian Federation", "RU"],
    ["Россия", "RU"],
    ["Czech Republic", "CZ"],
    ["Czechia", "CZ"],
    ["Ivory Coast", "CI"],
    ["Côte d'Ivoire", "CI"],
    ["Cote d’Ivoire", "CI"],
    ["Burma", "MM"],
    ["Swaziland", "SZ"],
    ["Macedonia", "MK"],
    ["Turkey", "TR"],
    ["Türkiye", "TR"],
    ["UAE", "AE"],
    ["Viet Nam", "VN"],
    ["Vietnam", "VN"],
    ["Bosnia & Herzegovina", "BA"],
    ["Trinidad & Tobago", "TT"],
    ["St Kitts and Nevis", "KN"],
    ["Saint Kitts & Nevis", "KN"],
    ["St. Lucia", "LC"],
    ["DR Congo", "CD"],
    ["Congo", "CG"],
    ["Kosovo", "XK"],
    ["AND", "AD"],
    ["  canada  ", "CA"],
    ["CAN", "CA"],
    ["Hong Kong", "HK"],
    ["Taiwan", "TW"],
    ["Vatican City", "VA"],
  ])("%j → %s", (text, code) => {
    expect(countryCode(text)).toBe(code);
  });

  it.each(["", "   ", "Narnia", "Europe", "XX", "ZZZ", "!!!", "x".repeat(10_000), "😀"])(
    "%j is unknown",
    (text) => {
      expect(countryCode(text)).toBeNull();
    },
  );

  it("maps every alpha-2 and alpha-3 code to its own country", () => {
    expect(COUNTRY_COUNT).toBeGreaterThanOrEqual(249);
    for (const code of ["AD", "AF", "ZW", "US", "GB", "DE", "SJ", "UM", "AQ", "XK"]) {
      expect(countryCode(code)).toBe(code);
      expect(countryCode(countryAlpha3(code)!)).toBe(code);
      expect(countryCode(countryName(code)!)).toBe(code);
    }
  });
});

describe("isCountryCode, countryName, countryAlpha3", () => {
  it.each([
    ["DE", true, "Germany", "DEU"],
    ["gb", true, "United Kingdom", "GBR"],
    ["UK", false, null, null],
    ["XX", false, null, null],
    ["", false, null, null],
  ])("%j", (code, known, name, alpha3) => {
    expect(isCountryCode(code)).toBe(known);
    expect(countryName(code)).toBe(name);
    expect(countryAlpha3(code)).toBe(alpha3);
  });
});
