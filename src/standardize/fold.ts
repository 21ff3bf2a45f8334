/**
 * Folding turns a human-typed string into the form identity resolution compares: lower case, accents and
 * other diacritics removed, letters that do not decompose spelled out (ß → ss, æ → ae, ø → o, ł → l),
 * apostrophes dropped ("O'Brien" → "obrien") and every other run of punctuation, symbols or whitespace
 * collapsed to one space. Letters and digits of every script are kept; only the generic Latin/Greek/Cyrillic
 * combining diacritics are stripped, so scripts whose vowel signs are combining marks (Devanagari, Thai …)
 * survive intact.
 *
 * It runs on every name, street and city of every record, so Latin text (the common case) takes a fast path
 * through a table computed once at load.
 */

const ASCII_ONLY = /^[\t\n\r\x20-\x7e]*$/;

/** Letters that NFKD leaves alone (no decomposition) but that readers treat as plain Latin letters. */
const SPECIAL_LETTERS: Record<string, string> = {
  ß: "ss",
  ẞ: "ss",
  æ: "ae",
  Æ: "ae",
  œ: "oe",
  Œ: "oe",
  ø: "o",
  Ø: "o",
  ł: "l",
  Ł: "l",
  đ: "d",
  Đ: "d",
  ð: "d",
  Ð: "d",
  þ: "th",
  Þ: "th",
  ı: "i",
  ħ: "h",
  Ħ: "h",
  ŧ: "t",
  Ŧ: "t",
  ŀ: "l",
  Ŀ: "l",
  ĸ: "k",
  ŋ: "n",
  Ŋ: "n",
  ſ: "s",
  ƒ: "f",
  ɐ: "a",
  ə: "e",
  Ə: "e",
};
const SPECIAL_LETTER_RE = new RegExp(`[${Object.keys(SPECIAL_LETTERS).join("")}]`, "g");

/** Apostrophes and look-alikes, removed without leaving a space. */
const APOSTROPHES = /['`´ʹʻʼʽˈ‘’‛′]/g;
/** Combining diacritical marks (Latin, Greek, Cyrillic): U+0300–036F, U+1AB0–1AFF, U+1DC0–1DFF, U+20D0–20FF, U+FE20–FE2F. */
const DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
/** Anything that is not a letter, a digit or a (remaining) combining mark separates words. */
const SEPARATORS = /[^\p{L}\p{N}\p{M}]+/gu;

function replaceSpecial(ch: string): string {
  return SPECIAL_LETTERS[ch] ?? ch;
}

/** The general path: any script. */
function foldAny(input: string): string {
  let s = input.replace(SPECIAL_LETTER_RE, replaceSpecial).normalize("NFKD").replace(DIACRITICS, "");
  // NFKD may expose more special letters (e.g. compatibility ligatures); lower-casing may too (ẞ).
  s = s.toLowerCase().replace(SPECIAL_LETTER_RE, replaceSpecial).replace(APOSTROPHES, "");
  s = s.replace(SEPARATORS, " ").trim();
  // Recompose what is left (Hangul, kana voicing marks) so equal text stays byte-equal after folding.
  return s.normalize("NFC");
}

/**
 * The fast path for Latin text (every character below U+0250: ASCII, Latin-1, Latin Extended-A/B): one
 * pass over a table computed once from the general path. "" drops a character, " " separates words.
 */
const LATIN_LIMIT = 0x250;
const LATIN_TABLE: string[] = [];
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
for (let code = 0; code < LATIN_LIMIT; code++) {
  const ch = String.fromCharCode(code);
  if (APOSTROPHES.test(ch)) LATIN_TABLE.push("");
  else if (LETTER_OR_DIGIT.test(ch.normalize("NFKD"))) LATIN_TABLE.push(foldAny(ch));
  else LATIN_TABLE.push(" ");
  APOSTROPHES.lastIndex = 0;
}
const LATIN_ONLY = /^[^\u0250-\uffff]*$/;

function foldLatin(input: string): string {
  let out = "";
  let space = false;
  for (let i = 0; i < input.length; i++) {
    const mapped = LATIN_TABLE[input.charCodeAt(i)]!;
    if (mapped === " ") {
      space = out.length > 0;
    } else if (mapped !== "") {
      if (space) {
        out += " ";
        space = false;
      }
      out += mapped;
    }
  }
  return out;
}

/** Fold case, accents and punctuation: `"  Zoë  O'Brien-Łukasz "` → `"zoe obrien lukasz"`. Never throws. */
export function fold(input: string): string {
  if (typeof input !== "string" || input.length === 0) return "";
  return LATIN_ONLY.test(input) ? foldLatin(input) : foldAny(input);
}

const WHITESPACE_RUN = /\s+/g;

/**
 * Fold case and accents only, keeping punctuation (for parsers that need "3/12", "#4", "12-14" or commas):
 * `"Rue de l'Église, 3/12"` → `"rue de l'eglise, 3/12"`. Whitespace runs become one space.
 */
export function foldLetters(input: string): string {
  if (typeof input !== "string" || input.length === 0) return "";
  if (ASCII_ONLY.test(input)) return input.toLowerCase().replace(WHITESPACE_RUN, " ").trim();
  let s = input.replace(SPECIAL_LETTER_RE, replaceSpecial).normalize("NFKD").replace(DIACRITICS, "");
  s = s.toLowerCase().replace(SPECIAL_LETTER_RE, replaceSpecial);
  return s.replace(WHITESPACE_RUN, " ").trim().normalize("NFC");
}

/** The folded words of a string; empty when nothing but punctuation remains. */
export function foldTokens(input: string): string[] {
  const folded = fold(input);
  return folded === "" ? [] : folded.split(" ");
}

/** Folded with the spaces removed: a key for exact comparison ("U.S.A." → "usa", "Mc Donald" → "mcdonald"). */
export function foldKey(input: string): string {
  return fold(input).replaceAll(" ", "");
}
