import { nicknames, stripAccents } from "./pools.js";
import type { Rng } from "./prng.js";

/**
 * Record corruption in the manner of FEBRL's data generator (Christen 2005): keyboard typos, OCR and
 * phonetic confusions, nicknames, missing and swapped values, case and whitespace noise — plus the
 * customer-data kinds of drift (an old address or e-mail in an older or stale record, a relative's phone or
 * device). Every rate is a per-record (or per-field) probability; sources scale the character-level ones
 * by how carefully their data is typed.
 */

export interface CorruptionRates {
  /** A keyboard typo in a field: insert, delete, substitute with a neighbouring key, or transpose. */
  typo: number;
  /** An OCR confusion: 0↔o, 1↔l, 5↔s, rn↔m, cl↔d… */
  ocr: number;
  /** A phonetic misspelling: ph↔f, c↔k, ie↔y, ei↔ie… */
  phonetic: number;
  /** A known nickname instead of the formal given name (Robert → Bob). */
  nickname: number;
  /** The given name reduced to its initial. */
  initial: number;
  /** An optional field left empty. */
  missing: number;
  /** Given and family names swapped. */
  swapNames: number;
  /** A record that still shows a previous address after the person moved. */
  staleAddress: number;
  /** A record that still shows a previous e-mail after the person changed it. */
  staleEmail: number;
  /** A whole value in upper or lower case. */
  caseChange: number;
  /** Leading, trailing or doubled spaces. */
  whitespace: number;
  /** Accents dropped by an ASCII-only system (Núñez → Nunez). */
  accents: number;
  /** A household member's phone, e-mail or device used instead of the person's own. */
  sharedHousehold: number;
  /** The same mailbox written another way: dots, +tags, googlemail.com, capitals. */
  emailVariant: number;
  /** Fake and throwaway profiles, as a share of the number of real people. */
  fakeProfiles: number;
}

export const defaultCorruptionRates: Readonly<CorruptionRates> = Object.freeze({
  typo: 0.05,
  ocr: 0.01,
  phonetic: 0.02,
  nickname: 0.1,
  initial: 0.02,
  missing: 0.06,
  swapNames: 0.015,
  staleAddress: 0.08,
  staleEmail: 0.06,
  caseChange: 0.04,
  whitespace: 0.03,
  accents: 0.5,
  sharedHousehold: 0.04,
  emailVariant: 0.05,
  fakeProfiles: 0.02,
});

const KEYBOARD: Record<string, string> = {
  q: "wa",
  w: "qeas",
  e: "wrsd",
  r: "etdf",
  t: "ryfg",
  y: "tugh",
  u: "yihj",
  i: "uojk",
  o: "ipkl",
  p: "ol",
  a: "qwsz",
  s: "awedxz",
  d: "serfcx",
  f: "drtgvc",
  g: "ftyhbv",
  h: "gyujnb",
  j: "huikmn",
  k: "jiolm",
  l: "kop",
  z: "asx",
  x: "zsdc",
  c: "xdfv",
  v: "cfgb",
  b: "vghn",
  n: "bhjm",
  m: "njk",
  "0": "9",
  "1": "2",
  "2": "13",
  "3": "24",
  "4": "35",
  "5": "46",
  "6": "57",
  "7": "68",
  "8": "79",
  "9": "80",
};

const OCR: [string, string][] = [
  ["0", "o"],
  ["o", "0"],
  ["1", "l"],
  ["l", "1"],
  ["5", "s"],
  ["s", "5"],
  ["rn", "m"],
  ["m", "rn"],
  ["8", "b"],
  ["b", "8"],
  ["2", "z"],
  ["z", "2"],
  ["cl", "d"],
  ["d", "cl"],
  ["vv", "w"],
  ["w", "vv"],
  ["g", "9"],
  ["9", "g"],
  ["i", "1"],
  ["e", "c"],
  ["h", "b"],
  ["u", "v"],
];

