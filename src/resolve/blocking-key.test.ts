import { describe, expect, it } from "vitest";
import { BlockingKeyError, computeBlockKeys, parseBlockingKey } from "./blocking-key.js";
import {
  dateFeature,
  type Feature,
  listFeature,
  numberFeature,
  type RecordTable,
  textFeature,
} from "./record-table.js";

function people(): RecordTable {
  return {
    size: 5,
    keys: ["a/1", "a/2", "b/1", "b/2", "b/3"],
    source: Uint16Array.of(0, 0, 1, 1, 1),
    sources: ["a", "b"],
    features: new Map<string, Feature>([
      ["given", textFeature(["John", "Jane", null, "Li", "Joan"])],
      ["familyPhonetic", textFeature(["SM0", "SM0", "JNS", null, "SM0"])],
      [
        "email",
        listFeature([["j@x.io", "john@y.io"], [], ["j@x.io"], ["jj@x.io", "jj@y.io"], ["joan@x.io"]]),
      ],
      ["phone", listFeature([["0612345678"], ["0612345678", "0799"], [], ["1"], ["0612345678"]])],
      [
        "dateOfBirth",
        dateFeature([
          { year: 1980, month: 3, day: 7 },
          { year: 1980, month: 3, day: 0 },
          { year: 1981, month: 0, day: 0 },
          null,
          { year: 1980, month: 12, day: 31 },
        ]),
      ],
      ["age", numberFeature([40, null, 41, 42, 43])],
    ]),
  };
}

/** Every record's keys, readably; lists give several. */
function keysOf(table: RecordTable, expression: string): string[][] {
  const k = computeBlockKeys(table, parseBlockingKey(expression));
  return Array.from({ length: table.size }, (_, r) => {
    if (k.offsets === null) return (k.key[r] as number) < 0 ? [] : [k.describe(r)];
    const out: string[] = [];
    for (let e = k.offsets[r] as number; e < (k.offsets[r + 1] as number); e++) out.push(k.describe(e));
    return out.sort();
  });
}

describe("parseBlockingKey", () => {
  it.each([
    ["postcode", [{ kind: "feature", feature: "postcode", position: 0 }]],
    ["  email ", [{ kind: "feature", feature: "email", position: 2 }]],
    ["first(given,1)", [{ kind: "first", feature: "given", length: 1, position: 0 }]],
    ["last( phone , 7 )", [{ kind: "last", feature: "phone", length: 7, position: 0 }]],
    ["year(dateOfBirth)", [{ kind: "year", feature: "dateOfBirth", position: 0 }]],
    ["month(dob)", [{ kind: "month", feature: "dob", position: 0 }]],
    ["yearMonth(dob)", [{ kind: "yearMonth", feature: "dob", position: 0 }]],
    [
      "familyPhonetic & year(dateOfBirth)",
      [
        { kind: "feature", feature: "familyPhonetic", position: 0 },
        { kind: "year", feature: "dateOfBirth", position: 17 },
      ],
    ],
    [
      "postcode&first(given,1)&email",
      [
        { kind: "feature", feature: "postcode", position: 0 },
        { kind: "first", feature: "given", length: 1, position: 9 },
        { kind: "feature", feature: "email", position: 24 },
      ],
    ],
  ])("parses %j", (expression, terms) => {
    expect(parseBlockingKey(expression).terms).toEqual(terms);
  });

  it.each([
    ["", "syntax", 0, "expected a feature name but found the end"],
    ["postcode &", "syntax", 10, "expected a feature name but found the end"],
    ["& postcode", "syntax", 0, 'expected a feature name but found "&"'],
    ["postcode email", "syntax", 9, 'expected "&" or the end but found "e"'],
    ["soundex(family)", "unknown-function", 0, 'unknown function "soundex"'],
    ["first(given)", "syntax", 11, 'expected "," but found ")"'],
    ["first(given,0)", "syntax", 12, "must be at least 1"],
    ["first(given,x)", "syntax", 12, 'expected a length but found "x"'],
    ["year(dob", "syntax", 8, 'expected ")" but found the end'],
    ["a & year()", "syntax", 9, 'expected a feature name but found ")"'],
    ["postcode | email", "syntax", 9, 'expected "&" or the end but found "|"'],
  ])("rejects %j", (expression, code, position, detail) => {
    let error: unknown;
    try {
      parseBlockingKey(expression, "myRule");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BlockingKeyError);
    const e = error as BlockingKeyError;
    expect(e.code).toBe(code);
    expect(e.position).toBe(position);
    expect(e.rule).toBe("myRule");
    expect(e.message).toContain('Blocking rule "myRule"');
    expect(e.message).toContain(`at position ${position}`);
    expect(e.message).toContain(detail);
  });
});

