import { describe, expect, it } from "vitest";
import { Corruptor, defaultCorruptionRates } from "./corrupt.js";
import { nicknames } from "./pools.js";
import { Rng } from "./prng.js";

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe("Corruptor", () => {
  const corrupt = new Corruptor(Rng.from(5), defaultCorruptionRates);

  it("makes typos one edit away", () => {
    let changed = 0;
    for (let i = 0; i < 500; i++) {
      const out = corrupt.typo("Elizabeth");
      expect(editDistance("Elizabeth", out)).toBeLessThanOrEqual(1);
      if (out !== "Elizabeth") changed++;
    }
    expect(changed).toBeGreaterThan(450);
  });

  it("makes OCR and phonetic confusions", () => {
    const ocr = new Set(Array.from({ length: 200 }, () => corrupt.ocr("Sol Bernstein 105")));
    expect([...ocr].some((s) => s.includes("0") && s.startsWith("S0"))).toBe(true);
    expect(ocr.has("Sol Bernstein 105")).toBe(false);
    const phonetic = new Set(Array.from({ length: 200 }, () => corrupt.phonetic("Stephanie")));
    expect(phonetic.has("Stefanie")).toBe(true);
  });

  it("uses nicknames from the table and keeps e-mails well formed", () => {
    const heavy = new Corruptor(Rng.from(6), {
      ...defaultCorruptionRates,
      nickname: 1,
      typo: 0,
      caseChange: 0,
      whitespace: 0,
      ocr: 0,
      phonetic: 0,
    });
    const given = new Set(Array.from({ length: 100 }, () => heavy.given("Robert", null, false)));
    for (const g of given) expect(nicknames.get("Robert")).toContain(g);
    const noisy = new Corruptor(Rng.from(7), { ...defaultCorruptionRates, emailVariant: 1, typo: 1 });
    for (let i = 0; i < 200; i++)
      expect(noisy.email("jane.doe@gmail.com").trim()).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i);
  });

  it("changes a digit of a phone number but keeps its shape", () => {
    const always = new Corruptor(Rng.from(8), { ...defaultCorruptionRates, typo: 1 });
    let changed = 0;
    for (let i = 0; i < 100; i++) {
      const out = always.digits("(415) 555-0134");
      if (out !== "(415) 555-0134") changed++;
      expect(out.replace(/\d/g, "")).toBe("() -");
      expect(out.replace(/\D/g, "").length).toBeGreaterThanOrEqual(9);
    }
    // swapping two equal neighbours ("55") changes nothing; everything else does
    expect(changed).toBeGreaterThan(85);
  });
});
