import { describe, expect, it } from "vitest";
import type { PhoneType } from "../model/standardized.js";
import { standardizePhone } from "./phone.js";

const std = (number: string, country?: string) => standardizePhone({ number }, country, "phones[0]");
const codes = (number: string, country?: string) => std(number, country).issues.map((i) => i.code);

describe("standardizePhone", () => {
  it.each<[string, string | undefined, string, string, PhoneType]>([
    // With a country code.
    ["+44 20 7123 4567", undefined, "+442071234567", "GB", "fixed_line"],
    ["+44 (0)20 7123 4567", undefined, "+442071234567", "GB", "fixed_line"],
    ["+1 (650) 253-0000", undefined, "+16502530000", "US", "fixed_line_or_mobile"],
    ["+33 6 12 34 56 78", undefined, "+33612345678", "FR", "mobile"],
    ["+49 30 1234567", undefined, "+49301234567", "DE", "fixed_line"],
    ["+49 1512 3456789", undefined, "+4915123456789", "DE", "mobile"],
    ["+61 2 9876 5432", undefined, "+61298765432", "AU", "fixed_line"],
    ["+61 412 345 678", undefined, "+61412345678", "AU", "mobile"],
    ["+81 3-1234-5678", undefined, "+81312345678", "JP", "fixed_line"],
    ["+91 98450 12345", undefined, "+919845012345", "IN", "mobile"],
    ["+55 11 91234-5678", undefined, "+5511912345678", "BR", "mobile"],
    ["+353 87 123 4567", undefined, "+353871234567", "IE", "mobile"],
    ["+64 21 123 4567", undefined, "+64211234567", "NZ", "mobile"],
    ["+1 800 555 1234", undefined, "+18005551234", "US", "toll_free"],
    ["+44 800 123 4567", undefined, "+448001234567", "GB", "toll_free"],
    // National numbers with a default country.
    ["020 7123 4567", "GB", "+442071234567", "GB", "fixed_line"],
    ["07400 123456", "GB", "+447400123456", "GB", "mobile"],
    ["(650) 253-0000", "US", "+16502530000", "US", "fixed_line_or_mobile"],
    ["650.253.0000", "US", "+16502530000", "US", "fixed_line_or_mobile"],
    ["1-650-253-0000", "US", "+16502530000", "US", "fixed_line_or_mobile"],
    ["0412 345 678", "AU", "+61412345678", "AU", "mobile"],
    ["(02) 9876 5432", "AU", "+61298765432", "AU", "fixed_line"],
    ["06 12 34 56 78", "FR", "+33612345678", "FR", "mobile"],
    ["030/1234567", "DE", "+49301234567", "DE", "fixed_line"],
    ["0301234567", "de", "+49301234567", "DE", "fixed_line"],
    ["021 123 4567", "NZ", "+64211234567", "NZ", "mobile"],
    ["087 123 4567", "IE", "+353871234567", "IE", "mobile"],
    // International prefixes.
    ["0044 20 7123 4567", undefined, "+442071234567", "GB", "fixed_line"],
    ["0044 20 7123 4567", "GB", "+442071234567", "GB", "fixed_line"],
    ["0044 20 7123 4567", "US", "+442071234567", "GB", "fixed_line"],
    ["011 44 20 7123 4567", "US", "+442071234567", "GB", "fixed_line"],
    ["0011 44 20 7123 4567", "AU", "+442071234567", "GB", "fixed_line"],
    ["0033 6 12 34 56 78", "DE", "+33612345678", "FR", "mobile"],
    // A country code wins over the default country.
    ["+33 6 12 34 56 78", "US", "+33612345678", "FR", "mobile"],
    // Labels, extensions, letters, several numbers.
    ["tel:+1-650-253-0000", undefined, "+16502530000", "US", "fixed_line_or_mobile"],
    ["Mobile: 0412 345 678", "AU", "+61412345678", "AU", "mobile"],
    ["(650) 253-0000 ext. 123", "US", "+16502530000", "US", "fixed_line_or_mobile"],
    ["650-253-0000 x123", "US", "+16502530000", "US", "fixed_line_or_mobile"],
    ["+1 650 253 0000;ext=44", undefined, "+16502530000", "US", "fixed_line_or_mobile"],
    ["020 7123 4567 #22", "GB", "+442071234567", "GB", "fixed_line"],
    ["1-800-FLOWERS", "US", "+18003569377", "US", "toll_free"],
    ["0412 345 678; 02 9876 5432", "AU", "+61412345678", "AU", "mobile"],
    ["0412 345 678 or 02 9876 5432", "AU", "+61412345678", "AU", "mobile"],
    ["call me on 0412 345 678", "AU", "+61412345678", "AU", "mobile"],
  ])("%j (default %s) → %s %s %s", (number, country, e164, numberCountry, type) => {
    const { value, issues } = std(number, country);
    expect(value).toMatchObject({ original: number, e164, country: numberCountry, valid: true, type });
    expect(issues.filter((i) => i.severity !== "info")).toEqual([]);
  });

  it("keeps the label, folded", () => {
    expect(standardizePhone({ number: "+44 20 7123 4567", label: " Work " }).value?.label).toBe("work");
    expect(standardizePhone({ number: "+44 20 7123 4567" }).value?.label).toBeNull();
  });

  it("says what it did with extensions, letters and second numbers", () => {
    expect(codes("(650) 253-0000 ext. 123", "US")).toEqual(["phone_extension"]);
    expect(codes("1-800-FLOWERS", "US")).toEqual(["phone_letters"]);
    expect(codes("0412 345 678; 02 9876 5432", "AU")).toEqual(["phone_multiple_numbers"]);
  });
});

