import type { Checked, Issue } from "../model/issue.js";
import { issue } from "../model/issue.js";
import type { DateOrder } from "../model/mapping.js";
import type { StandardDate } from "../model/standardized.js";
import { foldLetters } from "./fold.js";

/**
 * Dates (of birth, mostly) in the forms sources write them: ISO (with or without a time), compact YYYYMMDD,
 * day/month/year and month/day/year with "/", "-", "." or spaces, two-digit years, month names and
 * abbreviations in English, French, German, Spanish, Italian, Dutch and Portuguese, "1980年3月4日", and
 * Excel serial numbers (five digits only).
 *
 * What a caller should know:
 * - When day and month could be either way round (03/04/1980) and the source's order is "auto", the date is
 *   read day-first, `ambiguous` is true and a `date_ambiguous_day_month` issue says so. A source order of
 *   "DMY" or "MDY" settles it; a date that only makes sense the other way round is read that way with
 *   `date_order_mismatch`.
 * - A two-digit year is the latest year that is not in the future (`now`): 24 → 2024 in 2025, 80 → 1980.
 * - A year alone or a month and year ("March 1980") give `iso: null` with the parts known (`date_partial`).
 * - Impossible dates (30 February) and years outside 1800–2200 (0001-01-01, 9999-12-31) give a null value.
 */

const MAX_INPUT = 100;
const MIN_YEAR = 1800;
const MAX_YEAR = 2200;

const MONTH_NAMES: Record<string, number> = {};
function months(names: string, month: number): void {
  for (const name of names.split(" ")) MONTH_NAMES[name] = month;
}
months("january jan janv janvier januar janner jaenner enero ene gennaio gen januari janeiro", 1);
months("february feb febr fevr fev fevrier februar febrero febbraio februari fevereiro", 2);
months("march mar mars marz maerz mrz marzo maart mrt marco", 3);
months("april apr avr avril abril abr aprile", 4);
months("may mai mayo maggio mag mei maio", 5);
months("june jun juin juni junio giugno giu junho", 6);
months("july jul juil juillet juli julio luglio lug julho", 7);
months("august aug aout agosto ago augustus", 8);
months("september sep sept septembre setiembre septiembre set settembre setembro", 9);
months("october oct octobre oktober okt octubre ottobre ott outubro out", 10);
months("november nov novembre noviembre novembro", 11);
months("december dec decembre dezember dez diciembre dic dicembre dezembro", 12);

const WEEKDAY =
  /^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lunes|martes|miercoles|jueves|viernes|sabado|domingo)\.?,?\s+/;
const TIME =
  /(?:t|\s+|(?<=\d))\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:am|pm|a\.m\.|p\.m\.)?\s*(?:z|utc|gmt|[+-]\d{2}:?\d{2})?$/;
const CJK_DATE = /^(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?$/;
const YMD = /^(\d{4})[-/.\s](\d{1,2})[-/.\s](\d{1,2})$/;
const NUMERIC = /^(\d{1,2})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{4}|\d{2})$/;
const MONTH_YEAR = /^(\d{1,2})[-/.](\d{4})$/;
const YEAR_MONTH = /^(\d{4})[-/.](\d{1,2})$/;
const DIGITS = /^\d+$/;
const TOKEN_SPLIT = /[\s,.\-/]+/;
const ORDINAL = /^(\d{1,2})(?:st|nd|rd|th|er|re|e|eme|o|a)$/;
const FILLER = new Set(["of", "the", "de", "del", "den", "der", "le", "el", "di", "van"]);

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

