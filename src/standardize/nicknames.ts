import { readDataFile } from "./data-files.js";
import { fold } from "./fold.js";

/**
 * Nicknames and the formal given names they come from, from our own data file `data/nicknames.csv`
 * (`formal,nickname` rows). A nickname may belong to several formal names ("al" → alan, albert, alexander,
 * alfred …); the file lists the commoner names first, and the first formal name listed is the one
 * `canonicalGivenName` chooses, so that every record maps the same nickname to the same formal name.
 * Spelling variants are listed as nicknames of the main spelling ("catherine" → katherine).
 */

const formals = new Set<string>();
const rootsByNickname = new Map<string, string[]>();

function load(): void {
  const text = readDataFile("nicknames.csv");
  let first = true;
  for (const rawLine of text.split("\n")) {
    const line = rawLine.trim();
    if (first) {
      first = false;
      if (line.startsWith("formal,")) continue;
    }
    if (line === "" || line.startsWith("#")) continue;
    const comma = line.indexOf(",");
    if (comma <= 0) continue;
    const formal = fold(line.slice(0, comma));
    const nickname = fold(line.slice(comma + 1));
    if (formal === "" || nickname === "" || formal === nickname) continue;
    formals.add(formal);
    const roots = rootsByNickname.get(nickname);
    if (roots === undefined) rootsByNickname.set(nickname, [formal]);
    else if (!roots.includes(formal)) roots.push(formal);
  }
}
load();

const NO_ROOTS: readonly string[] = Object.freeze([]);

/** The formal names a given name is a nickname or variant of, commonest first; empty when none is known. */
export function nicknameRoots(given: string): string[] {
  const roots = rootsByNickname.get(fold(given));
  return roots === undefined ? [] : [...roots];
}

function rootsOfFolded(folded: string): readonly string[] {
  return rootsByNickname.get(folded) ?? NO_ROOTS;
}

/**
 * The formal form of a given name: a formal name stays itself ("nathan"), a known nickname or variant
 * becomes its first formal name ("bob" → "robert", "catherine" → "katherine"), anything else stays itself.
 * Input and output are folded.
 */
export function canonicalGivenName(given: string): string {
  const folded = fold(given);
  if (folded === "" || formals.has(folded)) return folded;
  return rootsOfFolded(folded)[0] ?? folded;
}

/**
 * True when two given names can name the same person: equal once folded, one a nickname of the other
 * ("bob", "robert"), or both nicknames of a common formal name ("liz", "beth" → elizabeth).
 */
export function areNicknameEquivalent(a: string, b: string): boolean {
  const x = fold(a);
  const y = fold(b);
  if (x === "" || y === "") return false;
  if (x === y) return true;
  const rootsX = rootsOfFolded(x);
  const rootsY = rootsOfFolded(y);
  if (rootsX.includes(y) || rootsY.includes(x)) return true;
  for (const root of rootsX) if (rootsY.includes(root)) return true;
  return false;
}

/** How many formal names and nickname pairs are loaded (for diagnostics and tests). */
export function nicknameStats(): { formalNames: number; pairs: number } {
  let pairs = 0;
  for (const roots of rootsByNickname.values()) pairs += roots.length;
  return { formalNames: formals.size, pairs };
}
