import { describe, expect, it } from "vitest";
import type { DateOrder } from "../model/mapping.js";
import type { StandardDate } from "../model/standardized.js";
import { checkBirthDate, standardizeDate } from "./date.js";

const now = new Date("2025-06-15T12:00:00Z");
const std = (s: string, order: DateOrder = "auto") => standardizeDate(s, order, "dateOfBirth", now);
const codes = (s: string, order: DateOrder = "auto") => std(s, order).issues.map((i) => i.code);

describe("standardizeDate reads", () => {
  it.each<[string, DateOrder, string]>([
    // ISO and friends
    ["1980-03-04", "auto", "1980-03-04"],
    ["1980-3-4", "auto", "1980-03-04"],
    ["1980/03/04", "auto", "1980-03-04"],
    ["1980.03.04", "DMY", "1980-03-04"],
    ["1980-03-04T00:00:00Z", "auto", "1980-03-04"],
    ["1980-03-04T23:59:59.999+10:00", "auto", "1980-03-04"],
    ["1980-03-04 10:30", "auto", "1980-03-04"],
    [" 1980-03-04 ", "MDY", "1980-03-04"],
    // Compact (FEBRL writes 19560409)
    ["19560409", "YMD", "1956-04-09"],
    ["19081209", "auto", "1908-12-09"],
    ["20000229", "auto", "2000-02-29"],
    ["25121999", "auto", "1999-12-25"],
    ["12251999", "auto", "1999-12-25"],
    ["04031980", "MDY", "1980-04-03"],
    ["800304", "YMD", "1980-03-04"],
    ["040380", "DMY", "1980-03-04"],
    ["030480", "MDY", "1980-03-04"],
    // Day and month in either order
    ["25/12/1999", "auto", "1999-12-25"],
    ["12/25/1999", "auto", "1999-12-25"],
    ["25-12-1999", "auto", "1999-12-25"],
    ["25.12.1999", "auto", "1999-12-25"],
    ["25 12 1999", "auto", "1999-12-25"],
    ["04/03/1980", "DMY", "1980-03-04"],
    ["04/03/1980", "MDY", "1980-04-03"],
    ["04/03/1980", "auto", "1980-03-04"],
    ["04/03/1980", "YMD", "1980-03-04"],
    ["5/5/1980", "auto", "1980-05-05"],
    ["3/4/1980 12:00:00 AM", "MDY", "1980-03-04"],
    // Two-digit years: the latest year not in the future
    ["25/12/99", "auto", "1999-12-25"],
    ["01/01/24", "DMY", "2024-01-01"],
    ["01/01/25", "DMY", "2025-01-01"],
    ["31/12/25", "DMY", "1925-12-31"],
    ["15/06/25", "DMY", "2025-06-15"],
    ["16/06/25", "DMY", "1925-06-16"],
    ["80/03/04", "YMD", "1980-03-04"],
    // Month names
    ["4 March 1980", "auto", "1980-03-04"],
    ["4 Mar 1980", "auto", "1980-03-04"],
    ["04-Mar-1980", "auto", "1980-03-04"],
    ["04-MAR-80", "auto", "1980-03-04"],
    ["March 4, 1980", "auto", "1980-03-04"],
    ["March 4th, 1980", "auto", "1980-03-04"],
    ["Mar. 4 1980", "auto", "1980-03-04"],
    ["4th of March 1980", "auto", "1980-03-04"],
    ["1980 Mar 04", "auto", "1980-03-04"],
    ["1980-Mar-04", "auto", "1980-03-04"],
    ["Tuesday, March 4, 1980", "auto", "1980-03-04"],
    ["Sept 1, 1990", "auto", "1990-09-01"],
    ["1er avril 1990", "auto", "1990-04-01"],
    ["le 14 juillet 1989", "auto", "1989-07-14"],
    ["3 févr. 1975", "auto", "1975-02-03"],
    ["25 décembre 2000", "auto", "2000-12-25"],
    ["4. März 1980", "auto", "1980-03-04"],
    ["4. Maerz 1980", "auto", "1980-03-04"],
    ["1. Okt. 1990", "auto", "1990-10-01"],
    ["24 Dez 1999", "auto", "1999-12-24"],
    ["4 de marzo de 1980", "auto", "1980-03-04"],
    ["1 ene 2000", "auto", "2000-01-01"],
    ["12 agosto 1970", "auto", "1970-08-12"],
    ["31 dic 1999", "auto", "1999-12-31"],
    ["2 maggio 1985", "auto", "1985-05-02"],
    ["5 mei 1945", "auto", "1945-05-05"],
    ["7 de setembro de 1822", "auto", "1822-09-07"],
    // Other scripts
    ["1980年3月4日", "auto", "1980-03-04"],
    ["1980년 3월 4일", "auto", "1980-03-04"],
    // Excel serial numbers
    ["29284", "auto", "1980-03-04"],
    ["36526", "auto", "2000-01-01"],
    // Leap years
    ["2000-02-29", "auto", "2000-02-29"],
    ["2024-02-29", "auto", "2024-02-29"],
  ])("%j (%s) → %s", (s, order, iso) => {
    expect(std(s, order).value?.iso).toBe(iso);
  });

  it("returns the parts and the original", () => {
    expect(std("  4 March 1980 ").value).toEqual<StandardDate>({
      original: "  4 March 1980 ",
      iso: "1980-03-04",
      year: 1980,
      month: 3,
      day: 4,
      ambiguous: false,
    });
  });
});

