/**
 * Postcode formats per country: a pattern to find a postcode in free text and to check a given one, and the
 * canonical (lower-case) form. Countries not listed use a generic check (2–10 letters, digits, spaces or
 * hyphens) and are only folded.
 */

interface PostcodeFormat {
  /** The postcode alone, on lower-case text, without anchors. */
  pattern: string;
  canonical: (matched: string) => string;
}

const digitsOnly = (s: string) => s.replace(/\D/g, "");
const asIs = (s: string) => s.replace(/\s+/g, " ");
const noSpace = (s: string) => s.replace(/[\s-]/g, "");
/** Insert a separator before the last `tail` characters: "sw1a1aa" → "sw1a 1aa". */
const split = (tail: number, separator: string) => (s: string) => {
  const compact = s.replace(/[\s-]/g, "");
  return `${compact.slice(0, -tail)}${separator}${compact.slice(-tail)}`;
};

const FOUR = { pattern: "\\d{4}", canonical: digitsOnly };
const FIVE = { pattern: "\\d{5}", canonical: digitsOnly };
const SIX = { pattern: "\\d{6}", canonical: digitsOnly };
const THREE_TWO = { pattern: "\\d{3} ?\\d{2}", canonical: split(2, " ") };

const FORMATS: Record<string, PostcodeFormat> = {
  US: { pattern: "\\d{5}(?:[ -]?\\d{4})?", canonical: (s) => digitsOnly(s).slice(0, 5) },
  CA: {
    pattern: "[abceghjklmnprstvxy]\\d[abceghj-nprstv-z] ?-?\\d[abceghj-nprstv-z]\\d",
    canonical: split(3, " "),
  },
  GB: {
    pattern:
      "(?:gir ?0aa|[a-pr-uwyz](?:\\d[a-hjkpstuw\\d]?|[a-hk-y]\\d[abehmnprv-y\\d]?) ?\\d[abd-hjlnp-uw-z]{2})",
    canonical: split(3, " "),
  },
  IE: { pattern: "(?:[ac-fhknprtv-y]\\d{2}|d6w) ?[\\dac-fhknprtv-y]{4}", canonical: split(4, " ") },
  NL: { pattern: "[1-9]\\d{3} ?(?!sa|sd|ss)[a-z]{2}", canonical: split(2, " ") },
  PL: { pattern: "\\d{2}-\\d{3}", canonical: asIs },
  PT: { pattern: "\\d{4}(?:-\\d{3})?", canonical: asIs },
  BR: { pattern: "\\d{5}-?\\d{3}", canonical: split(3, "-") },
  JP: { pattern: "\\d{3}-?\\d{4}", canonical: split(4, "-") },
  IN: { pattern: "[1-9]\\d{2} ?\\d{3}", canonical: noSpace },
  AR: { pattern: "[a-z]?\\d{4}(?:[a-z]{3})?", canonical: noSpace },
  LV: { pattern: "(?:lv-?)?\\d{4}", canonical: (s) => `lv-${digitsOnly(s)}` },
  LT: { pattern: "(?:lt-?)?\\d{5}", canonical: (s) => `lt-${digitsOnly(s)}` },
  IL: { pattern: "\\d{5}(?:\\d{2})?", canonical: digitsOnly },
  TW: { pattern: "\\d{3}(?:\\d{2,3})?", canonical: digitsOnly },
  MT: { pattern: "[a-z]{3} ?\\d{4}", canonical: split(4, " ") },
  SE: THREE_TWO,
  CZ: THREE_TWO,
  SK: THREE_TWO,
  GR: THREE_TWO,
  AU: FOUR,
  NZ: FOUR,
  AT: FOUR,
  CH: FOUR,
  LI: FOUR,
  BE: FOUR,
  LU: { pattern: "(?:l-?)?\\d{4}", canonical: (s) => digitsOnly(s) },
  DK: FOUR,
  NO: FOUR,
  HU: FOUR,
  ZA: FOUR,
  PH: FOUR,
  BG: FOUR,
  CY: FOUR,
  SI: FOUR,
  MK: FOUR,
  AM: FOUR,
  TN: FOUR,
  BD: FOUR,
  GE: FOUR,
  DE: FIVE,
  FR: FIVE,
  MC: FIVE,
  IT: FIVE,
  SM: FIVE,
  VA: FIVE,
  ES: FIVE,
  FI: FIVE,
  EE: FIVE,
  HR: FIVE,
  MX: FIVE,
  MY: FIVE,
  ID: FIVE,
  TH: FIVE,
  TR: FIVE,
  UA: FIVE,
  SA: FIVE,
  EG: FIVE,
  PK: FIVE,
  MA: FIVE,
  DZ: FIVE,
  KR: FIVE,
  GT: FIVE,
  CR: FIVE,
  DO: FIVE,
  UY: FIVE,
  KW: FIVE,
  CU: FIVE,
  RS: FIVE,
  BA: FIVE,
  ME: FIVE,
  MN: FIVE,
  CN: SIX,
  RU: SIX,
  SG: SIX,
  KZ: SIX,
  BY: SIX,
  RO: SIX,
  VN: SIX,
  EC: SIX,
  NG: SIX,
  CO: SIX,
  TJ: SIX,
  UZ: SIX,
  KG: SIX,
  TM: SIX,
};

