import { readDataFile } from "./data-files.js";

/**
 * Street-type abbreviations ("st" → "street", "av." → "avenue", "Hauptstr." → "hauptstrasse") from our data
 * file `data/street-types.csv`, applied by position and by the languages of the address's country: English
 * types end a street name, French, Spanish, Italian and Portuguese ones begin it, German and Dutch ones end a
 * word. "St", "Mt", "Ft" followed by another word are Saint, Mount and Fort ("St Kilda Rd" → "saint kilda
 * road"). All functions take and return folded text.
 */

type Position = "last" | "first" | "suffix" | "notlast";

interface LanguageRules {
  last: Map<string, string>;
  first: Map<string, string>;
  notlast: Map<string, string>;
  suffix: [string, string][];
}

const RULES = new Map<string, LanguageRules>();
/** Words that end an English-style street name: "street", "st", "road", "rd" … */
const TRAILING_TYPE_WORDS = new Set<string>();
/** Per language, the words (abbreviated or not) that begin a street name: "rue", "av", "calle", "via" … */
const LEADING_TYPE_WORDS = new Map<string, Set<string>>();

function rulesOf(language: string): LanguageRules {
  let rules = RULES.get(language);
  if (rules === undefined) {
    rules = { last: new Map(), first: new Map(), notlast: new Map(), suffix: [] };
    RULES.set(language, rules);
  }
  return rules;
}

function load(): void {
  for (const rawLine of readDataFile("street-types.csv").split("\n")) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("language,")) continue;
    const [language, abbreviation, expansion, position] = line.split(",") as [
      string,
      string,
      string,
      Position,
    ];
    if (!language || !abbreviation || !expansion) continue;
    const rules = rulesOf(language);
    if (position === "suffix") rules.suffix.push([abbreviation, expansion]);
    else if (position === "last" || position === "first" || position === "notlast") {
      if (!rules[position].has(abbreviation)) rules[position].set(abbreviation, expansion);
    }
    if (position === "last") {
      TRAILING_TYPE_WORDS.add(abbreviation);
      TRAILING_TYPE_WORDS.add(expansion);
    } else if (position === "first") {
      let words = LEADING_TYPE_WORDS.get(language);
      if (words === undefined) {
        words = new Set();
        LEADING_TYPE_WORDS.set(language, words);
      }
      words.add(abbreviation);
      words.add(expansion);
    }
  }
  // Full English words that are types without being anyone's expansion.
  for (const word of [
    "mews",
    "rise",
    "row",
    "wynd",
    "chase",
    "gate",
    "grove",
    "hill",
    "way",
    "walk",
    "vale",
  ]) {
    TRAILING_TYPE_WORDS.add(word);
  }
}
load();

const LANGUAGES: Record<string, string[]> = {};
function assign(language: string, countries: string): void {
  for (const country of countries.split(" ")) {
    const languages = LANGUAGES[country] ?? ["en"];
    languages.splice(languages.length - 1, 0, language);
    LANGUAGES[country] = languages;
  }
}
assign("de", "DE AT CH LI LU");
assign("fr", "FR BE CH LU MC CA MA DZ TN SN CI CM CD CG MG HT RE GP MQ GF NC PF YT BL MF PM");
assign("nl", "NL BE SR AW CW SX BQ");
assign("it", "IT SM VA CH");
assign("es", "ES MX AR CO CL PE VE EC GT CU BO DO HN PY SV NI CR PA UY PR GQ");
assign("pt", "PT BR AO MZ CV GW ST TL");
const ENGLISH_ONLY = ["en"];

/** The languages whose street types apply in a country, English always last. */
export function streetLanguages(country: string | null): string[] {
  if (country === null) return ENGLISH_ONLY;
  return LANGUAGES[country] ?? ENGLISH_ONLY;
}

/** Countries where the house number follows the street name ("Hauptstraße 5", "Via Roma 10", "Rua Augusta 12"). */
const NUMBER_AFTER = new Set(
  (
    "DE AT CH LI LU NL BE SR IT SM VA ES MX AR CO CL PE VE EC GT CU BO DO HN PY SV NI CR PA UY PT BR AO MZ " +
    "DK NO SE FI IS PL CZ SK HU SI HR RS BA ME MK RO BG GR TR RU UA BY EE LV LT IL"
  ).split(" "),
);

/** Where to look for the house number first: after the street (most of Europe and Latin America) or before it. */
export function numberFollowsStreet(country: string | null): boolean {
  return country !== null && NUMBER_AFTER.has(country);
}