describe("standardizeDate never guesses day and month silently", () => {
  it.each(["04/03/1980", "4/3/1980", "04-03-1980", "04.03.1980", "04031980", "04/03/80"])("%j", (s) => {
    const { value, issues } = std(s);
    expect(value).toMatchObject({ iso: "1980-03-04", ambiguous: true });
    expect(issues.map((i) => [i.code, i.field])).toContainEqual(["date_ambiguous_day_month", "dateOfBirth"]);
  });

  it.each<[string, DateOrder]>([
    ["04/03/1980", "DMY"],
    ["04/03/1980", "MDY"],
    ["05/05/1980", "auto"],
    ["25/03/1980", "auto"],
    ["03/25/1980", "auto"],
  ])("%j (%s) is not ambiguous", (s, order) => {
    expect(std(s, order).value?.ambiguous).toBe(false);
    expect(codes(s, order)).not.toContain("date_ambiguous_day_month");
  });

  it("reads a date that only works the other way round against the source order, and says so", () => {
    expect(std("25/03/1980", "MDY").value?.iso).toBe("1980-03-25");
    expect(codes("25/03/1980", "MDY")).toEqual(["date_order_mismatch"]);
    expect(std("03/25/1980", "DMY").value?.iso).toBe("1980-03-25");
    expect(codes("03/25/1980", "DMY")).toEqual(["date_order_mismatch"]);
  });
});

describe("standardizeDate partial dates", () => {
  it.each<[string, Partial<StandardDate>]>([
    ["1980", { iso: null, year: 1980, month: null, day: null }],
    ["March 1980", { iso: null, year: 1980, month: 3, day: null }],
    ["03/1980", { iso: null, year: 1980, month: 3, day: null }],
    ["1980-03", { iso: null, year: 1980, month: 3, day: null }],
    ["4 March", { iso: null, year: null, month: 3, day: 4 }],
  ])("%j", (s, expected) => {
    expect(std(s).value).toMatchObject(expected);
    expect(codes(s)).toContain("date_partial");
  });
});

describe("standardizeDate problems", () => {
  it.each<[string, DateOrder, string]>([
    ["", "auto", "date_empty"],
    ["   ", "auto", "date_empty"],
    ["garbage", "auto", "date_unreadable"],
    ["!!!", "auto", "date_unreadable"],
    ["unknown", "auto", "date_unreadable"],
    ["00/00/0000", "auto", "date_implausible"],
    ["0000-00-00", "auto", "date_implausible"],
    ["0001-01-01", "auto", "date_implausible"],
    ["9999-12-31", "auto", "date_implausible"],
    ["1066-10-14", "auto", "date_implausible"],
    ["30/02/1980", "auto", "date_invalid"],
    ["31/04/1980", "auto", "date_invalid"],
    ["2023-02-29", "auto", "date_invalid"],
    ["1900-02-29", "auto", "date_invalid"],
    ["13/13/1980", "auto", "date_invalid"],
    ["1980-13-01", "auto", "date_invalid"],
    ["1980-00-10", "auto", "date_invalid"],
    ["32 March 1980", "auto", "date_invalid"],
    ["800304", "auto", "date_unreadable"],
    ["123", "auto", "date_unreadable"],
    ["1234567", "auto", "date_unreadable"],
    ["315532800", "auto", "date_unreadable"],
    ["99999", "auto", "date_unreadable"],
    ["March April 1980", "auto", "date_unreadable"],
    ["4 March 1980 5", "auto", "date_unreadable"],
  ])("%j (%s) → %s", (s, order, code) => {
    const { value, issues } = std(s, order);
    expect(value).toBeNull();
    expect(issues.map((i) => i.code)).toContain(code);
  });

  it("notes two-digit years and spreadsheet serials", () => {
    expect(codes("25/12/99")).toEqual(["date_two_digit_year"]);
    expect(codes("29284")).toEqual(["date_excel_serial"]);
  });

  it("uses the field it is given", () => {
    expect(standardizeDate("garbage", "auto", "extra.signup", now).issues[0]?.field).toBe("extra.signup");
  });
});

describe("standardizeDate never throws", () => {
  it.each<[string, unknown]>([
    ["null", null],
    ["a number", 19800304],
    ["10,000 characters", "1".repeat(10_000)],
    ["emoji", "📅 4 March 1980"],
    ["only punctuation", "//--..::"],
    ["control characters", "\u0000\u0001"],
    ["lone surrogate", "\uD800"],
    ["huge numbers", "99999999999999999999/99999999999/9999"],
  ])("%s", (_label, input) => {
    expect(() => standardizeDate(input as string, "auto", "dateOfBirth", now)).not.toThrow();
    expect(() => standardizeDate(input as string, "auto", "dateOfBirth", new Date(Number.NaN))).not.toThrow();
  });
});

describe("checkBirthDate", () => {
  const date = (s: string) => std(s).value!;
  it.each<[string, string[]]>([
    ["1980-03-04", []],
    ["2025-06-15", []],
    ["2025-06-16", ["date_future"]],
    ["2030-01-01", ["date_future"]],
    ["2026", ["date_future"]],
    ["July 2025", ["date_future"]],
    ["June 2025", []],
    ["1906-01-01", []],
    ["1904-06-16", []],
    ["1904-06-15", ["date_implausible"]],
    ["1850-01-01", ["date_implausible"]],
    ["1900-01-01", ["date_implausible", "date_placeholder"]],
    ["1970-01-01", ["date_placeholder"]],
  ])("%j → %j", (s, expected) => {
    expect(checkBirthDate(date(s), now).map((i) => i.code)).toEqual(expected);
  });

  it("gives a placeholder 1970-01-01 as information only", () => {
    expect(checkBirthDate(date("1970-01-01"), now)[0]?.severity).toBe("info");
  });

  it("ignores dates with no year and bad input", () => {
    expect(checkBirthDate(date("4 March"), now)).toEqual([]);
    expect(checkBirthDate(null as unknown as StandardDate, now)).toEqual([]);
  });
});
