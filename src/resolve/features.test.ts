import { describe, expect, it } from "vitest";
import { standardizeRecord } from "../standardize/record.js";
import { buildRecordTable, isKnownFeature } from "./features.js";
import { textValue } from "./record-table.js";

const now = new Date("2025-06-01T00:00:00Z");
const record = (key: string, source: string, attributes: Parameters<typeof standardizeRecord>[0]) => ({
  key,
  source,
  standardized: standardizeRecord(attributes, { defaultCountry: "US", now }).standardized,
});
const empty = { emails: [], phones: [], addresses: [], identifiers: [], texts: [], extra: {} };

describe("buildRecordTable", () => {
  const records = [
    record("crm/1", "crm", {
      ...empty,
      name: { given: "Bob", family: "Smith" },
      emails: [{ address: "Bob.Smith+shop@gmail.com" }],
      phones: [{ number: "(617) 253-1000" }],
      dateOfBirth: "1980-03-04",
      identifiers: [{ type: "loyalty_number", value: "ll-001" }],
    }),
    record("web/9", "web", {
      ...empty,
      name: { given: "Robert", family: "Smyth" },
      emails: [{ address: "bobsmith@gmail.com" }],
    }),
    record("web/10", "web", { ...empty }),
  ];
  const table = buildRecordTable(records, [
    "given",
    "givenCanonical",
    "familyPhonetic",
    "email",
    "phone",
    "phoneLast7",
    "dateOfBirth",
    "id:loyalty_number",
  ]);

  it("keeps record order, keys and sources", () => {
    expect(table.size).toBe(3);
    expect(table.keys).toEqual(["crm/1", "web/9", "web/10"]);
    expect(table.sources).toEqual(["crm", "web"]);
    expect([...table.source]).toEqual([0, 1, 1]);
  });

  it("interns standardised values so equal values share a code", () => {
    const canonical = table.features.get("givenCanonical");
    expect(canonical?.kind).toBe("text");
    if (canonical?.kind !== "text") return;
    expect(canonical.codes[0]).toBe(canonical.codes[1]); // bob and robert
    expect(canonical.codes[2]).toBe(-1);
    const email = table.features.get("email");
    if (email?.kind !== "list") throw new Error("email is a list feature");
    // gmail's canonical form drops dots and the plus tag: both records share one code.
    expect(email.codes[email.offsets[0] as number]).toBe(email.codes[email.offsets[1] as number]);
    const phonetic = table.features.get("familyPhonetic");
    if (phonetic?.kind !== "text") throw new Error("text");
    expect(textValue(phonetic, 0)).toBe(textValue(phonetic, 1)); // smith ~ smyth
  });

  it("builds dates, phones and identifiers", () => {
    const dob = table.features.get("dateOfBirth");
    if (dob?.kind !== "date") throw new Error("date");
    expect([dob.year[0], dob.month[0], dob.day[0]]).toEqual([1980, 3, 4]);
    const last7 = table.features.get("phoneLast7");
    if (last7?.kind !== "list") throw new Error("list");
    expect(last7.dictionary).toEqual(["2531000"]);
    const loyalty = table.features.get("id:loyalty_number");
    if (loyalty?.kind !== "list") throw new Error("list");
    expect(loyalty.dictionary).toEqual(["LL001"]);
  });

  it("refuses an unknown feature by name", () => {
    expect(isKnownFeature("id:user_id")).toBe(true);
    expect(isKnownFeature("shoeSize")).toBe(false);
    expect(() => buildRecordTable(records, ["shoeSize"])).toThrow(/unknown feature "shoeSize"/);
  });
});
