import { describe, expect, it } from "vitest";
import { emptyAttributes, type RecordAttributes } from "../model/source-record.js";
import { standardizeRecord } from "./record.js";

const now = new Date("2025-06-15T00:00:00Z");
const attrs = (partial: Partial<RecordAttributes>): RecordAttributes => ({
  ...emptyAttributes(),
  ...partial,
});

describe("standardizeRecord", () => {
  it("standardises a FEBRL row", () => {
    const { standardized, issues } = standardizeRecord(
      attrs({
        name: { given: "mitchell", family: "green" },
        addresses: [
          {
            streetNumber: "7",
            line1: "wallaby place",
            line2: "delmar",
            locality: "cleveland",
            postcode: "2119",
            region: "sa",
          },
        ],
        dateOfBirth: "19560409",
        identifiers: [{ type: "national_id", value: "1804974" }],
      }),
      { defaultCountry: "AU", dateOrder: "YMD", now },
    );
    expect(standardized).toMatchObject({
      name: { given: "mitchell", family: "green", givenCanonical: "mitchell" },
      addresses: [
        {
          streetNumber: "7",
          street: "wallaby place",
          locality: "cleveland",
          postcode: "2119",
          country: "AU",
        },
      ],
      dateOfBirth: { iso: "1956-04-09", ambiguous: false },
      gender: null,
      identifiers: [{ type: "national_id", value: "1804974", namespace: null }],
      emails: [],
      phones: [],
    });
    expect(issues.map((i) => [i.code, i.field])).toEqual([
      ["address_postcode_region_mismatch", "addresses[0].postcode"],
    ]);
  });

  it("standardises a Splink fake_1000 row", () => {
    const { standardized, issues } = standardizeRecord(
      attrs({
        name: { given: "Rob", family: "Allen" },
        dateOfBirth: "1971-06-24",
        addresses: [{ city: "London" }],
        emails: [{ address: "roberta25@smith.net" }],
      }),
      { defaultCountry: "GB", dateOrder: "YMD", now },
    );
    expect(standardized.name).toMatchObject({ given: "rob", givenCanonical: "robert", family: "allen" });
    expect(standardized.emails[0]?.normalized).toBe("roberta25@smith.net");
    expect(standardized.addresses[0]).toMatchObject({ city: "london", country: "GB", line: "london" });
    expect(standardized.dateOfBirth?.iso).toBe("1971-06-24");
    expect(issues).toEqual([]);
  });

  it("names the attribute of every issue", () => {
    const { issues } = standardizeRecord(
      attrs({
        emails: [{ address: "ok@example.com" }, { address: "not-an-email" }],
        phones: [{ number: "0412 345 678" }, { number: "call me" }],
        addresses: [{ city: "Sydney" }, { postcode: "ABCDE" }],
        dateOfBirth: "30/02/1980",
        gender: "banana",
        identifiers: [
          { type: "user_id", value: "u1" },
          { type: "cookie", value: "null" },
        ],
        name: { full: "Test Test" },
      }),
      { defaultCountry: "AU", now },
    );
    expect(issues.map((i) => [i.code, i.field])).toEqual([
      ["name_placeholder", "name"],
      ["email_invalid_syntax", "emails[1]"],
      ["address_postcode_invalid", "addresses[1].postcode"],
      ["phone_invalid", "phones[1]"],
      ["date_invalid", "dateOfBirth"],
      ["gender_unreadable", "gender"],
      ["identifier_placeholder", "identifiers[1]"],
    ]);
  });

  it("removes duplicates, keeping the first, and says so", () => {
    const { standardized, issues } = standardizeRecord(
      attrs({
        emails: [
          { address: "John.Smith@gmail.com", label: "home" },
          { address: "johnsmith+shop@googlemail.com" },
          { address: "john.smith@work.com" },
        ],
        phones: [{ number: "0412 345 678" }, { number: "+61 412 345 678" }, { number: "(02) 9876 5432" }],
        addresses: [{ full: "12 Smith St, Sydney NSW 2000" }, { full: "12 Smith Street Sydney NSW 2000" }],
        identifiers: [
          { type: "social_handle", value: "@JaneDoe", namespace: "twitter" },
          { type: "social_handle", value: "https://x.com/janedoe" },
          { type: "social_handle", value: "janedoe", namespace: "instagram" },
        ],
      }),
      { defaultCountry: "AU", now },
    );
    expect(standardized.emails.map((e) => e.canonical)).toEqual([
      "johnsmith@gmail.com",
      "john.smith@work.com",
    ]);
    expect(standardized.emails[0]?.label).toBe("home");
    expect(standardized.phones.map((p) => p.e164)).toEqual(["+61412345678", "+61298765432"]);
    expect(standardized.addresses).toHaveLength(1);
    expect(standardized.identifiers.map((i) => `${i.namespace}:${i.value}`)).toEqual([
      "twitter:janedoe",
      "instagram:janedoe",
    ]);
    expect(issues.map((i) => [i.code, i.field])).toEqual([
      ["email_duplicate", "emails[1]"],
      ["address_duplicate", "addresses[1]"],
      ["phone_duplicate", "phones[1]"],
      ["identifier_duplicate", "identifiers[1]"],
    ]);
  });

  it("reads phones by the record's address country when there is no default country", () => {
    const { standardized, issues } = standardizeRecord(
      attrs({ phones: [{ number: "020 7123 4567" }], addresses: [{ city: "London", country: "UK" }] }),
      { now },
    );
    expect(standardized.phones[0]?.e164).toBe("+442071234567");
    expect(issues).toEqual([]);
  });

  it("says when a phone has no country to be read by", () => {
    const { standardized, issues } = standardizeRecord(attrs({ phones: [{ number: "020 7123 4567" }] }), {
      now,
    });
    expect(standardized.phones[0]?.e164).toBeNull();
    expect(issues.map((i) => [i.code, i.field])).toEqual([["phone_no_country", "phones[0]"]]);
  });

  it("uses the source's date order and checks the date of birth", () => {
    const ambiguous = standardizeRecord(attrs({ dateOfBirth: "04/03/1980" }), { now });
    expect(ambiguous.standardized.dateOfBirth).toMatchObject({ iso: "1980-03-04", ambiguous: true });
    expect(ambiguous.issues.map((i) => i.code)).toEqual(["date_ambiguous_day_month"]);
    const mdy = standardizeRecord(attrs({ dateOfBirth: "04/03/1980" }), { dateOrder: "MDY", now });
    expect(mdy.standardized.dateOfBirth).toMatchObject({ iso: "1980-04-03", ambiguous: false });
    const future = standardizeRecord(attrs({ dateOfBirth: "2030-01-01" }), { now });
    expect(future.standardized.dateOfBirth?.iso).toBe("2030-01-01");
    expect(future.issues.map((i) => i.code)).toEqual(["date_future"]);
  });

  it("standardises gender", () => {
    expect(standardizeRecord(attrs({ gender: "F" }), { now }).standardized.gender).toBe("female");
    expect(standardizeRecord(attrs({ gender: "unknown" }), { now }).standardized.gender).toBeNull();
  });

  it("gives an empty standardised record for empty attributes", () => {
    expect(standardizeRecord(emptyAttributes(), { now })).toEqual({
      standardized: {
        name: null,
        emails: [],
        phones: [],
        addresses: [],
        dateOfBirth: null,
        gender: null,
        identifiers: [],
      },
      issues: [],
    });
  });

  it("reports a default country that is not a code", () => {
    const { issues } = standardizeRecord(emptyAttributes(), { defaultCountry: "Narnia", now });
    expect(issues.map((i) => i.code)).toEqual(["bad_default_country"]);
    const named = standardizeRecord(attrs({ phones: [{ number: "020 7123 4567" }] }), {
      defaultCountry: "UK",
      now,
    });
    expect(named.standardized.phones[0]?.e164).toBe("+442071234567");
  });

  it("is the same on the same input (no hidden state)", () => {
    const input = attrs({
      name: { full: "Dr. Bob Smith Jr." },
      emails: [{ address: "Bob@Gmail.com" }],
      dateOfBirth: "1/2/80",
    });
    expect(standardizeRecord(input, { now })).toEqual(standardizeRecord(input, { now }));
  });
});

