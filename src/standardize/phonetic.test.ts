import { describe, expect, it } from "vitest";
import { phonetic } from "./phonetic.js";

describe("phonetic", () => {
  it.each([
    ["Smith", ["SM0", "XMT"]],
    ["Schmidt", ["XMT", "SMT"]],
    ["Katherine", ["K0RN", "KTRN"]],
    ["Catherine", ["K0RN", "KTRN"]],
    ["Müller", ["MLR", "MLR"]],
    ["Muller", ["MLR", "MLR"]],
    ["de la Cruz", ["TLKRS", "TLKRS"]],
    ["Delacruz", ["TLKRS", "TLKRS"]],
    ["O'Brien", ["APRN", "APRN"]],
    ["Thompson", ["TMPSN", "TMPSN"]],
    ["Thomson", ["TMSN", "TMSN"]],
    ["Jon", ["JN", "AN"]],
    ["John", ["JN", "AN"]],
  ])("%j → %j", (name, codes) => {
    expect(phonetic(name)).toEqual(codes);
  });

  it("gives equal codes to names that sound alike", () => {
    expect(phonetic("Stephen")?.[0]).toBe(phonetic("Steven")?.[0]);
    expect(phonetic("Smyth")?.[0]).toBe(phonetic("Smith")?.[0]);
    expect(phonetic("Zoë")).toEqual(phonetic("Zoe"));
  });

  it.each(["", "   ", "!!!", "123", "王小明", "Москва", "😀"])("is null for %j", (name) => {
    expect(phonetic(name)).toBeNull();
  });

  it("does not throw on long input", () => {
    expect(phonetic("abc".repeat(4000))).not.toBeNull();
  });
});