const DIRECTIONS = new Map([
  ["n", "north"],
  ["s", "south"],
  ["e", "east"],
  ["w", "west"],
  ["ne", "northeast"],
  ["nw", "northwest"],
  ["se", "southeast"],
  ["sw", "southwest"],
]);
const DIRECTION_WORDS = new Set([...DIRECTIONS.values()]);

function isDirection(token: string): boolean {
  return DIRECTIONS.has(token) || DIRECTION_WORDS.has(token);
}

/** True for a word that ends an English-style street name ("st", "street", "rd", "crescent" …). */
export function isTrailingStreetType(token: string): boolean {
  return TRAILING_TYPE_WORDS.has(token);
}

/** True when any word of a folded street looks like a street type in one of the country's languages. */
export function hasStreetType(folded: string, country: string | null): boolean {
  const tokens = folded.split(" ");
  const languages = streetLanguages(country);
  for (const token of tokens) {
    if (TRAILING_TYPE_WORDS.has(token)) return true;
    for (const language of languages) {
      if (LEADING_TYPE_WORDS.get(language)?.has(token)) return true;
      const rules = RULES.get(language);
      if (rules === undefined) continue;
      for (const [abbreviation, expansion] of rules.suffix) {
        if (token.endsWith(abbreviation) || token.endsWith(expansion)) return true;
      }
    }
  }
  return false;
}

const STARTS_WITH_LETTER = /^\p{L}/u;
const STARTS_WITH_DIGIT = /^\p{N}/u;

function expandToken(
  token: string,
  next: string | undefined,
  index: number,
  last: number,
  count: number,
  languages: string[],
): string {
  for (const language of languages) {
    const rules = RULES.get(language);
    if (rules === undefined) continue;
    if (index === last) {
      const expansion = rules.last.get(token);
      if (expansion !== undefined) return expansion;
    }
    if (index === 0 && count >= 2) {
      const expansion = rules.first.get(token);
      if (expansion !== undefined) return expansion;
    }
    if (index < last && next !== undefined && STARTS_WITH_LETTER.test(next)) {
      const expansion = rules.notlast.get(token);
      if (expansion !== undefined) return expansion;
    }
    for (const [abbreviation, expansion] of rules.suffix) {
      if (token.endsWith(abbreviation)) return token.slice(0, token.length - abbreviation.length) + expansion;
    }
  }
  return token;
}

/** Expand the type and directions of a folded street name: "n main st" → "north main street". */
export function expandStreet(folded: string, country: string | null): string {
  if (folded === "") return "";
  const tokens = folded.split(" ");
  const count = tokens.length;
  const languages = streetLanguages(country);
  let last = count - 1;
  // "Main St N": the type is before a trailing direction (but "Avenue E" is a street called E).
  const trailingDirection =
    count >= 3 && isDirection(tokens[count - 1]!) && isTrailingStreetType(tokens[count - 2]!);
  if (trailingDirection) last = count - 2;
  // "Hwy 1", "Route 66", "Smith St 12": the type is the last word that is not a number.
  while (last > 0 && STARTS_WITH_DIGIT.test(tokens[last]!)) last--;
  const out = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const token = tokens[i]!;
    if (trailingDirection && i === count - 1) out[i] = DIRECTIONS.get(token) ?? token;
    else if (i === 0 && count >= 3 && DIRECTIONS.has(token)) out[i] = DIRECTIONS.get(token)!;
    else out[i] = expandToken(token, tokens[i + 1], i, last, count, languages);
  }
  return out.join(" ");
}

/**
 * Expand "st", "mt", "ft" before another word of a folded place name ("st james" → "saint james") and, in
 * English-speaking countries, a leading compass letter ("w hollywood" → "west hollywood").
 */
export function expandPlaceName(folded: string, country: string | null): string {
  if (folded === "") return "";
  const tokens = folded.split(" ");
  if (tokens.length < 2) return folded;
  const languages = streetLanguages(country);
  // "W Hollywood", "N Las Vegas": a leading compass letter is a direction.
  const first = tokens[0]!;
  if (first.length === 1 && DIRECTIONS.has(first) && languages.length === 1)
    tokens[0] = DIRECTIONS.get(first)!;
  for (let i = 0; i < tokens.length - 1; i++) {
    if (!STARTS_WITH_LETTER.test(tokens[i + 1]!)) continue;
    for (const language of languages) {
      const expansion = RULES.get(language)?.notlast.get(tokens[i]!);
      if (expansion !== undefined) {
        tokens[i] = expansion;
        break;
      }
    }
  }
  return tokens.join(" ");
}

/** Directions as written in US addresses ("N", "SW") → words. */
export function expandDirection(folded: string): string {
  return DIRECTIONS.get(folded) ?? folded;
}
