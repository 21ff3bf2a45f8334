import { describe, expect, it } from "vitest";
import { compileComparison, nullLevel } from "./comparison.js";
import {
  dateFeature,
  type Feature,
  listFeature,
  numberFeature,
  type RecordTable,
  textFeature,
} from "./record-table.js";

function table(): RecordTable {
  const given = ["robert", "rupert", "bob", null, "robert", "smith"];
  const family = ["smith", "smith", "smyth", "jones", "smith", "robert"];
  const canonical = ["robert", "rupert", "robert", null, "robert", "smith"];
  const emails = [["r@x.com", "rob@y.org"], ["rob@y.org"], [], ["j@z.net"], ["other@x.com"], []];
  const dob = [
    { year: 1980, month: 3, day: 4 },
    { year: 1980, month: 4, day: 3 },
    { year: 1982, month: 3, day: 4 },
    null,
    { year: 1980, month: 3, day: 4 },
    { year: 1980, month: 0, day: 0 },
  ];
  return {
    size: 6,
    keys: ["a", "b", "c", "d", "e", "f"],
    source: new Uint16Array(6),
    sources: ["s"],
    features: new Map<string, Feature>([
      ["given", textFeature(given)],
      ["family", textFeature(family)],
      ["givenCanonical", textFeature(canonical)],
      ["email", listFeature(emails)],
      ["dateOfBirth", dateFeature(dob)],
      ["birthYear", numberFeature(dob.map((d) => d?.year ?? null))],
    ]),
  };
}

describe("compiled comparisons", () => {
  const t = table();
  const given = compileComparison(
    {
      name: "given",
      levels: [
        { kind: "exact", feature: "given" },
        { kind: "exact", feature: "givenCanonical", label: "nickname" },
        { kind: "jaroWinkler", feature: "given", threshold: 0.75 },
      ],
      termFrequency: true,
    },
    t,
  );

  it.each([
    [0, 4, 0, "exact"],
    [0, 2, 1, "nickname bob → robert"],
    [0, 1, 2, "robert ~ rupert by Jaro-Winkler"],
    [1, 2, 3, "else"],
    [0, 3, nullLevel, "missing given name"],
  ])("records %i and %i are at level %i (%s)", (i, j, level) => {
    expect(given.compare(i, j)).toBe(level);
    expect(given.compare(j, i)).toBe(level);
  });

  it("labels levels and reports term frequencies of the shared value", () => {
    expect(given.labels).toEqual(["given exact", "nickname", "given Jaro-Winkler ≥ 0.75"]);
    // "robert" is 2 of the 5 given names present.
    expect(given.termFrequency?.(0, 4)).toBeCloseTo(2 / 5);
  });

  it("matches lists when any value is shared, with the rarest shared value's frequency", () => {
    const email = compileComparison(
      { name: "email", levels: [{ kind: "exact", feature: "email" }], termFrequency: true },
      t,
    );
    expect(email.compare(0, 1)).toBe(0);
    expect(email.compare(0, 4)).toBe(1);
    expect(email.compare(0, 2)).toBe(nullLevel);
    expect(email.termFrequency?.(0, 1)).toBeCloseTo(2 / 5);
  });

  it("compares dates exactly, transposed and within years; a year alone is no exact date", () => {
    const dob = compileComparison(
      {
        name: "dob",
        levels: [
          { kind: "exact", feature: "dateOfBirth" },
          { kind: "dateTransposed", feature: "dateOfBirth" },
          { kind: "dateWithinYears", feature: "dateOfBirth", years: 3 },
        ],
      },
      t,
    );
    expect(dob.compare(0, 4)).toBe(0);
    expect(dob.compare(0, 1)).toBe(1);
    expect(dob.compare(0, 2)).toBe(2);
    expect(dob.compare(0, 3)).toBe(nullLevel);
    expect(dob.compare(5, 5)).toBe(2);
  });

  it("sees swapped first and last names", () => {
    const swapped = compileComparison(
      {
        name: "name",
        levels: [
          { kind: "exact", feature: "family" },
          { kind: "swapped", feature: "given", other: "family" },
        ],
      },
      t,
    );
    expect(swapped.compare(4, 5)).toBe(1);
    expect(swapped.compare(0, 3)).toBe(2);
  });

  it("sees an initial, a one-way swap, and holds a level on another feature only where both have it", () => {
    const t3: RecordTable = {
      ...t,
      features: new Map<string, Feature>([
        ["given", textFeature(["j", "john", "jane", "williams", "emily", null])],
        ["family", textFeature(["smith", "smith", "smith", "e", "williams", "smith"])],
        ["nick", textFeature([null, "x", "x", null, null, "x"])],
      ]),
    };
    const c = compileComparison(
      {
        name: "given",
        levels: [
          { kind: "exact", feature: "given" },
          { kind: "exact", feature: "nick", label: "same nick" },
          { kind: "initial", feature: "given" },
          { kind: "swapped", feature: "given", other: "family", oneWay: true },
        ],
        neverLinkAt: ["else"],
      },
      t3,
    );
    expect(c.labels).toEqual([
      "given exact",
      "same nick",
      "given initial",
      "given and family swapped (one way)",
    ]);
    // Both lack "nick": the missing values are not an agreement.
    expect(c.compare(0, 3)).toBe(4);
    expect(c.compare(0, 1)).toBe(2);
    expect(c.compare(1, 2)).toBe(1);
    expect(c.compare(0, 2)).toBe(2);
    expect(c.compare(3, 4)).toBe(3);
    expect(c.compare(2, 5)).toBe(nullLevel);
    expect([...c.veto]).toEqual([0, 0, 0, 0, 1]);
    expect(() =>
      compileComparison(
        { name: "given", levels: [{ kind: "initial", feature: "given" }], neverLinkAt: ["no such"] },
        t3,
      ),
    ).toThrow(/neverLinkAt names "no such", which is none of its levels \(given initial, else\)/);
  });

  it("compares token sets with Jaccard and numbers within a tolerance", () => {
    const t2: RecordTable = {
      ...t,
      features: new Map<string, Feature>([
        [
          "line",
          textFeature(["12 high street north", "12 north high street", "12 low road", null, null, null]),
        ],
        ["birthYear", numberFeature([1980, 1981, 1990, null, null, null])],
      ]),
    };
    const line = compileComparison(
      { name: "line", levels: [{ kind: "jaccard", feature: "line", threshold: 0.9 }] },
      t2,
    );
    expect(line.compare(0, 1)).toBe(0);
    expect(line.compare(0, 2)).toBe(1);
    const year = compileComparison(
      { name: "year", levels: [{ kind: "numberWithin", feature: "birthYear", tolerance: 1 }] },
      t2,
    );
    expect(year.compare(0, 1)).toBe(0);
    expect(year.compare(0, 2)).toBe(1);
  });

  it("names the comparison and the feature when a configuration is wrong", () => {
    expect(() => compileComparison({ name: "x", levels: [{ kind: "exact", feature: "nope" }] }, t)).toThrow(
      /comparison "x" reads feature "nope"/,
    );
    expect(() =>
      compileComparison(
        { name: "y", levels: [{ kind: "jaroWinkler", feature: "dateOfBirth", threshold: 0.9 }] },
        t,
      ),
    ).toThrow(/needs a text feature/);
    expect(() =>
      compileComparison(
        {
          name: "z",
          levels: [{ kind: "jaroWinkler", feature: "given", threshold: 0.9 }],
          termFrequency: true,
        },
        t,
      ),
    ).toThrow(/term frequencies need an exact first level/);
  });
});

