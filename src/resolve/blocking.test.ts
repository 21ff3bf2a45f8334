import { describe, expect, it } from "vitest";
import {
  type AnyBlockingRule,
  type BlockingMode,
  type BlockingOptions,
  BlockTooLargeError,
  forEachCandidatePair,
  planBlocking,
  sampleRulePairs,
} from "./blocking.js";
import { BlockingKeyError, type KeyTerm, parseBlockingKey } from "./blocking-key.js";
import {
  type DateFeature,
  dateFeature,
  type ListFeature,
  listFeature,
  type RecordTable,
  type TextFeature,
  textFeature,
} from "./record-table.js";

interface Person {
  given?: string | null;
  family?: string | null;
  familyPhonetic?: string | null;
  postcode?: string | null;
  email?: string[];
  phone?: string[];
  dob?: { year: number | null; month: number | null; day: number | null } | null;
  source?: number;
}

function tableOf(people: Person[]): RecordTable {
  const text = (f: keyof Person) =>
    textFeature(people.map((p) => (p[f] as string | null | undefined) ?? null));
  return {
    size: people.length,
    keys: people.map((_, r) => `s/${r}`),
    source: Uint16Array.from(people, (p) => p.source ?? 0),
    sources: ["crm", "shop", "web"],
    features: new Map<string, TextFeature | ListFeature | DateFeature>([
      ["given", text("given")],
      ["family", text("family")],
      ["familyPhonetic", text("familyPhonetic")],
      ["postcode", text("postcode")],
      ["email", listFeature(people.map((p) => p.email ?? []))],
      ["phone", listFeature(people.map((p) => p.phone ?? []))],
      ["dateOfBirth", dateFeature(people.map((p) => p.dob ?? null))],
    ]),
  };
}

/** Visits every pair, checking i < j and that no pair comes twice; returns "i,j" → rule. */
function visitAll(
  table: RecordTable,
  rules: AnyBlockingRule[],
  mode: BlockingMode,
  options: BlockingOptions = {},
): Map<string, number> {
  const seen = new Map<string, number>();
  forEachCandidatePair(table, rules, mode, options, (i, j, rule) => {
    if (i >= j) throw new Error(`pair (${i}, ${j}) is not ordered`);
    const k = `${i},${j}`;
    if (seen.has(k)) throw new Error(`pair ${k} visited twice (rules ${seen.get(k)} and ${rule})`);
    seen.set(k, rule);
  });
  return seen;
}

const pairsOf = (seen: Map<string, number>) => [...seen.keys()].sort();

// ---------------------------------------------------------------------------------------------------------
// The brute-force reference: keys as strings, one record at a time, no cleverness.

type Value = string | number;

function termValues(table: RecordTable, term: KeyTerm, r: number): Value[] {
  const f = table.features.get(term.feature);
  if (f === undefined) throw new Error(term.feature);
  const cut = (s: string) =>
    term.kind === "first" ? s.slice(0, term.length) : term.kind === "last" ? s.slice(-term.length) : s;
  if (f.kind === "text") {
    const c = f.codes[r] as number;
    return c < 0 ? [] : [cut(f.dictionary[c] as string)];
  }
  if (f.kind === "list") {
    const out = new Set<string>();
    for (let v = f.offsets[r] as number; v < (f.offsets[r + 1] as number); v++) {
      out.add(cut(f.dictionary[f.codes[v] as number] as string));
    }
    return [...out];
  }
  if (f.kind === "date") {
    const y = f.year[r] as number;
    const m = f.month[r] as number;
    const d = f.day[r] as number;
    if (term.kind === "year") return y === 0 ? [] : [y];
    if (term.kind === "month") return m === 0 ? [] : [m];
    if (term.kind === "yearMonth") return y === 0 || m === 0 ? [] : [y * 100 + m];
    return y === 0 || m === 0 || d === 0 ? [] : [y * 10000 + m * 100 + d];
  }
  throw new Error(f.kind);
}

/** A record's keys under an expression, each a tuple of values. */
function refKeys(table: RecordTable, expression: string, r: number): Value[][] {
  let tuples: Value[][] = [[]];
  for (const term of parseBlockingKey(expression).terms) {
    const values = termValues(table, term, r);
    tuples = tuples.flatMap((t) => values.map((v) => [...t, v]));
  }
  return tuples;
}

