import { countryCode } from "./countries.js";
import { fold } from "./fold.js";
import { findPostcode } from "./postcodes.js";
import { hasRegionTable, regionCode } from "./regions.js";
import { cut, isUnitOnly, looksLikeStreet, parseStreetLine, type StreetLine } from "./street-line.js";
import { isTrailingStreetType, streetLanguages } from "./street-types.js";

/**
 * A whole address written on one line (or several lines joined with commas): the country at its end, a
 * country inferred from a distinctive ending, and the split into street, places, region and postcode.
 */

/** What the parsers found so far; the parts given separately are laid over it afterwards. */
export interface Work {
  streetNumber: string | null;
  /** Folded, not yet expanded. */
  street: string | null;
  unit: string | null;
  level: string | null;
  locality: string | null;
  city: string | null;
  region: string | null;
  postcode: string | null;
  /** Building or property names and other lines that are neither street nor place. */
  extras: string[];
  /** Something street-like (a number, a street type, a PO box, a unit) was recognised in free text. */
  recognised: boolean;
  freeText: boolean;
}

export const HAS_ALNUM = /[\p{L}\p{N}]/u;
export const SEGMENT_SPLIT = /\s*(?:[,;\n\r|]|\s-\s)\s*/;

const US_ENDING = /(?:^|[\s,])([a-z]{2})\.?\s+(\d{5})(?:-\d{4})?\s*$/;
const AU_ENDING = /(?:^|[\s,])(nsw|vic|qld|wa|sa|tas|act|nt)\.?\s+(\d{4})\s*$/;
const CA_ENDING = /(?:^|[\s,])([a-z]{2})\.?\s+([a-z]\d[a-z]\s?\d[a-z]\d)\s*$/;
const SAINT_LIKE = new Set(["st", "ste", "saint", "sainte", "mt", "mount", "ft", "fort"]);
/** Country names recognised at the very end of a one-line address without a comma before them. */
const TRAILING_COUNTRY_NAMES = new Map<string, string>([
  ["australia", "AU"],
  ["usa", "US"],
  ["united states", "US"],
  ["united states of america", "US"],
  ["uk", "GB"],
  ["united kingdom", "GB"],
  ["england", "GB"],
  ["scotland", "GB"],
  ["northern ireland", "GB"],
  ["canada", "CA"],
  ["germany", "DE"],
  ["deutschland", "DE"],
  ["france", "FR"],
  ["netherlands", "NL"],
  ["nederland", "NL"],
  ["ireland", "IE"],
  ["new zealand", "NZ"],
  ["india", "IN"],
  ["brazil", "BR"],
  ["brasil", "BR"],
  ["japan", "JP"],
  ["italy", "IT"],
  ["italia", "IT"],
  ["spain", "ES"],
  ["espana", "ES"],
  ["switzerland", "CH"],
  ["schweiz", "CH"],
  ["suisse", "CH"],
  ["austria", "AT"],
  ["osterreich", "AT"],
  ["belgium", "BE"],
  ["belgique", "BE"],
  ["mexico", "MX"],
]);
const SUBURB_COUNTRIES = new Set(["AU", "NZ"]);
const HOUSE_NUMBER_ONLY = /^(?:n[°º]\s*|no\.?\s*|nr\.?\s*)?\d+[a-z]?(?:[-/]\d+[a-z]?)?$/;

export function emptyWork(): Work {
  return {
    streetNumber: null,
    street: null,
    unit: null,
    level: null,
    locality: null,
    city: null,
    region: null,
    postcode: null,
    extras: [],
    recognised: false,
    freeText: false,
  };
}

export function applyStreetLine(work: Work, line: StreetLine): void {
  work.streetNumber ??= line.streetNumber;
  work.street ??= line.street;
  work.unit ??= line.unit;
  work.level ??= line.level;
  if (line.recognised) work.recognised = true;
}

function isRegionSomewhere(text: string): boolean {
  return (
    regionCode("US", text) !== null || regionCode("AU", text) !== null || regionCode("CA", text) !== null
  );
}

