import type { Checked, Issue } from "../model/issue.js";
import { issue } from "../model/issue.js";
import { addressParts, type PostalAddress } from "../model/source-record.js";
import type { StandardAddress } from "../model/standardized.js";
import {
  applyStreetLine,
  emptyWork,
  HAS_ALNUM,
  inferCountry,
  parseFreeText,
  SEGMENT_SPLIT,
  trailingCountry,
  type Work,
} from "./address-text.js";
import { countryCode, isCountryCode } from "./countries.js";
import { fold, foldLetters } from "./fold.js";
import { normalizePostcode } from "./postcodes.js";
import { australianStateOfPostcode, standardizeRegion } from "./regions.js";
import { isUnitOnly, looksLikeStreet, parseStreetLine, unitOnly } from "./street-line.js";
import { expandPlaceName, expandStreet, hasStreetType } from "./street-types.js";
import { parseUsAddress } from "./us-address.js";

/**
 * Postal addresses. Parts the source gives separately are kept (and win over anything parsed); a whole
 * address on one line (`full`, or a `line1` with commas and no other place fields) is parsed: US addresses
 * with parse-address, others by a generic parser that finds the country, the postcode by the country's
 * format, the region, the house number (before the street, or after it where that is the custom), unit and
 * level markers ("Apt 4", "Flat 2", "3/12 Smith St", "Level 5"), PO boxes, and street-type abbreviations in
 * English, German, Dutch, French, Spanish, Italian and Portuguese.
 *
 * What a caller should know:
 * - `country` is ISO alpha-2: the address's own country, else the default country, else one inferred from a
 *   distinctive ending ("… CA 95472" → US, "… NSW 2000" → AU, a UK postcode → GB; with `address_country_inferred`).
 * - Of the place names of a parsed one-line address, the last is the `city` and the one before it the
 *   `locality`; but a lone place name in Australia or New Zealand is the suburb and goes to `locality` (as
 *   FEBRL-style suburb columns do). Compare `locality ?? city`.
 * - US ZIP+4 codes are cut to the 5-digit ZIP; postcodes are lower case ("sw1a 2aa"); US ZIPs and Australian
 *   postcodes that lost their leading zero in a spreadsheet are padded back (`address_postcode_padded`).
 * - `line` joins unit, number, street, any building or property name, locality, city, region and postcode
 *   (not the country), folded, for token comparisons.
 */

const MAX_PART = 500;
/** "00000", "9999", "xxxx": what forms put in a required postcode box. */
const PLACEHOLDER_POSTCODE = /^\s*(?:0+|9{4,}|x+|n\/?a|none|-+)\s*$/i;

function clean(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = (value.length > MAX_PART ? value.slice(0, MAX_PART) : value).trim();
  return HAS_ALNUM.test(text) ? text : undefined;
}

function orNull(text: string): string | null {
  return text === "" ? null : text;
}