describe("standardizePhone problems", () => {
  it.each<[string, string | undefined, string, string | null]>([
    // No country to read a national number by.
    ["0412 345 678", undefined, "phone_no_country", null],
    ["(650) 253-0000", undefined, "phone_no_country", null],
    ["6502530000", undefined, "phone_no_country", null],
    ["0412 345 678", "XX", "phone_no_country", null],
    // Parsed but not valid: the E.164 is kept, `valid` is false.
    ["+1 212 000 0000", undefined, "phone_invalid", "+12120000000"],
    ["+44 20 7123 456", undefined, "phone_invalid", "+44207123456"],
    ["0412 345", "AU", "phone_invalid", "+61412345"],
    // Of a length impossible for the country: no E.164.
    ["+44 20 1234", undefined, "phone_invalid", null],
    ["+1 650 253 00000", undefined, "phone_invalid", null],
    // Not a number at all.
    ["call me", "AU", "phone_invalid", null],
    ["n/a", "US", "phone_invalid", null],
    ["+", undefined, "phone_invalid", null],
    ["12", "US", "phone_invalid", null],
    // Obviously fake.
    ["0000000000", "US", "phone_fake", null],
    ["(111) 111-1111", "US", "phone_fake", null],
    ["9999999999", "US", "phone_fake", null],
    ["+1 123 456 7890", undefined, "phone_fake", null],
    ["+91 98765 43210", undefined, "phone_fake", null],
    ["123-456-7890", "US", "phone_fake", null],
    ["0123456789", "FR", "phone_fake", null],
    ["+49 123456789", undefined, "phone_fake", null],
    ["(212) 555-0123", "US", "phone_fake", null],
    ["+1 650 555 0199", undefined, "phone_fake", null],
    ["020 7946 0958", "GB", "phone_fake", null],
    ["07700 900123", "GB", "phone_fake", null],
    ["0161 496 0123", "GB", "phone_fake", null],
    ["+61 491 570 156", undefined, "phone_fake", null],
    ["(02) 5550 1234", "AU", "phone_fake", null],
  ])("%j (default %s) → %s, E.164 %s", (number, country, code, e164) => {
    const { value, issues } = std(number, country);
    expect(issues.map((i) => i.code)).toContain(code);
    expect(issues.find((i) => i.code === code)?.field).toBe("phones[0]");
    expect(value?.e164 ?? null).toBe(e164);
    expect(value?.valid).toBe(false);
  });

  it("keeps 555 numbers outside the fictional 555-0100..0199 range", () => {
    expect(std("(212) 555-1234", "US").value?.e164).toBe("+12125551234");
  });

  it("accepts a country name or common code as the default country", () => {
    expect(std("020 7123 4567", "UK").value?.e164).toBe("+442071234567");
    expect(std("0412 345 678", "Australia").value?.e164).toBe("+61412345678");
  });

  it("reports a default country that is not one", () => {
    expect(codes("0412 345 678", "XX")).toContain("phone_bad_default_country");
  });

  it.each(["", "   "])("%j is empty", (number) => {
    expect(std(number).value).toBeNull();
    expect(codes(number)).toEqual(["phone_empty"]);
  });
});

describe("standardizePhone never throws", () => {
  it.each<[string, unknown]>([
    ["null", null],
    ["a number", { number: 4412345678 }],
    ["10,000 digits", { number: "1".repeat(10_000) }],
    ["10,000 characters", { number: "+44 ".repeat(2500) }],
    ["emoji", { number: "📞 0412 345 678" }],
    ["only punctuation", { number: "()-+.#" }],
    ["letters only", { number: "ABCDEFGHIJ" }],
    ["control characters", { number: "\u0000\u0001" }],
    ["lone surrogate", { number: "\uD800 0412 345 678" }],
    ["many plus signs", { number: "+++++44" }],
  ])("%s", (_label, input) => {
    expect(() => standardizePhone(input as never, "AU")).not.toThrow();
    expect(() => standardizePhone(input as never)).not.toThrow();
  });
});