/** Country from the end of a one-line address (its last segment, or its last words); removes it. */
export function trailingCountry(segments: string[], defaultCountry: string | null): string | null {
  const last = segments[segments.length - 1];
  if (last === undefined) return null;
  if (segments.length > 1) {
    const code = countryCode(last);
    // "…, Georgia", "…, CA", "…, WA" are states where states are written; a default country without
    // states ("…, 10115 Berlin, DE" with DE) lets a code through.
    const usable =
      code !== null &&
      regionCode(defaultCountry, last) === null &&
      (!isRegionSomewhere(last) || (defaultCountry !== null && !hasRegionTable(defaultCountry)));
    if (usable) {
      segments.pop();
      return code;
    }
  }
  const words = last.split(" ");
  for (let take = Math.min(4, words.length - 1); take >= 1; take--) {
    const name = fold(words.slice(words.length - take).join(" "));
    const code = TRAILING_COUNTRY_NAMES.get(name);
    if (code === undefined) continue;
    // "Western Australia", "South Australia" are states.
    const before = fold(words[words.length - take - 1]!);
    if (name === "australia" && (before === "western" || before === "south")) return null;
    segments[segments.length - 1] = words.slice(0, words.length - take).join(" ");
    return code;
  }
  return null;
}

/** Infer the country from a distinctive ending: US state + ZIP, Australian state + postcode, … */
export function inferCountry(text: string): string | null {
  const us = US_ENDING.exec(text);
  if (us !== null && regionCode("US", us[1]!) !== null) return "US";
  const au = AU_ENDING.exec(text);
  if (au !== null) return "AU";
  const ca = CA_ENDING.exec(text);
  if (ca !== null && regionCode("CA", ca[1]!) !== null) return "CA";
  const gb = findPostcode("GB", text);
  if (gb !== null && gb.index + gb.length >= text.trimEnd().length - 1 && gb.index > 0) return "GB";
  return null;
}

/** Countries whose regions are written as two-letter codes without our knowing the list (Italian provinces, Brazilian states). */
const TWO_LETTER_REGIONS = new Set(["IT", "BR"]);
const TWO_LETTERS = /^\p{L}{2}$/u;

/** Remove a trailing region word or words ("nsw", "new south wales", "ca") from a place text. */
function takeRegion(text: string, country: string | null, work: Work): string {
  const words = text.split(" ");
  if (country !== null && TWO_LETTER_REGIONS.has(country)) {
    const last = words[words.length - 1]!;
    if (TWO_LETTERS.test(last)) {
      work.region ??= last;
      return words.slice(0, -1).join(" ");
    }
    return text;
  }
  if (!hasRegionTable(country)) return text;
  for (let take = Math.min(4, words.length); take >= 1; take--) {
    const candidate = words.slice(words.length - take).join(" ");
    if (regionCode(country, candidate) !== null) {
      work.region ??= candidate;
      return words.slice(0, words.length - take).join(" ");
    }
  }
  return text;
}

