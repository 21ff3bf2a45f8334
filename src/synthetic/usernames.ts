import type { ScrambledSequence, TakenFilter } from "./ids.js";
import { asciiFold } from "./pools.js";
import type { Rng } from "./prng.js";

/**
 * E-mail local parts and social handles as people choose them ("jane.doe", "jdoe84", "janedoe_writes"),
 * kept unique per domain or platform with a fixed-memory filter: a candidate is used only when it is
 * certainly free, and after a few tries a numbered fallback that is unique by construction is used.
 */

export interface NameParts {
  given: string;
  family: string;
  nickname: string | null;
  birthYear: number;
}

/** A digit-free stem in one of the common styles. */
function emailStem(rng: Rng, p: NameParts): string {
  const g = asciiFold(p.given) || "user";
  const f = asciiFold(p.family) || "mail";
  const n = p.nickname === null ? g : asciiFold(p.nickname) || g;
  switch (rng.weighted([0, 1, 2, 3, 4, 5, 6, 7, 8], [26, 16, 14, 8, 6, 8, 6, 8, 8])) {
    case 0:
      return `${g}.${f}`;
    case 1:
      return `${g}${f}`;
    case 2:
      return `${g[0]}${f}`;
    case 3:
      return `${g}_${f}`;
    case 4:
      return `${f}${g[0]}`;
    case 5:
      return `${n}${f}`;
    case 6:
      return `${f}.${g}`;
    case 7:
      return `${g}${f[0]}`;
    default:
      return `${g[0]}.${f}`;
  }
}

/** Digits people add: a two-digit birth year, the full year, or a favourite number. */
function digitsSuffix(rng: Rng, birthYear: number): string {
  switch (rng.int(4)) {
    case 0:
      return String(birthYear % 100).padStart(2, "0");
    case 1:
      return String(birthYear);
    case 2:
      return String(rng.range(1, 99));
    default:
      return String(rng.range(100, 999));
  }
}

/**
 * A unique name in a namespace (an e-mail domain, a platform): `stem`, then `stem` with digits, then a
 * fallback whose number has at least five digits (the other forms have at most four), unique by construction.
 */
export function uniqueName(
  rng: Rng,
  taken: TakenFilter,
  fallback: ScrambledSequence,
  namespace: string,
  stem: string,
  birthYear: number,
  bareChance: number,
): string {
  if (rng.chance(bareChance) && taken.claim(`${stem}@${namespace}`)) return stem;
  for (let i = 0; i < 3; i++) {
    const candidate = stem + digitsSuffix(rng, birthYear);
    if (taken.claim(`${candidate}@${namespace}`)) return candidate;
  }
  const unique = stem + String(10000 + fallback.next());
  taken.add(`${unique}@${namespace}`);
  return unique;
}

export function personalEmail(
  rng: Rng,
  taken: TakenFilter,
  fallback: ScrambledSequence,
  p: NameParts,
  domain: string,
): string {
  return `${uniqueName(rng, taken, fallback, domain, emailStem(rng, p), p.birthYear, 0.55)}@${domain}`;
}

/** first.last@company, the way most employers spell it, with a middle initial or digit on a clash. */
export function workEmail(
  rng: Rng,
  taken: TakenFilter,
  fallback: ScrambledSequence,
  p: NameParts,
  domain: string,
): string {
  const g = asciiFold(p.given) || "staff";
  const f = asciiFold(p.family) || "member";
  const stem = rng.chance(0.7) ? `${g}.${f}` : rng.chance(0.5) ? `${g[0]}${f}` : `${g}`;
  return `${uniqueName(rng, taken, fallback, domain, stem, p.birthYear, 0.9)}@${domain}`;
}

/** A household's shared mailbox: "thesmiths@…", "smithfamily@…". */
export function familyEmail(
  rng: Rng,
  taken: TakenFilter,
  fallback: ScrambledSequence,
  family: string,
  domain: string,
  year: number,
): string {
  const f = asciiFold(family) || "home";
  const stem = rng.pick([`the${f}s`, `${f}family`, `${f}household`, `${f}home`]);
  return `${uniqueName(rng, taken, fallback, domain, stem, year, 0.5)}@${domain}`;
}

/** A social handle: letters, digits and underscores. */
export function socialHandle(
  rng: Rng,
  taken: TakenFilter,
  fallback: ScrambledSequence,
  p: NameParts,
  platform: string,
): string {
  const g = asciiFold(p.nickname ?? p.given) || "user";
  const f = asciiFold(p.family) || "x";
  const stem = rng.pick([
    `${g}${f}`,
    `${g}_${f}`,
    `${g}${f[0]}`,
    `the${g}${f}`,
    `${g}_${rng.pick(["writes", "makes", "runs", "eats", "travels", "reads", "cooks", "official"])}`,
    `${f}${g[0]}`,
    `its${g}`,
    `${g}_${f[0]}`,
  ]);
  return uniqueName(rng, taken, fallback, `@${platform}`, stem, p.birthYear, 0.35);
}
