import { describe, expect, it } from "vitest";
import { emptyWork, inferCountry, parseFreeText, trailingCountry, type Work } from "./address-text.js";

describe("trailingCountry", () => {
  it.each<[string[], string | null, string | null, string[]]>([
    [["12 smith st", "sydney nsw 2000", "australia"], null, "AU", ["12 smith st", "sydney nsw 2000"]],
    [["10 downing st", "london", "uk"], null, "GB", ["10 downing st", "london"]],
    [["1 main st", "atlanta", "georgia"], null, null, ["1 main st", "atlanta", "georgia"]],
    [["1 main st", "sebastopol", "ca"], "US", null, ["1 main st", "sebastopol", "ca"]],
    [["hauptstr. 5", "10115 berlin", "de"], "DE", "DE", ["hauptstr. 5", "10115 berlin"]],
    [["12 smith st sydney nsw 2000 australia"], null, "AU", ["12 smith st sydney nsw 2000"]],
    [["12 smith st perth western australia"], null, null, ["12 smith st perth western australia"]],
    [["12 smith st"], null, null, ["12 smith st"]],
  ])("%j (default %s) → %s", (segments, fallback, expected, rest) => {
    const copy = [...segments];
    expect(trailingCountry(copy, fallback)).toBe(expected);
    expect(copy).toEqual(rest);
  });
});

describe("inferCountry", () => {
  it.each([
    ["1 main st, springfield, il 62704", "US"],
    ["12 smith st, sydney nsw 2000", "AU"],
    ["5 main st n, toronto on m5v 2t6", "CA"],
    ["221b baker street, london nw1 6xe", "GB"],
    ["hauptstr. 5, 10115 berlin", null],
    ["1 main st, springfield, zz 62704", null],
  ])("%j → %s", (text, expected) => {
    expect(inferCountry(text)).toBe(expected);
  });
});

describe("parseFreeText", () => {
  it.each<[string, string | null, Partial<Work>]>([
    [
      "12 smith st sydney nsw 2000",
      "AU",
      { streetNumber: "12", street: "smith st", locality: "sydney", region: "nsw", postcode: "2000" },
    ],
    [
      "flat 2, 10 downing street, westminster, london, sw1a 2aa",
      "GB",
      { unit: "2", street: "downing street", locality: "westminster", city: "london", postcode: "sw1a 2aa" },
    ],
    [
      "rose cottage, 5 high st, fakenham nr21 0aa",
      "GB",
      { extras: ["rose cottage"], streetNumber: "5", city: "fakenham" },
    ],
    [
      "hauptstr. 5 10115 berlin",
      "DE",
      { streetNumber: "5", street: "hauptstr", city: "berlin", postcode: "10115" },
    ],
  ])("%j (%s)", (text, country, expected) => {
    const work = emptyWork();
    parseFreeText(text, country, work);
    expect(work).toMatchObject(expected);
  });
});