describe("standardizeRecord never throws", () => {
  it.each<[string, unknown]>([
    ["null", null],
    ["an empty object", {}],
    ["non-arrays", { emails: "x", phones: 5, addresses: {}, identifiers: null }],
    ["nulls inside arrays", { emails: [null], phones: [null], addresses: [null], identifiers: [null] }],
    ["a non-string date", { dateOfBirth: 19800304, gender: 1 }],
    [
      "10,000-character values everywhere",
      {
        name: { full: "x".repeat(10_000) },
        emails: [{ address: "x".repeat(10_000) }],
        phones: [{ number: "1".repeat(10_000) }],
        addresses: [{ full: "x ".repeat(5_000) }],
        dateOfBirth: "9".repeat(10_000),
        gender: "x".repeat(10_000),
        identifiers: [{ type: "cookie", value: "x".repeat(10_000) }],
      },
    ],
    [
      "emoji everywhere",
      {
        name: { full: "😀" },
        emails: [{ address: "😀" }],
        phones: [{ number: "😀" }],
        addresses: [{ full: "😀" }],
        dateOfBirth: "😀",
        gender: "😀",
        identifiers: [{ type: "user_id", value: "😀" }],
      },
    ],
  ])("%s", (_label, input) => {
    expect(() => standardizeRecord(input as RecordAttributes, { defaultCountry: "AU", now })).not.toThrow();
    expect(() => standardizeRecord(input as RecordAttributes, {})).not.toThrow();
  });
});