function compareTuples(a: Value[] | undefined, b: Value[] | undefined): number {
  if (a === undefined || b === undefined) return (a === undefined ? 1 : 0) - (b === undefined ? 1 : 0);
  for (let t = 0; t < a.length; t++) {
    const x = a[t] as Value;
    const y = b[t] as Value;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/** Pairs of a run of records, all of them or, windowed, each with its next window - 1. */
function addPairs(
  out: Set<string>,
  records: number[],
  window: number,
  keep: (i: number, j: number) => boolean,
) {
  for (let a = 0; a < records.length; a++) {
    for (let b = a + 1; b < records.length && b - a < window; b++) {
      const i = Math.min(records[a] as number, records[b] as number);
      const j = Math.max(records[a] as number, records[b] as number);
      if (keep(i, j)) out.add(`${i},${j}`);
    }
  }
}

function refRulePairs(
  table: RecordTable,
  rule: AnyBlockingRule,
  mode: BlockingMode,
  options: BlockingOptions,
): Set<string> {
  const keep = (i: number, j: number) => mode !== "link" || table.source[i] !== table.source[j];
  const out = new Set<string>();
  const all = Array.from({ length: table.size }, (_, r) => r);
  if ("sortedNeighbourhood" in rule) {
    const { key, window } = rule.sortedNeighbourhood;
    const keyed = all
      .map((r) => ({ r, k: refKeys(table, key, r)[0] }))
      .filter((x) => x.k !== undefined)
      .sort((x, y) => compareTuples(x.k, y.k) || x.r - y.r);
    addPairs(
      out,
      keyed.map((x) => x.r),
      window,
      keep,
    );
    return out;
  }
  const blocks = new Map<string, number[]>();
  for (const r of all) {
    for (const k of refKeys(table, rule.expression, r)) {
      const s = JSON.stringify(k);
      blocks.set(s, [...(blocks.get(s) ?? []), r]);
    }
  }
  const max = options.maxBlockSize ?? 10_000;
  for (const members of blocks.values()) {
    if (members.length > max && options.splitLargeBlocks) {
      const sortKey = options.splitSortKey;
      const ordered =
        sortKey === undefined
          ? members
          : [...members].sort(
              (x, y) => compareTuples(refKeys(table, sortKey, x)[0], refKeys(table, sortKey, y)[0]) || x - y,
            );
      addPairs(out, ordered, options.splitWindow ?? 50, keep);
    } else {
      addPairs(out, members, Number.POSITIVE_INFINITY, keep);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

function randomTable(seed: number, n = 200): RecordTable {
  const rnd = random(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const maybe = <T>(x: T, p = 0.15): T | null => (rnd() < p ? null : x);
  const givens = ["Ann", "Anna", "Bob", "Bert", "Carl", "Cara", "Dan", "Di", "Eve", "Jo"];
  const families = ["Smith", "Smyth", "Jones", "Johns", "Brown", "Braun", "Li", "Lee"];
  const emails = Array.from({ length: 25 }, (_, k) => `${pick(["a", "b", "c"])}${k}@x.io`);
  const phones = Array.from({ length: 20 }, (_, k) => `06${(k * 37) % 100}${k % 3}`);
  const people: Person[] = Array.from({ length: n }, () => {
    const family = maybe(pick(families));
    return {
      given: maybe(pick(givens)),
      family,
      familyPhonetic: family === null ? null : family.slice(0, 2).toUpperCase(),
      postcode: maybe(pick(["1011", "1012", "2000", "3500", "9999"])),
      email: Array.from({ length: Math.floor(rnd() * 4) }, () => pick(emails)),
      phone: Array.from({ length: Math.floor(rnd() * 3) }, () => pick(phones)),
      dob: maybe({
        year: pick([1970, 1971, 1972, 0]),
        month: pick([0, 1, 2, 3, 12]),
        day: pick([0, 1, 2]),
      }),
      source: Math.floor(rnd() * 3),
    };
  });
  return tableOf(people);
}

const expressionPool = [
  "familyPhonetic",
  "postcode & first(given,1)",
  "email",
  "phone",
  "first(email,1) & year(dateOfBirth)",
  "email & phone",
  "yearMonth(dateOfBirth)",
  "dateOfBirth",
  "last(phone,2)",
  "month(dateOfBirth) & first(family,2)",
  "familyPhonetic & year(dateOfBirth)",
  "given & family",
];
const sortPool = [
  "family & given",
  "dateOfBirth",
  "given",
  "yearMonth(dateOfBirth) & postcode",
  "last(family,2)",
];

function randomRules(rnd: () => number): AnyBlockingRule[] {
  const count = 1 + Math.floor(rnd() * 4);
  return Array.from({ length: count }, (_, k): AnyBlockingRule => {
    if (rnd() < 0.25) {
      const key = sortPool[Math.floor(rnd() * sortPool.length)] as string;
      return { name: `sn${k}`, sortedNeighbourhood: { key, window: 1 + Math.floor(rnd() * 6) } };
    }
    return { name: `r${k}`, expression: expressionPool[Math.floor(rnd() * expressionPool.length)] as string };
  });
}

describe("forEachCandidatePair against brute force", () => {
  const modes: BlockingMode[] = ["dedupe", "link", "linkAndDedupe"];
  const cases = Array.from({ length: 60 }, (_, k) => ({ seed: k + 1, mode: modes[k % 3] as BlockingMode }));

  it.each(cases)("random table and rules, seed $seed, $mode", ({ seed, mode }) => {
    const table = randomTable(seed);
    const rnd = random(seed * 7919);
    const rules = randomRules(rnd);
    const split = rnd() < 0.5;
    const options: BlockingOptions = split
      ? {
          maxBlockSize: 5 + Math.floor(rnd() * 30),
          splitLargeBlocks: true,
          splitWindow: 1 + Math.floor(rnd() * 8),
          ...(rnd() < 0.5 ? { splitSortKey: sortPool[Math.floor(rnd() * sortPool.length)] as string } : {}),
        }
      : {};

    const perRule = rules.map((rule) => refRulePairs(table, rule, mode, options));
    const seen = visitAll(table, rules, mode, options);
    const union = new Set<string>();
    const plan = planBlocking(table, rules, mode, options);
    perRule.forEach((pairs, r) => {
      const fresh = [...pairs].filter((p) => !union.has(p));
      for (const p of pairs) union.add(p);
      // each pair is reported under the first rule that generates it
      expect(
        [...seen]
          .filter(([, rule]) => rule === r)
          .map(([p]) => p)
          .sort(),
        `rule ${r}`,
      ).toEqual(fresh.sort());
      expect(plan.rules[r]?.pairs, `pairs of rule ${r}`).toBe(pairs.size);
      expect(plan.rules[r]?.newPairs, `new pairs of rule ${r}`).toBe(fresh.length);
    });
    expect(pairsOf(seen)).toEqual([...union].sort());
    expect(plan.totalPairs).toBe(union.size);
    expect(plan.exact).toBe(true);
    if (mode === "dedupe") {
      expect(pairsOf(visitAll(table, rules, "linkAndDedupe", options))).toEqual(pairsOf(seen));
    }
  });
});

describe("forEachCandidatePair", () => {
  it("pairs records that share a key, and skips records without one", () => {
    const table = tableOf([
      { familyPhonetic: "SM0", dob: { year: 1980, month: 1, day: 1 } },
      { familyPhonetic: "SM0", dob: { year: 1980, month: null, day: null } },
      { familyPhonetic: "SM0", dob: null },
      { familyPhonetic: null, dob: { year: 1980, month: 1, day: 1 } },
      { familyPhonetic: "JNS", dob: { year: 1980, month: 5, day: 5 } },
      { familyPhonetic: "SM0", dob: { year: 1981, month: 1, day: 1 } },
      { familyPhonetic: "SM0", dob: { year: 1980, month: 2, day: 2 } },
    ]);
    const rules = [{ name: "phonetic_year", expression: "familyPhonetic & year(dateOfBirth)" }];
    expect(pairsOf(visitAll(table, rules, "dedupe"))).toEqual(["0,1", "0,6", "1,6"]);
  });

  it("puts a record with two emails in two blocks, and visits a pair sharing both once", () => {
    const table = tableOf([
      { email: ["a@x", "b@x"] },
      { email: ["b@x", "a@x"] },
      { email: ["a@x"] },
      { email: ["b@x", "c@x"] },
      { email: [] },
      { email: ["c@x"] },
    ]);
    const seen = visitAll(table, [{ name: "email", expression: "email" }], "dedupe");
    expect(pairsOf(seen)).toEqual(["0,1", "0,2", "0,3", "1,2", "1,3", "3,5"]);
    const plan = planBlocking(table, [{ name: "email", expression: "email" }], "dedupe");
    expect(plan.rules[0]).toMatchObject({ pairs: 6, newPairs: 6, blocks: 3, recordsWithKey: 5 });
    expect(plan.rules[0]?.largestBlocks).toEqual([
      { key: "email=a@x", size: 3 },
      { key: "email=b@x", size: 3 },
      { key: "email=c@x", size: 2 },
    ]);
  });

  it("reports each pair under the first rule that pairs it", () => {
    const table = tableOf([
      { postcode: "1011", given: "Ann", email: ["a@x"] },
      { postcode: "1011", given: "Anna", email: ["a@x"] },
      { postcode: "1011", given: "Bob", email: ["b@x"] },
      { postcode: "2000", given: "Bea", email: ["b@x"] },
    ]);
    const rules = [
      { name: "postcode_initial", expression: "postcode & first(given,1)" },
      { name: "email", expression: "email" },
    ];
    expect([...visitAll(table, rules, "dedupe")].sort()).toEqual([
      ["0,1", 0],
      ["2,3", 1],
    ]);
    const plan = planBlocking(table, rules, "dedupe");
    expect(plan.rules.map((r) => [r.pairs, r.newPairs])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(plan.totalPairs).toBe(2);
  });

  it.each<[BlockingMode, string[]]>([
    ["dedupe", ["0,1", "0,2", "0,3", "1,2", "1,3", "2,3"]],
    ["linkAndDedupe", ["0,1", "0,2", "0,3", "1,2", "1,3", "2,3"]],
    ["link", ["0,2", "0,3", "1,2", "1,3", "2,3"]],
  ])("%s mode", (mode, expected) => {
    const table = tableOf([
      { postcode: "1011", source: 0 },
      { postcode: "1011", source: 0 },
      { postcode: "1011", source: 1 },
      { postcode: "1011", source: 2 },
    ]);
    const rules = [{ name: "postcode", expression: "postcode" }];
    expect(pairsOf(visitAll(table, rules, mode))).toEqual(expected);
    expect(planBlocking(table, rules, mode).totalPairs).toBe(expected.length);
  });

  it.each<[number, string[], string[]]>([
    [1, [], []],
    [2, ["0,1", "0,3", "2,4", "3,4"], ["0,3"]],
    [3, ["0,1", "0,3", "0,4", "1,3", "2,3", "2,4", "3,4"], ["0,3"]],
  ])(
    "sorted neighbourhood with window %i pairs each record with the next window - 1",
    (window, byFamily, byFamilyGiven) => {
      // family, then record: Adams(1) Baker(0) Baker(3) Brown(4) Clark(2); record 5 has no key
      const table = tableOf([
        { family: "Baker", given: "Zed" },
        { family: "Adams" },
        { family: "Clark" },
        { family: "Baker", given: "Amy" },
        { family: "Brown" },
        { family: null, given: "Al" },
      ]);
      const sn = (key: string) => [{ name: "sn", sortedNeighbourhood: { key, window } }];
      expect(pairsOf(visitAll(table, sn("family"), "dedupe"))).toEqual(byFamily);
      // with `family & given` only records 0 and 3 have a key
      expect(pairsOf(visitAll(table, sn("family & given"), "dedupe"))).toEqual(
        window > 1 ? byFamilyGiven : [],
      );
      expect(planBlocking(table, sn("family"), "dedupe").rules[0]).toMatchObject({
        kind: "sortedNeighbourhood",
        pairs: byFamily.length,
        recordsWithKey: 5,
      });
    },
  );

  it("sorts a sorted-neighbourhood key by the dictionary strings, not by first appearance", () => {
    const names = ["delta", "alpha", "echo", "charlie", "bravo"];
    const table = tableOf(names.map((family) => ({ family })));
    const seen = visitAll(
      table,
      [{ name: "sn", sortedNeighbourhood: { key: "family", window: 2 } }],
      "dedupe",
    );
    // alpha(1) bravo(4) charlie(3) delta(0) echo(2)
    expect(pairsOf(seen)).toEqual(["0,2", "0,3", "1,4", "3,4"]);
  });

  it("a pair already in a sorted neighbourhood of an earlier rule is not visited again", () => {
    const table = tableOf([
      { family: "A", postcode: "1" },
      { family: "B", postcode: "1" },
      { family: "C", postcode: "1" },
    ]);
    const rules: AnyBlockingRule[] = [
      { name: "sn", sortedNeighbourhood: { key: "family", window: 2 } },
      { name: "postcode", expression: "postcode" },
    ];
    expect([...visitAll(table, rules, "dedupe")].sort()).toEqual([
      ["0,1", 0],
      ["0,2", 1],
      ["1,2", 0],
    ]);
  });

  it("rejects a list feature as a sorted-neighbourhood key", () => {
    const table = tableOf([{ email: ["a"] }]);
    expect(() =>
      visitAll(table, [{ name: "sn", sortedNeighbourhood: { key: "email", window: 3 } }], "dedupe"),
    ).toThrow(expect.objectContaining({ name: "BlockingKeyError", code: "multi-valued" }));
  });

  it("names the rule in a parse error", () => {
    const table = tableOf([{}]);
    let error: unknown;
    try {
      visitAll(table, [{ name: "bad_rule", expression: "postcode & & given" }], "dedupe");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BlockingKeyError);
    expect((error as BlockingKeyError).message).toBe(
      'Blocking rule "bad_rule": expected a feature name but found "&" at position 11 of "postcode & & given"',
    );
  });

  it("rejects an unknown mode and a bad window", () => {
    const table = tableOf([{}]);
    expect(() => planBlocking(table, [], "merge" as BlockingMode)).toThrow(/Unknown blocking mode "merge"/);
    expect(() =>
      planBlocking(table, [{ name: "sn", sortedNeighbourhood: { key: "family", window: 0 } }], "dedupe"),
    ).toThrow(RangeError);
  });
});

describe("oversized blocks", () => {
  // 12 Smiths born in 1980, 3 Jones born in 1980, 2 Smiths born in 1981
  const smiths = tableOf([
    ...Array.from({ length: 12 }, (_, k) => ({
      familyPhonetic: "SM0",
      dob: { year: 1980, month: 1, day: 1 },
      given: `g${String(11 - k).padStart(2, "0")}`,
      source: k % 2,
    })),
    ...Array.from({ length: 3 }, () => ({ familyPhonetic: "JNS", dob: { year: 1980, month: 1, day: 1 } })),
    ...Array.from({ length: 2 }, () => ({ familyPhonetic: "SM0", dob: { year: 1981, month: 1, day: 1 } })),
  ]);
  const rules = [
    { name: "postcode", expression: "postcode" },
    { name: "phonetic_year", expression: "familyPhonetic & year(dateOfBirth)" },
  ];

  it("throws BlockTooLargeError naming the rule, the key and the size before visiting any pair", () => {
    let visited = 0;
    let error: unknown;
    try {
      forEachCandidatePair(smiths, rules, "dedupe", { maxBlockSize: 10 }, () => visited++);
    } catch (e) {
      error = e;
    }
    expect(visited).toBe(0);
    expect(error).toBeInstanceOf(BlockTooLargeError);
    const e = error as BlockTooLargeError;
    expect(e).toMatchObject({ rule: "phonetic_year", key: "familyPhonetic=SM0 & year=1980", size: 12 });
    expect(e.message).toBe(
      'Blocking rule "phonetic_year" makes a block of 12 records for familyPhonetic=SM0 & year=1980, ' +
        "above maxBlockSize 10: add a field to the rule, or set maxBlockSize / splitLargeBlocks.",
    );
  });

  it("counts every oversized block of every rule in the error", () => {
    const rulesBoth = [...rules, { name: "year", expression: "year(dateOfBirth)" }];
    const error = (() => {
      try {
        visitAll(smiths, rulesBoth, "dedupe", { maxBlockSize: 2 });
      } catch (e) {
        return e as BlockTooLargeError;
      }
    })();
    expect(error?.oversized.map((b) => [b.rule, b.key, b.size])).toEqual([
      ["phonetic_year", "familyPhonetic=SM0 & year=1980", 12],
      ["phonetic_year", "familyPhonetic=JNS & year=1980", 3],
      ["year", "year=1980", 15],
    ]);
    expect(error?.message).toContain("(3 oversized blocks in all)");
  });

  it("topBlocks: 0 lists no blocks", () => {
    expect(planBlocking(smiths, rules, "dedupe", { topBlocks: 0 }).rules[1]?.largestBlocks).toEqual([]);
  });

  it("a block of exactly maxBlockSize is allowed", () => {
    expect(visitAll(smiths, rules, "dedupe", { maxBlockSize: 12 }).size).toBe(66 + 3 + 1);
  });

  it("the plan lists oversized blocks and counts their pairs by formula", () => {
    const plan = planBlocking(smiths, rules, "dedupe", { maxBlockSize: 10, topBlocks: 2 });
    const rule = plan.rules[1];
    expect(rule).toMatchObject({ pairs: 66 + 3 + 1, newPairs: 66 + 3 + 1, blocks: 3, recordsWithKey: 17 });
    expect(rule?.largestBlocks).toEqual([
      { key: "familyPhonetic=SM0 & year=1980", size: 12 },
      { key: "familyPhonetic=JNS & year=1980", size: 3 },
    ]);
    expect(rule?.oversizedBlocks).toEqual([{ key: "familyPhonetic=SM0 & year=1980", size: 12 }]);
    expect(plan.totalPairs).toBe(70);
    expect(planBlocking(smiths, rules, "link", { maxBlockSize: 10 }).rules[1]?.pairs).toBe(36);
  });

  it.each([
    [{ splitWindow: 3 }, 11 + 10, ["0,1", "0,2", "1,2", "1,3"]],
    [{ splitWindow: 3, splitSortKey: "given" }, 11 + 10, ["10,11", "9,11", "9,10", "8,10"]],
    [{}, 66, ["0,11"]],
  ])(
    "splitLargeBlocks compares an oversized block by sorted neighbourhood (%j)",
    (extra, smithPairs, some) => {
      const options = { maxBlockSize: 10, splitLargeBlocks: true, ...extra };
      const seen = visitAll(smiths, rules, "dedupe", options);
      expect(seen.size).toBe(smithPairs + 3 + 1);
      for (const p of some) expect(seen.has(p), p).toBe(true);
      const plan = planBlocking(smiths, rules, "dedupe", options);
      expect(plan.rules[1]?.oversizedBlocks).toEqual([
        { key: "familyPhonetic=SM0 & year=1980", size: 12, split: true },
      ]);
      expect(plan.rules[1]?.pairs).toBe(smithPairs + 3 + 1);
      expect(plan.exact).toBe(true);
    },
  );
});

describe("partitions and samples", () => {
  it("shares the candidate pairs out between partitions, each pair in exactly one", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rnd = random(seed * 7);
      const table = randomTable(seed);
      const rules = randomRules(rnd);
      const options: BlockingOptions = { splitLargeBlocks: true, maxBlockSize: 12, splitWindow: 3 };
      const all = pairsOf(visitAll(table, rules, "dedupe", options));
      const count = 1 + (seed % 3);
      const parts = Array.from({ length: count }, (_, index) =>
        pairsOf(visitAll(table, rules, "dedupe", { ...options, partition: { index, count } })),
      );
      expect(parts.flat().sort(), `seed ${seed}`).toEqual(all);
      expect(new Set(parts.flat()).size).toBe(all.length);
    }
  });

  it("samples a rule's pairs uniformly without enumerating them, and gives all when they are few", () => {
    const table = randomTable(3, 400);
    const rule = { name: "postcode", expression: "postcode" };
    const all = pairsOf(visitAll(table, [rule], "dedupe"));
    const few = sampleRulePairs(table, rule, "dedupe", all.length + 10, random(1));
    expect(few.count).toBe(all.length);
    const drawn = sampleRulePairs(table, rule, "dedupe", 60_000, random(2), 10_000);
    // More draws than pairs forces sampling: cap the pairs the rule may give whole.
    const capped = sampleRulePairs(table, rule, "dedupe", 3_000, random(4));
    expect(capped.count).toBe(3_000);
    expect(drawn.count).toBe(all.length);
    const allSet = new Set(all);
    const hits = new Map<string, number>();
    const many = sampleRulePairs(table, rule, "dedupe", all.length - 1, random(5));
    expect(many.count).toBe(all.length - 1);
    for (let p = 0; p < many.count; p++) {
      const k = `${many.left[p]},${many.right[p]}`;
      expect(allSet.has(k)).toBe(true);
      hits.set(k, (hits.get(k) ?? 0) + 1);
    }
    // Drawn with replacement about uniformly: most pairs appear, none many times.
    expect(hits.size).toBeGreaterThan(all.length * 0.55);
    expect(Math.max(...hits.values())).toBeLessThan(10);
    const linked = sampleRulePairs(table, rule, "link", 5_000, random(3));
    for (let p = 0; p < linked.count; p++) {
      expect(table.source[linked.left[p] as number]).not.toBe(table.source[linked.right[p] as number]);
    }
  });
});