function normalizeNumber(text: string): string | null {
  const value = foldLetters(text)
    .replace(/\s*([-–/])\s*/g, "$1")
    .replace(/[^\p{L}\p{N}\s/-]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return orNull(value);
}

interface Parts {
  full?: string;
  line1?: string;
  line2?: string;
  streetNumber?: string;
  street?: string;
  unit?: string;
  locality?: string;
  city?: string;
  region?: string;
  postcode?: string;
  country?: string;
}

function cleanParts(a: PostalAddress): Parts {
  const parts: Parts = {};
  for (const key of addressParts) {
    const value = clean(a[key]);
    if (value !== undefined) parts[key] = value;
  }
  return parts;
}

function defaultCountryOf(defaultCountry: string | undefined, issues: Issue[], field: string): string | null {
  if (typeof defaultCountry !== "string" || defaultCountry.trim() === "") return null;
  const trimmed = defaultCountry.trim();
  const code = isCountryCode(trimmed) ? trimmed.toUpperCase() : countryCode(trimmed);
  if (code === null) {
    issues.push(
      issue("address_bad_default_country", `"${defaultCountry}" is not a known country code`, field),
    );
  }
  return code;
}

/**
 * Parse a whole address on one line into `work`; returns the country found at its end or inferred from it
 * (null when neither).
 */
function parseWholeLine(
  text: string,
  work: Work,
  given: string | null,
  fallback: string | null,
  countryGiven: boolean,
  issues: Issue[],
  field: string,
): string | null {
  work.freeText = true;
  const segments = foldLetters(text)
    .split(SEGMENT_SPLIT)
    .filter((s) => HAS_ALNUM.test(s));
  let country = given;
  if (!countryGiven) country = trailingCountry(segments, fallback) ?? country;
  const joined = segments.join(", ");
  if (country === null && fallback === null && !countryGiven) {
    country = inferCountry(joined);
    if (country !== null) {
      issues.push(issue("address_country_inferred", `the country was taken to be ${country}`, field, "info"));
    }
  }
  const effective = country ?? fallback;
  const us = effective === "US" ? parseUsAddress(joined) : null;
  if (us !== null && (us.street !== null || us.streetNumber !== null)) {
    work.streetNumber = us.streetNumber;
    work.street = us.street;
    work.unit = us.unit;
    work.city = us.city;
    work.region = us.state;
    work.postcode = us.zip;
    work.recognised =
      us.streetNumber !== null || us.poBox || us.unit !== null || hasStreetType(us.street ?? "", "US");
  } else {
    parseFreeText(joined, effective, work);
  }
  return country;
}

/** Street lines: the one that looks like a street is parsed, a unit-only one gives the unit, others are extras. */
function parseStreetLines(lines: string[], work: Work, country: string | null): void {
  const soft = lines.map((l) => foldLetters(l));
  const parsedLines = soft.map((l) => parseStreetLine(l, country));
  let streetIndex = parsedLines.findIndex((l) => looksLikeStreet(l, country));
  if (streetIndex < 0) streetIndex = parsedLines.findIndex((l) => !isUnitOnly(l));
  soft.forEach((line, i) => {
    const parsed = parsedLines[i]!;
    if (i === streetIndex) {
      const us = country === "US" ? parseUsAddress(line) : null;
      if (us !== null && us.street !== null) {
        work.streetNumber ??= us.streetNumber;
        work.street ??= us.street;
        work.unit ??= us.unit;
        work.recognised = true;
      } else {
        applyStreetLine(work, parsed);
      }
    } else if (isUnitOnly(parsed)) {
      applyStreetLine(work, parsed);
    } else {
      const extra = fold(line);
      if (extra !== "") work.extras.push(extra);
    }
  });
  work.freeText = true;
}

const SLASH_NUMBER = /^\s*([a-z]?\d+[a-z]?)\s*\/\s*(\d+[a-z]?)\s*$/i;

/** Lay the parts the source gave separately over what was parsed. */
function overlayParts(parts: Parts, work: Work, country: string | null): void {
  if (parts.street !== undefined) {
    const parsed = parseStreetLine(foldLetters(parts.street), country);
    work.street = parsed.street;
    if (parts.streetNumber === undefined && parsed.streetNumber !== null)
      work.streetNumber = parsed.streetNumber;
    if (parsed.unit !== null) work.unit ??= parsed.unit;
    if (parsed.level !== null) work.level ??= parsed.level;
    work.recognised = true;
  }
  if (parts.streetNumber !== undefined) {
    // "3/12" in a street-number column: unit 3, number 12.
    const slash = SLASH_NUMBER.exec(parts.streetNumber);
    if (slash !== null && parts.unit === undefined) {
      work.unit = slash[1]!.toLowerCase();
      work.streetNumber = slash[2]!.toLowerCase();
    } else {
      work.streetNumber = parts.streetNumber;
    }
  }
  if (parts.unit !== undefined) {
    const parsed = unitOnly(foldLetters(parts.unit), country);
    work.unit = parsed?.unit ?? fold(parts.unit);
    if (parsed?.level) work.level ??= parsed.level;
  }
  if (parts.locality !== undefined) work.locality = parts.locality;
  if (parts.city !== undefined) work.city = parts.city;
  if (parts.region !== undefined) work.region = parts.region;
  if (parts.postcode !== undefined) work.postcode = parts.postcode;
}

/** A country still unknown may show in the parts: a US state with a ZIP, a UK or Canadian postcode. */
function inferFromParts(work: Work): string | null {
  if (work.postcode === null) return null;
  const inferred = inferCountry(foldLetters(`${work.region ?? ""} ${work.postcode}`).trim());
  if (inferred !== null || work.region !== null) return inferred;
  if (normalizePostcode("GB", work.postcode).valid) return "GB";
  if (normalizePostcode("CA", work.postcode).valid) return "CA";
  return null;
}

const DIGITS = /^\d+$/;
const NOT_POSTCODE_CHARACTERS = /[^\p{L}\p{N} -]/gu;

function checkPostcode(
  text: string | null,
  country: string | null,
  issues: Issue[],
  field: string,
): string | null {
  if (text === null) return null;
  if (PLACEHOLDER_POSTCODE.test(text)) {
    issues.push(issue("address_postcode_placeholder", `"${text}" is a placeholder`, field));
    return null;
  }
  const checked = normalizePostcode(country, text);
  let postcode = checked.postcode;
  if (!checked.valid) {
    const digits = DIGITS.test(postcode) ? postcode : "";
    // Spreadsheets drop leading zeros: 2134 was the ZIP 02134, 800 the postcode 0800.
    if (country === "US" && (digits.length === 3 || digits.length === 4)) {
      postcode = digits.padStart(5, "0");
      issues.push(issue("address_postcode_padded", "leading zeros were restored", field, "info"));
    } else if (country === "AU" && digits.length === 3) {
      postcode = digits.padStart(4, "0");
      issues.push(issue("address_postcode_padded", "a leading zero was restored", field, "info"));
    } else {
      const where = country === null ? "" : ` for ${country}`;
      issues.push(issue("address_postcode_invalid", `"${text}" is not a valid postcode${where}`, field));
    }
  }
  return orNull(postcode.replace(NOT_POSTCODE_CHARACTERS, "").trim());
}

function checkAustralianState(
  postcode: string | null,
  region: string | null,
  issues: Issue[],
  field: string,
): void {
  if (postcode === null || region === null) return;
  const state = australianStateOfPostcode(postcode);
  // ACT postcodes sit inside NSW ranges too.
  if (state === null || state === region || (state === "nsw" && region === "act")) return;
  issues.push(
    issue(
      "address_postcode_region_mismatch",
      `postcode ${postcode} belongs to ${state.toUpperCase()}, not ${region.toUpperCase()}`,
      field,
      "info",
    ),
  );
}

/**
 * Standardise a postal address. `defaultCountry` (ISO alpha-2, or a name `countryCode` knows) applies when
 * the address does not name its country. Never throws; an address with nothing in it gives a null value
 * and `address_empty`.
 */
export function standardizeAddress(
  a: PostalAddress,
  defaultCountry?: string,
  field = "address",
): Checked<StandardAddress> {
  const issues: Issue[] = [];
  if (a === null || typeof a !== "object") {
    return { value: null, issues: [issue("address_empty", "no address was given", field)] };
  }
  const parts = cleanParts(a);
  if (Object.keys(parts).length === 0) {
    return { value: null, issues: [issue("address_empty", "the address is empty", field)] };
  }
  const label = typeof a.label === "string" ? orNull(fold(a.label)) : null;

  let country: string | null = null;
  if (parts.country !== undefined) {
    country = countryCode(parts.country);
    if (country === null) {
      issues.push(
        issue("address_country_unknown", `"${parts.country}" is not a known country`, `${field}.country`),
      );
    }
  }
  const fallback = defaultCountryOf(defaultCountry, issues, field);

  const work = emptyWork();
  const placesGiven = [parts.locality, parts.city, parts.postcode, parts.region].some((p) => p !== undefined);
  const wholeLine =
    parts.full ??
    (parts.line1 !== undefined && !placesGiven && parts.line1.includes(",")
      ? [parts.line1, parts.line2].filter((l) => l !== undefined).join(", ")
      : undefined);
  if (wholeLine !== undefined) {
    country = parseWholeLine(wholeLine, work, country, fallback, parts.country !== undefined, issues, field);
  }
  const streetLines = [parts.line1, parts.line2].filter((l) => l !== undefined);
  const linesUsed = wholeLine !== undefined && parts.full === undefined;
  if (streetLines.length > 0 && !linesUsed && work.street === null) {
    parseStreetLines(streetLines, work, country ?? fallback);
  }
  overlayParts(parts, work, country ?? fallback);

  if (country === null && fallback === null && parts.country === undefined) {
    country = inferFromParts(work);
    if (country !== null) {
      issues.push(issue("address_country_inferred", `the country was taken to be ${country}`, field, "info"));
    }
  }
  const finalCountry = country ?? fallback;

  const postcode = checkPostcode(work.postcode, finalCountry, issues, `${field}.postcode`);
  const region = work.region === null ? null : standardizeRegion(finalCountry, work.region);
  if (finalCountry === "AU") checkAustralianState(postcode, region, issues, `${field}.postcode`);

  const street = work.street === null ? null : orNull(expandStreet(fold(work.street), finalCountry));
  const number = work.streetNumber === null ? null : normalizeNumber(work.streetNumber);
  const unitParts = [work.unit === null ? "" : fold(work.unit), work.level ?? ""].filter((p) => p !== "");
  const unit = unitParts.length === 0 ? null : unitParts.join(" ");
  const locality = work.locality === null ? null : orNull(expandPlaceName(fold(work.locality), finalCountry));
  const city = work.city === null ? null : orNull(expandPlaceName(fold(work.city), finalCountry));
  const extras = work.extras.map((e) => expandPlaceName(e, finalCountry)).filter((e) => e !== "");

  if (work.freeText && !work.recognised && street !== null && number === null && unit === null) {
    issues.push(issue("address_unparsed", "no street number, street type or PO box was recognised", field));
  }

  const line = [unit, number, street, ...extras, locality, city, region, postcode]
    .filter((p) => p !== null)
    .join(" ");
  if (line === "" && finalCountry === null) {
    issues.push(issue("address_empty", "nothing usable remained in the address", field));
    return { value: null, issues };
  }
  return {
    value: {
      label,
      streetNumber: number,
      street,
      unit,
      locality,
      city,
      region,
      postcode,
      country: finalCountry,
      line,
    },
    issues,
  };
}