const PHONETIC: [string, string][] = [
  ["ph", "f"],
  ["f", "ph"],
  ["ck", "k"],
  ["c", "k"],
  ["k", "c"],
  ["ie", "y"],
  ["y", "ie"],
  ["ei", "ie"],
  ["ie", "ei"],
  ["gh", "g"],
  ["th", "t"],
  ["ou", "ow"],
  ["ow", "ou"],
  ["z", "s"],
  ["s", "z"],
  ["ll", "l"],
  ["l", "ll"],
  ["mm", "m"],
  ["nn", "n"],
  ["tt", "t"],
  ["ai", "ay"],
  ["ay", "ai"],
  ["ee", "ea"],
  ["ea", "ee"],
  ["sch", "sh"],
  ["sh", "sch"],
  ["qu", "kw"],
  ["x", "ks"],
  ["wr", "r"],
  ["kn", "n"],
  ["mb", "m"],
  ["ey", "y"],
  ["y", "ey"],
  ["an", "en"],
  ["son", "sen"],
];

const DOMAIN_TYPOS: Record<string, string[]> = {
  "gmail.com": ["gmial.com", "gmai.com", "gmail.co", "gmail.con", "gmaill.com", "gamil.com", "gnail.com"],
  "yahoo.com": ["yahooo.com", "yaho.com", "yahoo.co", "yahoo.con"],
  "hotmail.com": ["hotmial.com", "hotmai.com", "hotmail.co", "hotmal.com"],
  "outlook.com": ["outlok.com", "outloo.com", "outlook.co"],
  "icloud.com": ["iclod.com", "icloud.co", "icoud.com"],
  "aol.com": ["aol.co", "aoll.com"],
};

function isUpper(ch: string): boolean {
  return ch !== ch.toLowerCase();
}

/** Replaces `from` at `at` with `to`, keeping a leading capital. */
function replaceAt(text: string, at: number, from: string, to: string): string {
  const keepCapital = isUpper(text[at] ?? "") && to.length > 0;
  const replacement = keepCapital ? to[0]!.toUpperCase() + to.slice(1) : to;
  return text.slice(0, at) + replacement + text.slice(at + from.length);
}

/** Applies one of the rules that match somewhere in the text, at one of its occurrences. */
function applyRule(rng: Rng, text: string, rules: readonly [string, string][]): string {
  const lower = text.toLowerCase();
  const start = rng.int(rules.length);
  for (let k = 0; k < rules.length; k++) {
    const [from, to] = rules[(start + k) % rules.length]!;
    let at = lower.indexOf(from);
    if (at < 0) continue;
    const occurrences: number[] = [];
    while (at >= 0) {
      occurrences.push(at);
      at = lower.indexOf(from, at + 1);
    }
    return replaceAt(text, rng.pick(occurrences), from, to);
  }
  return text;
}

export class Corruptor {
  readonly rng: Rng;
  readonly rates: Readonly<CorruptionRates>;

  constructor(rng: Rng, rates: Readonly<CorruptionRates>) {
    this.rng = rng;
    this.rates = rates;
  }

  /** One keyboard typo: insert, delete, substitute (neighbouring key) or transpose, rarely at the start. */
  typo(text: string): string {
    const rng = this.rng;
    if (text.length < 2) return text;
    const pos = rng.chance(0.85) ? 1 + rng.int(text.length - 1) : 0;
    const ch = text[pos]!;
    const lower = ch.toLowerCase();
    const near = KEYBOARD[lower];
    const neighbour = near === undefined ? lower : near[rng.int(near.length)]!;
    const keyed = isUpper(ch) ? neighbour.toUpperCase() : neighbour;
    switch (rng.weighted([0, 1, 2, 3], [20, 25, 35, 20])) {
      case 0:
        return text.slice(0, pos) + keyed + text.slice(pos);
      case 1:
        return text.length > 2 ? text.slice(0, pos) + text.slice(pos + 1) : text;
      case 2:
        return text.slice(0, pos) + keyed + text.slice(pos + 1);
      default: {
        const i = Math.min(pos, text.length - 2);
        return text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
      }
    }
  }

  ocr(text: string): string {
    return applyRule(this.rng, text, OCR);
  }

  phonetic(text: string): string {
    return applyRule(this.rng, text, PHONETIC);
  }

  changeCase(text: string): string {
    return this.rng.chance(0.7) ? text.toUpperCase() : text.toLowerCase();
  }

  whitespace(text: string): string {
    switch (this.rng.int(4)) {
      case 0:
        return ` ${text}`;
      case 1:
        return `${text} `;
      case 2:
        return text.includes(" ") ? text.replace(" ", "  ") : `${text}  `;
      default:
        return ` ${text} `;
    }
  }

  /** Whether an optional field is left empty. */
  missing(scale = 1): boolean {
    return this.rng.next() < this.rates.missing * scale;
  }

