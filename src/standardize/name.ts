import type { Checked, Issue } from "../model/issue.js";
import { issue } from "../model/issue.js";
import type { PersonName } from "../model/source-record.js";
import type { StandardName } from "../model/standardized.js";
import { fold, foldKey } from "./fold.js";
import {
  CONJUNCTIONS,
  JOINING_PREFIXES,
  ORGANIZATION_TRAILING,
  ORGANIZATION_WORDS,
  PARTICLES,
  PLACEHOLDER_PHRASES,
  PLACEHOLDER_WORDS,
  SUFFIXES,
  TITLES,
  WEAK_SUFFIXES,
} from "./name-words.js";
import { canonicalGivenName } from "./nicknames.js";
import { phonetic } from "./phonetic.js";

/**
 * Person names: a whole name on one line is parsed into title, given, middle, family and suffix; parts the
 * source gives separately are kept as given (and win over what the parse found). Every output is folded.
 *
 * What a caller should know:
 * - "Family, Given Middle" (one comma) is read family first; so is a leading run of capitals in a mixed-case
 *   name ("DUPONT Jean-Marc"), and a trailing run of capitals is the family name ("Charles DE GAULLE").
 * - Otherwise the order is Western (given first, family last). Two family names without a particle
 *   ("Gabriel García Márquez") cannot be told from a middle name: the first lands in `middle`.
 * - Particles stay with the family name ("van der Berg", "de la Cruz", "Ortega y Gasset"); "Mac Donald" and
 *   "O' Brien" become one family word ("macdonald", "obrien").
 * - Organisation names ("Acme Pty Ltd") and placeholders ("Test Test", "Unknown") give a null value and an
 *   issue, so that they never link people.
 */

const BRACKETED = /\s*(?:\([^)]*\)|\[[^\]]*\]|"[^"]*"|“[^”]*”|«[^»]*»)\s*/g;
const MULTI_PERSON = /\s+(?:&|and|und|et|\+)\s+/i;
const WHITESPACE = /\s+/;
const APOSTROPHE_PREFIX = /^(?:o|d)['’`´]$/i;
const HAS_LETTER = /\p{L}/u;
const HAS_DIGIT = /\p{N}/u;
const HAS_LOWER = /\p{Ll}/u;
const ALL_CAPS_WORD = /^[\p{Lu}][\p{Lu}'’.-]+$/u;
const VOWEL = /[aeiouy]/i;
const MAX_NAME_LENGTH = 512;

interface Parsed {
  title: string[];
  given: string | null;
  middle: string | null;
  family: string | null;
  suffix: string[];
}

function emptyParsed(): Parsed {
  return { title: [], given: null, middle: null, family: null, suffix: [] };
}

/** Split on whitespace, re-attaching a detached "O'" / "D'" to the word it belongs to. */
function tokenize(text: string): string[] {
  const raw = text.split(WHITESPACE);
  const tokens: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const token = raw[i]!;
    if (token === "") continue;
    const next = raw[i + 1];
    if (APOSTROPHE_PREFIX.test(token) && next !== undefined && next !== "") {
      tokens.push(token + next);
      i++;
    } else {
      tokens.push(token);
    }
  }
  return tokens;
}

function titleOf(token: string): string | undefined {
  return TITLES.get(foldKey(token));
}

function suffixOf(token: string, strong: boolean): string | undefined {
  const key = foldKey(token);
  const suffix = SUFFIXES.get(key);
  if (suffix === undefined) return undefined;
  if (!strong && WEAK_SUFFIXES.has(key)) return undefined;
  return suffix;
}

/** Remove leading titles (keeping at least `keep` tokens). */
function takeTitles(tokens: string[], titles: string[], keep: number): void {
  while (tokens.length > keep) {
    const title = titleOf(tokens[0]!);
    if (title === undefined) break;
    titles.push(title);
    tokens.shift();
  }
}

/** Remove trailing suffixes (keeping at least `keep` tokens). */
function takeSuffixes(tokens: string[], suffixes: string[], keep: number): void {
  const found: string[] = [];
  while (tokens.length > keep) {
    const last = tokens[tokens.length - 1]!;
    // A weak suffix ("MA") only counts when written with dots ("M.A.") or after another suffix.
    const strong = last.includes(".") || found.length > 0;
    const suffix = suffixOf(last, strong);
    if (suffix === undefined) break;
    found.unshift(suffix);
    tokens.pop();
  }
  suffixes.unshift(...found);
}

function joinFolded(tokens: readonly string[]): string | null {
  const folded = fold(tokens.join(" "));
  return folded === "" ? null : folded;
}

function isAllCapsWord(token: string): boolean {
  if (!ALL_CAPS_WORD.test(token)) return false;
  const letters = token.replace(/[^\p{L}]/gu, "");
  // "JR", "TJ": initials rather than a family name.
  return letters.length >= 2 && (letters.length > 3 || VOWEL.test(letters));
}

/** Family name from a token list in natural order; returns the index where the family name starts. */
function familyStart(tokens: readonly string[]): number {
  let start = tokens.length - 1;
  while (start - 1 >= 1) {
    const previous = foldKey(tokens[start - 1]!);
    if (PARTICLES.has(previous) || JOINING_PREFIXES.has(previous)) {
      start--;
    } else if (CONJUNCTIONS.has(previous) && start - 2 >= 1) {
      start -= 2;
    } else {
      break;
    }
  }
  return start;
}

/** Fold a family name, gluing "mac donald" / "fitz gerald" into one word. */
function foldFamily(tokens: readonly string[]): string | null {
  const words: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const key = foldKey(tokens[i]!);
    const next = tokens[i + 1];
    if (JOINING_PREFIXES.has(key) && next !== undefined) {
      words.push(key + foldKey(next));
      i++;
    } else {
      words.push(tokens[i]!);
    }
  }
  return joinFolded(words);
}

