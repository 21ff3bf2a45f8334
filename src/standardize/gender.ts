import type { Checked, Issue } from "../model/issue.js";
import { issue } from "../model/issue.js";
import type { StandardGender } from "../model/standardized.js";
import { fold } from "./fold.js";

/**
 * Gender as "female", "male", "other" or null, from the words and one-letter codes sources use in several
 * languages. Blank and explicit "unknown" values give null quietly; anything unreadable (including bare
 * numeric codes, whose meaning differs from source to source) gives null and `gender_unreadable`.
 */

const VALUES = new Map<string, Exclude<StandardGender, null>>();
function values(gender: Exclude<StandardGender, null>, words: string): void {
  for (const word of words.split("|")) VALUES.set(word, gender);
}
values(
  "male",
  "m|male|man|men|boy|mr|mister|masc|masculine|masculin|masculino|h|homme|hombre|varon|mann|mannlich|maennlich|maschio|uomo|man|mannelijk|heer|masculino|mees|mies|mand|mann|erkek|muz|muzski|male person|cis male|cis man|cisgender male|cisgender man|trans man|transgender man|ftm",
);
values(
  "female",
  "f|female|woman|women|girl|mrs|ms|miss|fem|feminine|feminin|feminino|femenino|femenina|w|weiblich|frau|femme|mujer|femmina|donna|vrouw|vrouwelijk|mevrouw|k|kvinna|kvinne|kvinde|kobieta|kadin|nainen|zena|female person|cis female|cis woman|cisgender female|cisgender woman|trans woman|transgender woman|mtf",
);
values(
  "other",
  "o|other|x|d|diverse|divers|non binary|nonbinary|nb|enby|genderqueer|gender queer|genderfluid|gender fluid|agender|bigender|intersex|two spirit|third gender|third|neutral|autre|otro|otra|andere|altro|outro",
);

const UNKNOWN = new Set([
  "u",
  "un",
  "unk",
  "unknown",
  "n a",
  "na",
  "n",
  "none",
  "null",
  "nil",
  "undefined",
  "not specified",
  "unspecified",
  "not stated",
  "not known",
  "not provided",
  "not disclosed",
  "undisclosed",
  "prefer not to say",
  "prefer not to answer",
  "declined",
  "declined to answer",
  "decline to state",
  "no answer",
  "blank",
  "missing",
  "inconnu",
  "desconocido",
  "unbekannt",
  "sconosciuto",
  "onbekend",
]);

const PUNCTUATION_ONLY = /^[\p{P}\s]*$/u;

/** Standardise a gender value. Never throws. */
export function standardizeGender(s: string | null | undefined, field = "gender"): Checked<StandardGender> {
  if (typeof s !== "string") return { value: null, issues: [] };
  const key = fold(s.length > 100 ? s.slice(0, 100) : s);
  // Blank, "-", "?" and the like say "not known"; symbols or emoji say nothing readable.
  if ((key === "" && PUNCTUATION_ONLY.test(s)) || UNKNOWN.has(key)) return { value: null, issues: [] };
  const value = VALUES.get(key);
  if (value !== undefined) return { value, issues: [] };
  const issues: Issue[] = [
    issue("gender_unreadable", `"${s.trim().slice(0, 40)}" is not a gender this reader knows`, field),
  ];
  return { value: null, issues };
}