interface Compiled {
  exact: RegExp;
  find: RegExp;
  canonical: (matched: string) => string;
}

const COMPILED = new Map<string, Compiled>();
for (const [country, format] of Object.entries(FORMATS)) {
  COMPILED.set(country, {
    exact: new RegExp(`^(?:${format.pattern})$`),
    // Not inside a longer word or number.
    find: new RegExp(`(?<![\\p{L}\\p{N}])(?:${format.pattern})(?![\\p{L}\\p{N}])`, "gu"),
    canonical: format.canonical,
  });
}

const GENERIC = /^[a-z0-9](?:[a-z0-9 -]{0,8}[a-z0-9])?$/;
/** Formats distinctive enough to find in the text of an address whose country is unknown. */
const DISTINCTIVE = ["GB", "CA", "NL", "BR", "JP", "PL"];
const GENERIC_FIND = /(?<![\p{L}\p{N}-])\d{4,6}(?![\p{L}\p{N}-])/gu;

/** Lower-case, trim and collapse inner spaces; hyphens are kept. */
function tidy(text: string): string {
  return text.toLowerCase().trim().replace(/\s+/g, " ");
}

export function hasPostcodeFormat(country: string | null): boolean {
  return country !== null && COMPILED.has(country);
}

/**
 * Check and canonicalise a postcode for a country. `valid` is false when the country has a known format and
 * the postcode does not fit it (the tidied text is then returned as is).
 */
export function normalizePostcode(
  country: string | null,
  text: string,
): { postcode: string; valid: boolean } {
  const tidied = tidy(text);
  const compiled = country === null ? undefined : COMPILED.get(country);
  if (compiled === undefined) return { postcode: tidied, valid: GENERIC.test(tidied) };
  if (compiled.exact.test(tidied)) return { postcode: compiled.canonical(tidied), valid: true };
  // "sw1a1aa", "k1a0b1", "1234ab": try again without inner spaces and hyphens.
  const compact = tidied.replace(/[\s-]/g, "");
  if (compact !== tidied && compiled.exact.test(compact))
    return { postcode: compiled.canonical(compact), valid: true };
  return { postcode: tidied, valid: false };
}

export interface PostcodeMatch {
  postcode: string;
  index: number;
  length: number;
  /** The country whose format matched (useful when the country was unknown). */
  country: string | null;
}

function lastMatch(re: RegExp, text: string, minIndex: number): RegExpExecArray | null {
  re.lastIndex = 0;
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index >= minIndex) last = m;
    if (m[0].length === 0) re.lastIndex++;
  }
  return last;
}

/**
 * The last postcode in a lower-case text, at or after `minIndex`. With an unknown country, the distinctive
 * formats (GB, CA, NL, BR, JP, PL) are tried, then any 4–6 digit number.
 */
export function findPostcode(country: string | null, text: string, minIndex = 0): PostcodeMatch | null {
  const compiled = country === null ? undefined : COMPILED.get(country);
  if (compiled !== undefined) {
    const m = lastMatch(compiled.find, text, minIndex);
    return m === null
      ? null
      : { postcode: compiled.canonical(m[0]), index: m.index, length: m[0].length, country };
  }
  if (country === null) {
    for (const candidate of DISTINCTIVE) {
      const c = COMPILED.get(candidate)!;
      const m = lastMatch(c.find, text, minIndex);
      if (m !== null)
        return { postcode: c.canonical(m[0]), index: m.index, length: m[0].length, country: candidate };
    }
  }
  const m = lastMatch(GENERIC_FIND, text, minIndex);
  return m === null ? null : { postcode: m[0], index: m.index, length: m[0].length, country: null };
}
