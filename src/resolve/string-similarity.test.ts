import fastLevenshtein from "fast-levenshtein";
import talismanDamerau from "talisman/metrics/damerau-levenshtein.js";
import talismanJaro from "talisman/metrics/jaro.js";
import talismanJaroWinkler from "talisman/metrics/jaro-winkler.js";
import { describe, expect, it } from "vitest";
import { damerauLevenshtein, levenshtein, levenshteinSimilarity } from "./edit-distance.js";
import { jaro, jaroWinkler } from "./jaro-winkler.js";

/** A seeded generator of name-like strings and their corruptions, so the comparison covers many shapes. */
function* pairs(count: number): Generator<[string, string]> {
  let s = 12345;
  const rnd = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const alphabet = "abcdeilmnorstuyéü ";
  for (let k = 0; k < count; k++) {
    const len = Math.floor(rnd() * 14);
    let a = "";
    for (let i = 0; i < len; i++) a += alphabet[Math.floor(rnd() * alphabet.length)];
    let b = a;
    const edits = Math.floor(rnd() * 4);
    for (let e = 0; e < edits; e++) {
      const p = Math.floor(rnd() * (b.length + 1));
      const op = rnd();
      const c = alphabet[Math.floor(rnd() * alphabet.length)] ?? "x";
      if (op < 0.3) b = b.slice(0, p) + c + b.slice(p);
      else if (op < 0.6) b = b.slice(0, p) + b.slice(p + 1);
      else if (op < 0.8) b = b.slice(0, p) + c + b.slice(p + 1);
      else if (p + 1 < b.length) b = b.slice(0, p) + b[p + 1] + b[p] + b.slice(p + 2);
    }
    yield rnd() < 0.1 ? [a, `${b}xyz`.slice(0, Math.floor(rnd() * 16))] : [a, b];
  }
}

describe("Jaro and Jaro-Winkler", () => {
  it.each([
    ["martha", "marhta", 0.9444, 0.9611],
    ["dwayne", "duane", 0.8222, 0.84],
    ["dixon", "dicksonx", 0.7667, 0.8133],
    ["jones", "johnson", 0.7905, 0.8324],
    ["abc", "abc", 1, 1],
    ["", "", 1, 1],
    ["a", "", 0, 0],
    ["abc", "xyz", 0, 0],
  ])("%s ~ %s", (a, b, j, jw) => {
    expect(jaro(a, b)).toBeCloseTo(j, 3);
    expect(jaroWinkler(a, b)).toBeCloseTo(jw, 3);
    expect(jaroWinkler(b, a)).toBeCloseTo(jw, 3);
  });

  it("agrees with talisman on 5,000 generated pairs", () => {
    for (const [a, b] of pairs(5000)) {
      if (a.length === 0 || b.length === 0) continue;
      expect(jaro(a, b), `${a} ~ ${b}`).toBeCloseTo(talismanJaro(a, b), 10);
      expect(jaroWinkler(a, b), `${a} ~ ${b}`).toBeCloseTo(talismanJaroWinkler(a, b), 10);
    }
  });

  it("gives the same answer after a much longer string grew its buffers", () => {
    const before = jaroWinkler("catherine", "kathryn");
    jaroWinkler("x".repeat(5000), "y".repeat(4000));
    expect(jaroWinkler("catherine", "kathryn")).toBe(before);
  });
});

describe("Levenshtein and Damerau-Levenshtein", () => {
  it.each([
    ["kitten", "sitting", 3, 3],
    ["ca", "ac", 2, 1],
    ["smith", "smtih", 2, 1],
    ["", "abc", 3, 3],
    ["same", "same", 0, 0],
    ["flaw", "lawn", 2, 2],
  ])("%s ~ %s", (a, b, lev, dam) => {
    expect(levenshtein(a, b)).toBe(lev);
    expect(damerauLevenshtein(a, b)).toBe(dam);
  });

  it("agrees with fast-levenshtein and talisman on 5,000 generated pairs", () => {
    for (const [a, b] of pairs(5000)) {
      expect(levenshtein(a, b), `${a} ~ ${b}`).toBe(fastLevenshtein.get(a, b));
      expect(damerauLevenshtein(a, b), `${a} ~ ${b}`).toBe(talismanDamerau(a, b));
    }
  });

  it("stops early past maxDistance with a value above it", () => {
    expect(levenshtein("abcdefghij", "klmnopqrst", 2)).toBeGreaterThan(2);
    expect(levenshtein("abcdef", "abcxef", 2)).toBe(1);
    expect(damerauLevenshtein("abcdefghij", "klmnopqrst", 2)).toBeGreaterThan(2);
  });

  it("bounded Damerau-Levenshtein agrees with talisman on every pair within the bound", () => {
    for (const [a, b] of pairs(5000)) {
      const full = talismanDamerau(a, b);
      for (const max of [1, 2, 3]) {
        const bounded = damerauLevenshtein(a, b, max);
        if (full <= max) expect(bounded, `${a} ~ ${b} within ${max}`).toBe(full);
        else expect(bounded, `${a} ~ ${b} beyond ${max}`).toBeGreaterThan(max);
      }
    }
  });

  it("turns distance into a similarity between 0 and 1", () => {
    expect(levenshteinSimilarity("abcd", "abcx")).toBe(0.75);
    expect(levenshteinSimilarity("", "")).toBe(1);
  });
});