interface Parts {
  year: number | null;
  month: number | null;
  day: number | null;
  /** Two digits only: the century is still to be chosen. */
  shortYear: boolean;
  ambiguous: boolean;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

interface Today {
  year: number;
  month: number;
  day: number;
}

function todayOf(now: Date): Today {
  const valid = now instanceof Date && !Number.isNaN(now.getTime());
  const date = valid ? now : new Date();
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Compare (year, month?, day?) with today: positive when later. Unknown parts compare as equal. */
function compareWithToday(year: number, month: number | null, day: number | null, today: Today): number {
  if (year !== today.year) return year - today.year;
  if (month === null || month === today.month) return day === null || month === null ? 0 : day - today.day;
  return month - today.month;
}

/**
 * Resolve which of two numbers is the day and which the month, given the source's order. Pushes issues.
 */
function dayMonth(
  first: number,
  second: number,
  order: DateOrder,
  issues: Issue[],
  field: string,
): { day: number; month: number; ambiguous: boolean } | null {
  const dmy = { day: first, month: second, ambiguous: false };
  const mdy = { day: second, month: first, ambiguous: false };
  if (order === "DMY" || order === "MDY") {
    const wanted = order === "DMY" ? dmy : mdy;
    const other = order === "DMY" ? mdy : dmy;
    if (wanted.month > 12 && other.month <= 12) {
      issues.push(
        issue(
          "date_order_mismatch",
          `read as ${order === "DMY" ? "month/day" : "day/month"}, against the source order`,
          field,
        ),
      );
      return other;
    }
    return wanted;
  }
  if (first > 12 && second <= 12) return dmy;
  if (second > 12 && first <= 12) return mdy;
  if (first > 12 && second > 12) return null;
  if (first === second) return dmy;
  issues.push(
    issue(
      "date_ambiguous_day_month",
      `${first} and ${second} could each be the day or the month; read as day ${first}, month ${second}`,
      field,
    ),
  );
  return { ...dmy, ambiguous: true };
}

function parts(year: number | null, month: number | null, day: number | null, shortYear = false): Parts {
  return { year, month, day, shortYear, ambiguous: false };
}

/** Read a text into parts; null when it is not a date at all. */
function read(text: string, order: DateOrder, issues: Issue[], field: string): Parts | null {
  let m = YMD.exec(text) ?? CJK_DATE.exec(text);
  if (m !== null) return parts(Number(m[1]), Number(m[2]), Number(m[3]));

  if (DIGITS.test(text)) {
    if (text.length === 8) {
      const year = Number(text.slice(0, 4));
      const month = Number(text.slice(4, 6));
      const day = Number(text.slice(6, 8));
      const ymdPlausible = year >= MIN_YEAR && year <= MAX_YEAR && month >= 1 && month <= 12 && day >= 1;
      if (order === "YMD" || ymdPlausible) return parts(year, month, day);
      const resolved = dayMonth(Number(text.slice(0, 2)), Number(text.slice(2, 4)), order, issues, field);
      if (resolved === null) return parts(Number(text.slice(4)), 13, 0);
      return { ...parts(Number(text.slice(4)), resolved.month, resolved.day), ambiguous: resolved.ambiguous };
    }
    if (text.length === 6) {
      const a = Number(text.slice(0, 2));
      const b = Number(text.slice(2, 4));
      const c = Number(text.slice(4, 6));
      if (order === "YMD") return parts(a, b, c, true);
      if (order === "DMY") return parts(c, b, a, true);
      if (order === "MDY") return parts(c, a, b, true);
      return null;
    }
    if (text.length === 5) {
      const serial = Number(text);
      if (serial < 10_000 || serial > 73_050) return null;
      const date = new Date(EXCEL_EPOCH + serial * DAY_MS);
      issues.push(
        issue("date_excel_serial", `read as the spreadsheet serial number ${serial}`, field, "info"),
      );
      return parts(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
    }
    if (text.length === 4) return parts(Number(text), null, null);
    return null;
  }

  m = NUMERIC.exec(text);
  if (m !== null) {
    const [a, b, c] = [Number(m[1]), Number(m[2]), m[3]!];
    const shortYear = c.length === 2;
    if (order === "YMD" && shortYear) return parts(a, b, Number(c), true);
    const resolved = dayMonth(a, b, order === "YMD" ? "auto" : order, issues, field);
    if (resolved === null) return parts(Number(c), 13, 0, shortYear);
    return { ...parts(Number(c), resolved.month, resolved.day, shortYear), ambiguous: resolved.ambiguous };
  }
  m = MONTH_YEAR.exec(text);
  if (m !== null) return parts(Number(m[2]), Number(m[1]), null);
  m = YEAR_MONTH.exec(text);
  if (m !== null) return parts(Number(m[1]), Number(m[2]), null);

  return readWithMonthName(text);
}

/** "4 March 1980", "March 4th, 1980", "04-mar-80", "1980 Mar 04", "4. März 1980", "4 de marzo de 1980". */
function readWithMonthName(text: string): Parts | null {
  let month: number | null = null;
  const numbers: string[] = [];
  let monthIndex = -1;
  for (const raw of text.split(TOKEN_SPLIT)) {
    if (raw === "" || FILLER.has(raw)) continue;
    const named = MONTH_NAMES[raw];
    if (named !== undefined) {
      if (month !== null) return null;
      month = named;
      monthIndex = numbers.length;
      continue;
    }
    const ordinal = ORDINAL.exec(raw);
    const token = ordinal !== null ? ordinal[1]! : raw;
    if (!DIGITS.test(token) || token.length > 4 || token.length === 3) return null;
    numbers.push(token);
  }
  if (month === null || numbers.length === 0 || numbers.length > 2) return null;
  if (numbers.length === 1) {
    const only = numbers[0]!;
    if (only.length === 4) return parts(Number(only), month, null);
    return parts(null, month, Number(only));
  }
  const [first, second] = numbers as [string, string];
  if (first.length === 4) return parts(Number(first), month, Number(second));
  if (second.length === 4) return parts(Number(second), month, Number(first));
  // Two short numbers: "04-mar-80" (day first) or "mar 04 80"; "80 mar 04" is not a form anyone writes.
  if (monthIndex === 0 || monthIndex === 1) return parts(Number(second), month, Number(first), true);
  return null;
}

/**
 * Standardise a date. `order` is the source's day/month order for numeric dates; `now` decides the century
 * of two-digit years. Never throws.
 */
export function standardizeDate(
  s: string,
  order: DateOrder = "auto",
  field = "dateOfBirth",
  now: Date = new Date(),
): Checked<StandardDate> {
  const issues: Issue[] = [];
  const original = typeof s === "string" ? s : "";
  const text0 = original.trim();
  if (text0 === "") return { value: null, issues: [issue("date_empty", "the date is empty", field)] };
  if (text0.length > MAX_INPUT) {
    return { value: null, issues: [issue("date_unreadable", "far too long to be a date", field, "error")] };
  }
  let text = foldLetters(text0).replace(TIME, "").trim();
  text = text.replace(WEEKDAY, "").trim();

  const found = read(text, order, issues, field);
  if (found === null) {
    issues.push(issue("date_unreadable", `"${original}" could not be read as a date`, field, "error"));
    return { value: null, issues };
  }
  let { year } = found;
  const { month, day } = found;
  const today = todayOf(now);

  if (year !== null && found.shortYear) {
    const recent = 2000 + year;
    year = compareWithToday(recent, month, day, today) > 0 ? 1900 + year : recent;
    issues.push(issue("date_two_digit_year", `the two-digit year was read as ${year}`, field, "info"));
  }

  if (year !== null && (year < MIN_YEAR || year > MAX_YEAR)) {
    issues.push(issue("date_implausible", `the year ${year} is not plausible`, field, "error"));
    return { value: null, issues };
  }
  if (month !== null && (month < 1 || month > 12)) {
    issues.push(issue("date_invalid", `"${original}" has no valid month`, field, "error"));
    return { value: null, issues };
  }
  if (day !== null && (day < 1 || (month !== null && day > daysInMonth(year ?? 2000, month)) || day > 31)) {
    issues.push(issue("date_invalid", `"${original}" is not a date on the calendar`, field, "error"));
    return { value: null, issues };
  }

  const complete = year !== null && month !== null && day !== null;
  if (!complete) {
    issues.push(issue("date_partial", "only part of the date is known", field, "info"));
  }
  return {
    value: {
      original,
      iso: complete ? `${pad(year!, 4)}-${pad(month!, 2)}-${pad(day!, 2)}` : null,
      year,
      month,
      day,
      ambiguous: found.ambiguous,
    },
    issues,
  };
}

/** Dates that systems write when they know nothing: epoch starts and spreadsheet zeros. */
const PLACEHOLDER_DATES = new Map<string, "warning" | "info">([
  ["1900-01-01", "warning"],
  ["1901-01-01", "warning"],
  ["1899-12-31", "warning"],
  ["1899-12-30", "warning"],
  ["1800-01-01", "warning"],
  ["1970-01-01", "info"],
]);

const MAX_AGE = 120;

/**
 * Problems with a date as a date of birth, as of `now`: in the future (`date_future`), more than 120 years
 * ago (`date_implausible`), or a value systems use as a placeholder (`date_placeholder`).
 */
export function checkBirthDate(d: StandardDate, now: Date, field = "dateOfBirth"): Issue[] {
  const issues: Issue[] = [];
  if (d === null || typeof d !== "object" || d.year === null) return issues;
  const today = todayOf(now);
  if (compareWithToday(d.year, d.month, d.day, today) > 0) {
    issues.push(issue("date_future", "the date of birth is in the future", field, "error"));
    return issues;
  }
  const age = today.year - d.year - (compareWithToday(today.year, d.month, d.day, today) > 0 ? 1 : 0);
  if (age > MAX_AGE) {
    issues.push(issue("date_implausible", `the date of birth makes the person ${age} years old`, field));
  }
  const placeholder = d.iso === null ? undefined : PLACEHOLDER_DATES.get(d.iso);
  if (placeholder !== undefined) {
    issues.push(
      issue(
        "date_placeholder",
        `${d.iso} is often a placeholder, not a real date of birth`,
        field,
        placeholder,
      ),
    );
  }
  return issues;
}
