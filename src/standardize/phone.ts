import type { CountryCode, NumberType, PhoneNumber } from "libphonenumber-js/max";
import { isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js/max";
import type { Checked, Issue } from "../model/issue.js";
import { issue } from "../model/issue.js";
import type { PhoneAttribute } from "../model/source-record.js";
import type { PhoneType, StandardPhone } from "../model/standardized.js";
import { countryCode } from "./countries.js";
import { fold } from "./fold.js";
import { boundedMemo } from "./memo.js";

/**
 * Phone numbers, with libphonenumber-js and its full ("max") metadata, so that validity and line type are
 * real. Numbers are written out as E.164. What a caller should know:
 * - A number without "+" or "00" needs a country: the `defaultCountry` argument (a source's country, or the
 *   record's address country). Without one it gives `phone_no_country` and a null E.164.
 * - A number that parses but is not valid for its country keeps its E.164 with `valid: false` and
 *   `phone_invalid` when its length is possible there, and has a null E.164 when it is not; obviously fake numbers (all one digit, 1234567890, 555-01xx and the other ranges kept
 *   for drama) give `phone_fake` and a null E.164, so that they never link people.
 * - Extensions are dropped from the E.164 (`phone_extension`, info); letters are read on a phone keypad.
 */

const MAX_INPUT = 100;
const PREFIX_LABEL = /^(?:tel|phone|mobile|mob|cell|fax|home|work|office|ph|t|m|p)\s*[.:]\s*/i;
const EXTENSION =
  /(?:[,;]?\s*(?:ext(?:ension)?\.?|x|#|poste|durchwahl|dw\.?|toestel|interno|int\.?|ramal)\s*[:=]?\s*)(\d{1,7})\s*$/i;
const SEVERAL = /\s*(?:;|\||\bor\b|\bou\b|\boder\b)\s*/i;
/** "1-800-FLOWERS": digits, then a run of at least three letters (with perhaps more digits). */
const VANITY = /^\+?[\d\s().\-/]*\d[\d\s().\-/]*[a-z]{3}[a-z\d\s.-]*$/i;
const NOT_VANITY = new Set([
  "ext",
  "extn",
  "extension",
  "mobile",
  "mob",
  "home",
  "work",
  "cell",
  "fax",
  "tel",
  "office",
]);
const NON_LETTER = /[^a-z]/gi;
const LETTER = /[a-z]/gi;
/** RFC 3966 ";ext=123" must not be taken for a second number. */
const EXTENSION_ONLY = /^\s*ext\s*=/i;
const HAS_DIGIT = /\d/;
const DOUBLE_ZERO = /^\s*00(?!0)/;
const ONE_DIGIT_REPEATED = /^(\d)\1+$/;

const KEYPAD: Record<string, string> = {
  a: "2",
  b: "2",
  c: "2",
  d: "3",
  e: "3",
  f: "3",
  g: "4",
  h: "4",
  i: "4",
  j: "5",
  k: "5",
  l: "5",
  m: "6",
  n: "6",
  o: "6",
  p: "7",
  q: "7",
  r: "7",
  s: "7",
  t: "8",
  u: "8",
  v: "8",
  w: "9",
  x: "9",
  y: "9",
  z: "9",
};

const TYPES: Record<NumberType & string, PhoneType> = {
  MOBILE: "mobile",
  FIXED_LINE: "fixed_line",
  FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
  TOLL_FREE: "toll_free",
  PREMIUM_RATE: "premium_rate",
  VOIP: "voip",
  SHARED_COST: "other",
  PERSONAL_NUMBER: "other",
  PAGER: "other",
  UAN: "other",
  VOICEMAIL: "other",
};

function phoneType(number: PhoneNumber): PhoneType {
  const type = number.getType();
  return type === undefined ? "unknown" : (TYPES[type] ?? "other");
}

/** Ofcom's numbers for TV and radio drama (national significant numbers, without the leading 0). */
const UK_DRAMA =
  /^(?:1134960|1144960|1154960|1164960|1174960|1184960|1214960|1314960|1414960|1514960|1614960|1914980|2079460|2896496|2920180|1632960|7700900|8081570|9098790|3069990)/;
/** ACMA's numbers for creative works: 0x 5550 xxxx, 0x 7010 xxxx, 0491 57x xxx, some 1800 numbers. */
const AU_FICTION = /^(?:[2378]5550\d{4}|[2378]7010\d{4}|49157\d{4}|1800160401|180097570[7-9])$/;

const ASCENDING = "01234567890123456789";
const DESCENDING = "98765432109876543210";

/**
 * Numbers that are not anyone's: one digit repeated, a run of consecutive digits as the national number,
 * and the ranges regulators keep for films and examples (US/CA 555-0100..0199, UK Ofcom drama ranges,
 * Australian ACMA fictitious ranges).
 */
function fakeReason(e164: string, country: string | undefined, nationalNumber: string): string | null {
  if (ONE_DIGIT_REPEATED.test(nationalNumber)) return "one digit repeated";
  if (
    nationalNumber.length >= 7 &&
    (ASCENDING.includes(nationalNumber) || DESCENDING.includes(nationalNumber))
  ) {
    return "a run of consecutive digits";
  }
  if (e164.startsWith("+1") && nationalNumber.length === 10 && nationalNumber.slice(3, 6) === "555") {
    const line = Number(nationalNumber.slice(6));
    if (line >= 100 && line <= 199) return "a 555-01xx number reserved for fiction";
  }
  if (e164.startsWith("+44") && UK_DRAMA.test(nationalNumber)) return "an Ofcom range reserved for drama";
  if (e164.startsWith("+61") && country === "AU" && AU_FICTION.test(nationalNumber)) {
    return "an ACMA range reserved for fiction";
  }
  return null;
}

function lettersToDigits(text: string): string {
  return text.replace(LETTER, (ch) => KEYPAD[ch.toLowerCase()] ?? ch);
}

function parse(text: string, country: CountryCode | undefined): PhoneNumber | undefined {
  try {
    return parsePhoneNumberFromString(text, country === undefined ? undefined : { defaultCountry: country });
  } catch {
    return undefined;
  }
}

/** An ISO alpha-2 code, or any name or code `countryCode` knows ("UK", "Australia"), that libphonenumber supports. */
function normalizeCountry(country: string | undefined): CountryCode | undefined {
  if (typeof country !== "string") return undefined;
  const upper = country.trim().toUpperCase();
  const code = upper.length === 2 && isSupportedCountry(upper) ? upper : countryCode(country);
  return code !== null && isSupportedCountry(code) ? (code as CountryCode) : undefined;
}

/**
 * Standardise one phone number. `defaultCountry` (ISO alpha-2) is used for numbers written without their
 * country code. Never throws.
 */
export const standardizePhone: (
  p: PhoneAttribute,
  defaultCountry?: string,
  field?: string,
) => Checked<StandardPhone> = boundedMemo(
  standardizePhoneUncached,
  (p, defaultCountry, field) =>
    `${p?.number}\u0001${p?.label ?? ""}\u0001${defaultCountry ?? ""}\u0001${field ?? ""}`,
);

function standardizePhoneUncached(
  p: PhoneAttribute,
  defaultCountry?: string,
  field = "phone",
): Checked<StandardPhone> {
  const issues: Issue[] = [];
  const original = typeof p?.number === "string" ? p.number : "";
  const labelText = typeof p?.label === "string" ? fold(p.label) : "";
  const label = labelText === "" ? null : labelText;
  const result = (e164: string | null, country: string | null, valid: boolean, type: PhoneType) => ({
    value: { original, e164, country, valid, type, label },
    issues,
  });

  let text = original.trim();
  if (text === "") {
    issues.push(issue("phone_empty", "the phone number is empty", field));
    return { value: null, issues };
  }
  if (text.length > MAX_INPUT) {
    issues.push(issue("phone_invalid", "far too long to be a phone number", field, "error"));
    return result(null, null, false, "unknown");
  }
  const country = normalizeCountry(defaultCountry);
  if (defaultCountry !== undefined && defaultCountry !== "" && country === undefined) {
    issues.push(issue("phone_bad_default_country", `"${defaultCountry}" is not a known country code`, field));
  }

  text = text.replace(PREFIX_LABEL, "");
  const parts = text.split(SEVERAL).filter((part) => HAS_DIGIT.test(part));
  if (parts.length > 1 && !EXTENSION_ONLY.test(parts[1]!)) {
    issues.push(
      issue("phone_multiple_numbers", "several numbers were given; the first is kept", field, "info"),
    );
    text = parts[0]!;
  }
  const extension = EXTENSION.exec(text);
  if (extension !== null) {
    text = text.slice(0, extension.index);
    issues.push(
      issue("phone_extension", `extension ${extension[1]} is not part of the E.164 number`, field, "info"),
    );
  }
  if (VANITY.test(text.trim()) && !NOT_VANITY.has(text.replace(NON_LETTER, "").toLowerCase())) {
    text = lettersToDigits(text);
    issues.push(issue("phone_letters", "letters were read as keypad digits", field, "info"));
  }
  if (!HAS_DIGIT.test(text)) {
    issues.push(issue("phone_invalid", "there are no digits in the phone number", field, "error"));
    return result(null, null, false, "unknown");
  }

  const hasPlus = text.trimStart().startsWith("+");
  const hasDoubleZero = DOUBLE_ZERO.test(text);
  let number: PhoneNumber | undefined;
  if (hasPlus) {
    number = parse(text, undefined);
  } else if (country !== undefined) {
    number = parse(text, country);
    // "00 44 …" written in a country whose international prefix is not 00 (e.g. from the US).
    if (hasDoubleZero && (number === undefined || !number.isValid())) {
      const international = parse(text.replace(DOUBLE_ZERO, "+"), undefined);
      if (international?.isValid()) number = international;
    }
  } else if (hasDoubleZero) {
    number = parse(text.replace(DOUBLE_ZERO, "+"), undefined);
  } else {
    issues.push(
      issue("phone_no_country", "the number has no country code and no default country was given", field),
    );
    return result(null, null, false, "unknown");
  }

  if (number === undefined) {
    issues.push(issue("phone_invalid", "the phone number could not be read", field, "error"));
    return result(null, null, false, "unknown");
  }

  const e164 = number.number;
  const numberCountry = number.country ?? null;
  const fake = fakeReason(e164, number.country, String(number.nationalNumber));
  if (fake !== null) {
    issues.push(issue("phone_fake", `not a real phone number: ${fake}`, field, "error"));
    return result(null, numberCountry, false, "unknown");
  }
  const valid = number.isValid();
  if (valid) return result(e164, numberCountry, true, phoneType(number));
  // A number of a possible length keeps its E.164 (numbering plans change faster than metadata);
  // one too short or too long for its country is not a phone number.
  const possible = number.isPossible();
  issues.push(
    issue(
      "phone_invalid",
      possible
        ? "the number is not valid for its country"
        : "the number has the wrong length for its country",
      field,
    ),
  );
  return result(possible ? e164 : null, numberCountry, false, "unknown");
}