function assignGivenMiddle(tokens: readonly string[], parsed: Parsed): void {
  if (tokens.length === 0) return;
  parsed.given = joinFolded(tokens.slice(0, 1));
  parsed.middle = tokens.length > 1 ? joinFolded(tokens.slice(1)) : null;
}

/** Parse "Given Middle Family" (with titles and suffixes already removed). */
function parseNatural(tokens: string[], parsed: Parsed, hadTitle: boolean): void {
  if (tokens.length === 0) return;
  if (tokens.length === 1) {
    // "Mr Smith" names the family; a lone "Madonna" is a given name.
    if (hadTitle) parsed.family = foldFamily(tokens);
    else parsed.given = joinFolded(tokens);
    return;
  }
  const mixedCase = tokens.some((t) => HAS_LOWER.test(t));
  if (mixedCase) {
    let lead = 0;
    while (lead < tokens.length - 1 && isAllCapsWord(tokens[lead]!)) lead++;
    // A lone two-letter capital word in front is more often initials ("AJ Smith") than a family name.
    if (lead === 1 && foldKey(tokens[0]!).length < 3) lead = 0;
    if (lead > 0) {
      parsed.family = foldFamily(tokens.slice(0, lead));
      assignGivenMiddle(tokens.slice(lead), parsed);
      return;
    }
    let trail = tokens.length;
    while (trail > 1 && isAllCapsWord(tokens[trail - 1]!)) trail--;
    if (trail < tokens.length) {
      // Keep a particle written in lower case with the capitalised family name ("Jean de GAULLE").
      while (trail - 1 >= 1 && PARTICLES.has(foldKey(tokens[trail - 1]!))) trail--;
      parsed.family = foldFamily(tokens.slice(trail));
      assignGivenMiddle(tokens.slice(0, trail), parsed);
      return;
    }
  }
  const start = familyStart(tokens);
  parsed.family = foldFamily(tokens.slice(start));
  assignGivenMiddle(tokens.slice(0, start), parsed);
}

function parseFull(full: string, issues: Issue[], field: string): Parsed {
  const parsed = emptyParsed();
  let text = full.length > MAX_NAME_LENGTH ? full.slice(0, MAX_NAME_LENGTH) : full;
  text = text.replace(BRACKETED, " ").trim();

  // "John & Mary Smith": keep the first person, borrowing the shared family name.
  let sharedFamily: string[] = [];
  const multi = MULTI_PERSON.exec(text);
  if (multi !== null) {
    const first = text.slice(0, multi.index);
    const second = tokenize(text.slice(multi.index + multi[0].length));
    issues.push(
      issue("name_multiple_people", "the name names more than one person; the first is kept", field, "info"),
    );
    text = first;
    if (tokenize(first).length === 1 && second.length >= 2) sharedFamily = second.slice(familyStart(second));
  }

  const parts = text
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  // Trailing comma-separated suffixes: "John Smith, Jr., PhD".
  while (parts.length > 1) {
    const tokens = tokenize(parts[parts.length - 1]!);
    if (tokens.length === 0 || !tokens.every((t) => suffixOf(t, true) !== undefined)) break;
    parsed.suffix.unshift(...tokens.map((t) => suffixOf(t, true)!));
    parts.pop();
  }

  if (parts.length >= 2) {
    // "Smith, John Paul" (or "Dr. Smith, John").
    const familyTokens = tokenize(parts[0]!);
    takeTitles(familyTokens, parsed.title, 1);
    takeSuffixes(familyTokens, parsed.suffix, 1);
    const rest = tokenize(parts.slice(1).join(" "));
    takeTitles(rest, parsed.title, 0);
    takeSuffixes(rest, parsed.suffix, 0);
    parsed.family = foldFamily(familyTokens);
    assignGivenMiddle(rest, parsed);
    return parsed;
  }

  const tokens = tokenize(parts.join(" "));
  const suffixes: string[] = [];
  takeTitles(tokens, parsed.title, 1);
  takeSuffixes(tokens, suffixes, 1);
  parsed.suffix.unshift(...suffixes);
  if (sharedFamily.length > 0 && tokens.length === 1) {
    parsed.given = joinFolded(tokens);
    parsed.family = foldFamily(sharedFamily);
  } else {
    parseNatural(tokens, parsed, parsed.title.length > 0);
  }
  return parsed;
}