describe("Jaro-Winkler levels", () => {
  it("put every pair where the exact similarity says, whatever shortcuts they take", async () => {
    const { jaroWinkler } = await import("./jaro-winkler.js");
    const { seededRandom } = await import("./train.js");
    const random = seededRandom(11);
    const alphabet = "aeilnorstmkéü -";
    const names = Array.from({ length: 300 }, () => {
      const n = 1 + Math.floor(random() * 10);
      let s = "";
      for (let k = 0; k < n; k++) s += alphabet[Math.floor(random() * alphabet.length)];
      return s;
    });
    const t: RecordTable = {
      size: names.length,
      keys: names,
      source: new Uint16Array(names.length),
      sources: ["s"],
      features: new Map<string, Feature>([["name", textFeature(names)]]),
    };
    const c = compileComparison(
      {
        name: "name",
        levels: [
          { kind: "jaroWinkler", feature: "name", threshold: 0.95 },
          { kind: "jaroWinkler", feature: "name", threshold: 0.85 },
          { kind: "jaroWinkler", feature: "name", threshold: 0.7 },
        ],
      },
      t,
    );
    for (let i = 0; i < names.length; i++) {
      for (let j = 0; j < names.length; j++) {
        const s = jaroWinkler(names[i] as string, names[j] as string);
        const expected = s >= 0.95 ? 0 : s >= 0.85 ? 1 : s >= 0.7 ? 2 : 3;
        expect(c.compare(i, j), `${names[i]} ~ ${names[j]}`).toBe(expected);
      }
    }
  });
});