  /** Character-level noise on a typed value; `noise` scales the rates for careless or careful sources. */
  text(text: string, noise = 1): string {
    if (text === "") return text;
    const rng = this.rng;
    const r = this.rates;
    let out = text;
    if (rng.next() < r.typo * noise) out = this.typo(out);
    if (rng.next() < r.ocr * noise) out = this.ocr(out);
    if (rng.next() < r.phonetic * noise) out = this.phonetic(out);
    if (rng.next() < r.caseChange * noise) out = this.changeCase(out);
    if (rng.next() < r.whitespace * noise) out = this.whitespace(out);
    return out;
  }

  /** A name as a source holds it: character noise, and accents lost when the source is ASCII-only. */
  name(text: string, noise = 1, asciiOnly = false): string {
    const plain = asciiOnly && this.rng.next() < this.rates.accents ? stripAccents(text) : text;
    return this.text(plain, noise);
  }

  /**
   * The given name a record shows: the person's habitual nickname where they use one and the source is
   * informal, or by chance a nickname or an initial, then character noise.
   */
  given(formal: string, habitual: string | null, informal: boolean, noise = 1, asciiOnly = false): string {
    const rng = this.rng;
    let given = formal;
    if (habitual !== null && informal && rng.chance(0.6)) given = habitual;
    else if (rng.next() < this.rates.nickname * noise) {
      const options = nicknames.get(formal);
      if (options !== undefined) given = rng.chance(0.6) ? options[0]! : rng.pick(options);
    } else if (rng.next() < this.rates.initial * noise) given = `${formal[0]}.`;
    return this.name(given, noise, asciiOnly);
  }

  /** A digit typo in a phone number: substitute a neighbouring digit, drop one or swap two. */
  digits(text: string, noise = 1): string {
    const rng = this.rng;
    if (!(rng.next() < this.rates.typo * noise)) return text;
    const positions: number[] = [];
    for (let i = 0; i < text.length; i++)
      if (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) positions.push(i);
    if (positions.length < 4) return text;
    const at = positions[2 + rng.int(positions.length - 2)]!;
    const d = text.charCodeAt(at) - 48;
    switch (rng.int(3)) {
      case 0:
        return text.slice(0, at) + String((d + (rng.chance(0.5) ? 1 : 9)) % 10) + text.slice(at + 1);
      case 1:
        return text.slice(0, at) + text.slice(at + 1);
      default: {
        const next = positions[positions.indexOf(at) + 1] ?? positions[positions.indexOf(at) - 1]!;
        const [i, j] = at < next ? [at, next] : [next, at];
        return text.slice(0, i) + text[j] + text.slice(i + 1, j) + text[i] + text.slice(j + 1);
      }
    }
  }

  /** An e-mail as typed or stored: the same mailbox spelt differently, or a typo in the name or the domain. */
  email(address: string, noise = 1): string {
    const rng = this.rng;
    const at = address.indexOf("@");
    let local = address.slice(0, at);
    let domain = address.slice(at + 1);
    if (rng.next() < this.rates.emailVariant * noise) {
      switch (rng.int(4)) {
        case 0:
          if (domain === "gmail.com") local = local.includes(".") ? local.replace(/\./g, "") : local;
          else local = local[0]!.toUpperCase() + local.slice(1);
          break;
        case 1:
          if (domain === "gmail.com" || domain === "outlook.com" || domain === "icloud.com") {
            local = `${local}+${rng.pick(["shop", "promo", "orders", "news", "spam", "deals"])}`;
          }
          break;
        case 2:
          if (domain === "gmail.com") domain = "googlemail.com";
          else domain = domain.toUpperCase();
          break;
        default:
          local = local
            .split(".")
            .map((p) => (p === "" ? p : p[0]!.toUpperCase() + p.slice(1)))
            .join(".");
          domain = domain[0]!.toUpperCase() + domain.slice(1);
      }
    }
    if (rng.next() < this.rates.typo * noise * 0.6) {
      const typos = DOMAIN_TYPOS[domain];
      if (typos !== undefined && rng.chance(0.5)) domain = rng.pick(typos);
      else local = this.typo(local);
    }
    let out = `${local}@${domain}`;
    if (rng.next() < this.rates.caseChange * noise * 0.5) out = out.toUpperCase();
    if (rng.next() < this.rates.whitespace * noise * 0.5) out = this.whitespace(out);
    return out;
  }
}