describe("computeBlockKeys", () => {
  it.each([
    [
      "familyPhonetic",
      [["familyPhonetic=SM0"], ["familyPhonetic=SM0"], ["familyPhonetic=JNS"], [], ["familyPhonetic=SM0"]],
    ],
    [
      "first(given,2)",
      [["first(given,2)=Jo"], ["first(given,2)=Ja"], [], ["first(given,2)=Li"], ["first(given,2)=Jo"]],
    ],
    // a value shorter than the length is kept whole
    [
      "first(given,3)",
      [["first(given,3)=Joh"], ["first(given,3)=Jan"], [], ["first(given,3)=Li"], ["first(given,3)=Joa"]],
    ],
    [
      "last(phone,4)",
      [
        ["last(phone,4)=5678"],
        ["last(phone,4)=0799", "last(phone,4)=5678"],
        [],
        ["last(phone,4)=1"],
        ["last(phone,4)=5678"],
      ],
    ],
    ["year(dateOfBirth)", [["year=1980"], ["year=1980"], ["year=1981"], [], ["year=1980"]]],
    ["month(dateOfBirth)", [["month=3"], ["month=3"], [], [], ["month=12"]]],
    ["yearMonth(dateOfBirth)", [["yearMonth=1980-03"], ["yearMonth=1980-03"], [], [], ["yearMonth=1980-12"]]],
    // a bare date needs year, month and day
    ["dateOfBirth", [["dateOfBirth=1980-03-07"], [], [], [], ["dateOfBirth=1980-12-31"]]],
    [
      "familyPhonetic & year(dateOfBirth)",
      [
        ["familyPhonetic=SM0 & year=1980"],
        ["familyPhonetic=SM0 & year=1980"],
        ["familyPhonetic=JNS & year=1981"],
        [],
        ["familyPhonetic=SM0 & year=1980"],
      ],
    ],
    [
      "email",
      [
        ["email=j@x.io", "email=john@y.io"],
        [],
        ["email=j@x.io"],
        ["email=jj@x.io", "email=jj@y.io"],
        ["email=joan@x.io"],
      ],
    ],
    // two emails with the same first letter give one key, not two
    [
      "first(email,1)",
      [["first(email,1)=j"], [], ["first(email,1)=j"], ["first(email,1)=j"], ["first(email,1)=j"]],
    ],
    [
      "email & phone",
      [
        ["email=j@x.io & phone=0612345678", "email=john@y.io & phone=0612345678"],
        [],
        [],
        ["email=jj@x.io & phone=1", "email=jj@y.io & phone=1"],
        ["email=joan@x.io & phone=0612345678"],
      ],
    ],
    [
      "first(given,1) & email",
      [
        ["first(given,1)=J & email=j@x.io", "first(given,1)=J & email=john@y.io"],
        [],
        [],
        ["first(given,1)=L & email=jj@x.io", "first(given,1)=L & email=jj@y.io"],
        ["first(given,1)=J & email=joan@x.io"],
      ],
    ],
  ])("keys of %j", (expression, expected) => {
    expect(keysOf(people(), expression)).toEqual(expected);
  });

  it("numbers keys in the order of the values (text by string, dates by calendar)", () => {
    const table = people();
    const given = computeBlockKeys(table, parseBlockingKey("given"), { ordered: true });
    // Jane < Joan < John < Li
    expect(Array.from(given.key)).toEqual([2, 0, -1, 3, 1]);
    const dob = computeBlockKeys(table, parseBlockingKey("yearMonth(dateOfBirth) & familyPhonetic"), {
      ordered: true,
    });
    expect(Array.from(dob.key)).toEqual([0, 0, -1, -1, 1]);
  });

  it("equal keys are equal integers, and distinct keys distinct", () => {
    const k = computeBlockKeys(people(), parseBlockingKey("familyPhonetic & year(dateOfBirth)"));
    expect(k.key[0]).toBe(k.key[1]);
    expect(k.key[0]).toBe(k.key[4]);
    expect(k.key[2]).not.toBe(k.key[0]);
    expect(k.keyCount).toBe(2);
  });

  it.each([false, true])(
    "numbers keys exactly when the mixed radix would pass 2^53 (ordered: %s)",
    (ordered) => {
      const n = 300;
      const parts = (m: number) => Array.from({ length: n }, (_, r) => `v${(r * 7919 + m) % 97}`);
      const table: RecordTable = {
        size: n,
        keys: Array.from({ length: n }, (_, r) => `s/${r}`),
        source: new Uint16Array(n),
        sources: ["s"],
        features: new Map<string, Feature>([
          ["a", textFeature(parts(1))],
          ["b", textFeature(parts(2))],
          [
            "d",
            dateFeature(
              Array.from({ length: n }, (_, r) => ({ year: 1900 + (r % 3), month: 1 + (r % 2), day: 1 })),
            ),
          ],
        ]),
      };
      const k = computeBlockKeys(table, parseBlockingKey("d & a & d & b & d"), { ordered });
      const reference = new Map<string, number>();
      for (let r = 0; r < n; r++) {
        const s = k.describe(r);
        const seen = reference.get(s);
        if (seen === undefined) reference.set(s, k.key[r] as number);
        else expect(k.key[r]).toBe(seen);
      }
      expect(new Set(reference.values()).size).toBe(reference.size);
    },
  );

  it.each([
    ["surname", "unknown-feature", 0, 'unknown feature "surname"'],
    ["given & age", "wrong-feature-kind", 8, 'feature "age" is a number feature'],
    [
      "year(given)",
      "wrong-feature-kind",
      0,
      'feature "given" is a text feature and cannot be used in year()',
    ],
    ["first(dateOfBirth,2)", "wrong-feature-kind", 0, "is a date feature"],
  ])("rejects %j against the table", (expression, code, position, detail) => {
    expect(() => computeBlockKeys(people(), parseBlockingKey(expression, "r1"), { rule: "r1" })).toThrow(
      expect.objectContaining({
        name: "BlockingKeyError",
        code,
        position,
        message: expect.stringContaining(detail),
      }),
    );
  });
});