function classifyWhole(words: string): "organization" | "placeholder" | null {
  const tokens = words.split(" ");
  if (tokens.some((t) => ORGANIZATION_WORDS.has(t))) return "organization";
  if (tokens.length > 1 && ORGANIZATION_TRAILING.has(tokens[tokens.length - 1]!)) return "organization";
  if (PLACEHOLDER_PHRASES.has(words)) return "placeholder";
  if (tokens.every((t) => PLACEHOLDER_WORDS.has(t))) return "placeholder";
  const squashed = words.replaceAll(" ", "");
  if (squashed.length >= 3 && /^(.)\1+$/u.test(squashed)) return "placeholder";
  return null;
}

function cleanPart(value: string | undefined): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.length > MAX_NAME_LENGTH ? value.slice(0, MAX_NAME_LENGTH).trim() : value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/**
 * Standardise a person name. Never throws: an empty, placeholder or organisation name gives a null value
 * and an issue (`name_empty`, `name_placeholder`, `name_organization`).
 */
export function standardizeName(name: PersonName, field = "name"): Checked<StandardName> {
  const issues: Issue[] = [];
  if (name === null || typeof name !== "object") {
    return { value: null, issues: [issue("name_empty", "no name was given", field)] };
  }
  const full = cleanPart(name.full);
  if (full !== undefined) {
    const whole = fold(full);
    if (whole !== "" && classifyWhole(whole) === "organization") {
      issues.push(issue("name_organization", `"${whole}" looks like an organisation, not a person`, field));
      return { value: null, issues };
    }
  }
  const parsed = full !== undefined ? parseFull(full, issues, field) : emptyParsed();

  const given = cleanPart(name.given);
  if (given !== undefined) {
    const tokens = tokenize(given);
    const titles: string[] = [];
    takeTitles(tokens, titles, 1);
    if (name.title === undefined && titles.length > 0) parsed.title = titles;
    parsed.given = joinFolded(tokens);
  }
  const family = cleanPart(name.family);
  if (family !== undefined) {
    const tokens = tokenize(family);
    const suffixes: string[] = [];
    takeSuffixes(tokens, suffixes, 1);
    if (name.suffix === undefined && suffixes.length > 0) parsed.suffix = suffixes;
    parsed.family = foldFamily(tokens);
  }
  const middle = cleanPart(name.middle);
  if (middle !== undefined) parsed.middle = joinFolded([middle]);
  const title = cleanPart(name.title);
  if (title !== undefined) parsed.title = tokenize(title).map((t) => titleOf(t) ?? fold(t));
  const suffix = cleanPart(name.suffix);
  if (suffix !== undefined) parsed.suffix = tokenize(suffix).map((t) => suffixOf(t, true) ?? fold(t));

  if (parsed.given === null && parsed.family === null) {
    if (parsed.middle !== null) {
      parsed.given = parsed.middle;
      parsed.middle = null;
    } else {
      issues.push(issue("name_empty", "no given or family name could be read", field));
      return { value: null, issues };
    }
  }

  const words = [parsed.given, parsed.middle, parsed.family].filter((w) => w !== null).join(" ");
  const kind = classifyWhole(words);
  if (kind === "organization") {
    issues.push(issue("name_organization", `"${words}" looks like an organisation, not a person`, field));
    return { value: null, issues };
  }
  if (kind === "placeholder") {
    issues.push(issue("name_placeholder", `"${words}" is a placeholder, not a name`, field));
    return { value: null, issues };
  }
  if (!HAS_LETTER.test(words)) {
    issues.push(issue("name_empty", "the name has no letters", field));
    return { value: null, issues };
  }
  if (HAS_DIGIT.test(words)) issues.push(issue("name_contains_digits", "the name contains digits", field));
  if (parsed.given === null || parsed.family === null) {
    issues.push(
      issue(
        "name_incomplete",
        `only a ${parsed.given === null ? "family" : "given"} name was found`,
        field,
        "info",
      ),
    );
  }

  const titleText = parsed.title.filter((t) => t !== "").join(" ");
  const suffixText = parsed.suffix.filter((s) => s !== "").join(" ");
  return {
    value: {
      title: titleText === "" ? null : titleText,
      given: parsed.given,
      middle: parsed.middle,
      family: parsed.family,
      suffix: suffixText === "" ? null : suffixText,
      givenCanonical: parsed.given === null ? null : canonicalGivenName(parsed.given),
      givenPhonetic: parsed.given === null ? null : phonetic(parsed.given),
      familyPhonetic: parsed.family === null ? null : phonetic(parsed.family),
    },
    issues,
  };
}
