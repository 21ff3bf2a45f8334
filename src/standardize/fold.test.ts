import { describe, expect, it } from "vitest";
import { fold, foldKey, foldLetters, foldTokens } from "./fold.js";

describe("fold", () => {
  it.each([
    ["", ""],
    ["   ", ""],
    ["John", "john"],
    ["  JOHN   SMITH  ", "john smith"],
    ["Zoë", "zoe"],
    ["Müller", "muller"],
    ["Straße", "strasse"],
    ["STRASSE", "strasse"],
    ["Æsir", "aesir"],
    ["Cæsar", "caesar"],
    ["Œuvre", "oeuvre"],
    ["Søren Kierkegaard", "soren kierkegaard"],
    ["Łukasz Żółć", "lukasz zolc"],
    ["Đorđe", "dorde"],
    ["Þórr", "thorr"],
    ["Guðrún", "gudrun"],
    ["İstanbul", "istanbul"],
    ["Iğdır", "igdir"],
    ["François", "francois"],
    ["Ångström", "angstrom"],
    ["Dvořák", "dvorak"],
    ["Nguyễn Thị Minh Khai", "nguyen thi minh khai"],
    ["José María", "jose maria"],
    ["O'Brien", "obrien"],
    ["O’Brien", "obrien"],
    ["D`Angelo", "dangelo"],
    ["Smith-Jones", "smith jones"],
    ["J.R.R. Tolkien", "j r r tolkien"],
    ["St. Kilda Rd.", "st kilda rd"],
    ["a,b;c|d/e\\f", "a b c d e f"],
    ["!!!", ""],
    ["...---...", ""],
    ["tab\tand\nnewline", "tab and newline"],
    ["ＦＵＬＬ　ＷＩＤＴＨ", "full width"],
    ["ﬁnance", "finance"],
    ["Ⅻ", "xii"],
    ["①②", "12"],
    ["emoji 😀 here 👍🏽", "emoji here"],
    ["Москва", "москва"],
    ["Ελλάδα", "ελλαδα"],
    ["東京都", "東京都"],
    ["नमस्ते", "नमस्ते"],
    ["서울", "서울"],
    ["ガス", "ガス"],
    ["123 Main St.", "123 main st"],
    ["C/ Mayor, 5", "c mayor 5"],
  ])("%j → %j", (input, expected) => {
    expect(fold(input)).toBe(expected);
  });

  it("is stable: folding twice changes nothing", () => {
    for (const s of ["Zoë O'Brien-Łukasz", "Straße 5", "ＡＢＣ", "ガス", "서울"])
      expect(fold(fold(s))).toBe(fold(s));
  });

  it("never throws on hostile input", () => {
    for (const s of [
      "\u0000\u0001",
      "\uD800",
      "x".repeat(10_000),
      "😀".repeat(5000),
      "\u0301\u0301",
      " ".repeat(10_000),
    ]) {
      expect(() => fold(s)).not.toThrow();
    }
    expect(fold(undefined as unknown as string)).toBe("");
    expect(fold(42 as unknown as string)).toBe("");
  });

  it("folds a 10,000-character string quickly", () => {
    const long = "Zoë Müller-Łukasz ".repeat(600);
    const started = performance.now();
    const out = fold(long);
    expect(out.startsWith("zoe muller lukasz zoe")).toBe(true);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it("folds 200,000 short names in well under a second", () => {
    const names = ["John Smith", "Zoë Müller", "O'Brien", "José María García-Márquez", "Łukasz"];
    const started = performance.now();
    for (let i = 0; i < 200_000; i++) fold(names[i % names.length]!);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe("foldTokens and foldKey", () => {
  it.each([
    ["Jean-Pierre de la Fontaine", ["jean", "pierre", "de", "la", "fontaine"], "jeanpierredelafontaine"],
    ["U.S.A.", ["u", "s", "a"], "usa"],
    ["", [], ""],
    ["!!!", [], ""],
    ["Mc Donald", ["mc", "donald"], "mcdonald"],
  ])("%j", (input, tokens, key) => {
    expect(foldTokens(input)).toEqual(tokens);
    expect(foldKey(input)).toBe(key);
  });
});

describe("foldLetters keeps punctuation", () => {
  it.each([
    ["Rue de l'Église, 3/12", "rue de l'eglise, 3/12"],
    ["  Unit  #4,  12-14 Smith St ", "unit #4, 12-14 smith st"],
    ["Straße 5a", "strasse 5a"],
    ["", ""],
  ])("%j → %j", (input, expected) => {
    expect(foldLetters(input)).toBe(expected);
  });
});