/** Split "12 smith st sydney" after the street type: ["12 smith st", "sydney"]. */
function splitAfterStreetType(text: string): [string, string] {
  const words = text.split(" ");
  let start = 0;
  while (start < words.length && /^[\d#/-]/.test(words[start]!)) start++;
  for (let i = start + 1; i < words.length - 1; i++) {
    if (!isTrailingStreetType(fold(words[i]!))) continue;
    const next = fold(words[i + 1]!);
    if (isTrailingStreetType(next) && !SAINT_LIKE.has(next)) continue;
    return [words.slice(0, i + 1).join(" "), words.slice(i + 1).join(" ")];
  }
  return [text, ""];
}

function placeField(work: Work, country: string | null, text: string): void {
  if (text === "") return;
  if (country !== null && SUBURB_COUNTRIES.has(country)) {
    if (work.locality === null) work.locality = text;
    else work.city ??= text;
  } else if (work.city === null) work.city = text;
  else work.locality ??= text;
}

/** Parse a whole address written on one line (or several lines joined). */
export function parseFreeText(input: string, country: string | null, work: Work): void {
  const segments = input.split(SEGMENT_SPLIT).filter((s) => HAS_ALNUM.test(s));
  if (segments.length === 0) return;

  if (segments.length === 1) {
    let text = segments[0]!;
    const postcode = findPostcode(country, text, 1);
    let after = "";
    if (postcode !== null && /\p{L}/u.test(text.slice(0, postcode.index))) {
      work.postcode = text.slice(postcode.index, postcode.index + postcode.length);
      after = text.slice(postcode.index + postcode.length).trim();
      text = text.slice(0, postcode.index).trim();
    } else {
      // "〒100-0001 東京都…": a leading postcode, when its format cannot be a house number.
      const leading = findPostcode(country, text);
      const matched = leading === null ? "" : text.slice(leading.index, leading.index + leading.length);
      if (leading !== null && /^\P{L}*$/u.test(text.slice(0, leading.index)) && /\D/.test(matched)) {
        work.postcode = matched;
        text = text.slice(leading.index + leading.length).trim();
      }
    }
    if (after !== "") {
      // "Hauptstr. 5 10115 Berlin": the postcode sits between street and town.
      placeField(work, country, fold(takeRegion(after, country, work)));
      applyStreetLine(work, parseStreetLine(text, country));
      return;
    }
    text = takeRegion(text, country, work);
    const languages = streetLanguages(country);
    const [streetPart, placePart] = languages.length === 1 ? splitAfterStreetType(text) : [text, ""];
    applyStreetLine(work, parseStreetLine(streetPart, country));
    placeField(work, country, fold(placePart));
    return;
  }

  // Postcode: in the last segment that has one (never in the first, which holds the street).
  let postcodeSegment = -1;
  for (let i = segments.length - 1; i >= 1; i--) {
    const match = findPostcode(country, segments[i]!);
    if (match === null) continue;
    work.postcode = segments[i]!.slice(match.index, match.index + match.length);
    segments[i] = cut(segments[i]!, match.index, match.index + match.length);
    postcodeSegment = i;
    break;
  }

  // Street: the first segment that looks like one; unit-only segments before it are the unit.
  const parsedSegments: StreetLine[] = [];
  let streetIndex = -1;
  for (let i = 0; i < segments.length && streetIndex < 0; i++) {
    parsedSegments.push(parseStreetLine(segments[i]!, country));
    if (looksLikeStreet(parsedSegments[i]!, country)) streetIndex = i;
  }
  if (streetIndex < 0 || streetIndex === postcodeSegment) streetIndex = 0;
  for (let i = 0; i < streetIndex; i++) {
    const parsed = parsedSegments[i]!;
    if (isUnitOnly(parsed)) applyStreetLine(work, parsed);
    else work.extras.push(fold(segments[i]!));
  }
  applyStreetLine(work, parsedSegments[streetIndex] ?? parseStreetLine(segments[streetIndex]!, country));
  let firstPlace = streetIndex + 1;
  // "Av. Paulista, 1578" / "Calle Mayor, 5": the house number in a segment of its own.
  const next = segments[firstPlace];
  if (work.streetNumber === null && next !== undefined && HOUSE_NUMBER_ONLY.test(next)) {
    work.streetNumber = next;
    work.recognised = true;
    firstPlace++;
  }

  // Places: region from the end of the postcode segment (or the last one), then town and locality.
  const places: string[] = [];
  for (let i = firstPlace; i < segments.length; i++) {
    let text = segments[i]!;
    const twoLetterRegion = country !== null && TWO_LETTER_REGIONS.has(country) && TWO_LETTERS.test(text);
    if (i === segments.length - 1 || i === postcodeSegment || twoLetterRegion)
      text = takeRegion(text, country, work);
    const folded = fold(text);
    if (folded !== "") places.push(folded);
  }
  if (places.length === 0) return;
  if (places.length === 1 && country !== null && SUBURB_COUNTRIES.has(country)) {
    work.locality = places[0]!;
    return;
  }
  work.city = places.pop()!;
  if (places.length > 0) work.locality = places.pop()!;
  work.extras.push(...places);
}
