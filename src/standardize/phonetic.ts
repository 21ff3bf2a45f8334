import { doubleMetaphone } from "double-metaphone";
import { fold } from "./fold.js";

/** Double Metaphone only understands Latin letters; anything else would only add noise to the codes. */
const NON_LATIN = /[^a-z]/g;

/**
 * Names repeat a great deal (a few thousand given names cover most people), so codes are remembered; the
 * cache is simply emptied when it grows past its limit.
 */
const CACHE_LIMIT = 50_000;
const cache = new Map<string, readonly [string, string] | null>();

/**
 * Double Metaphone codes of a name, primary then alternate (equal when the name has no alternate reading),
 * computed on the folded name with its spaces removed ("de la Cruz" → "delacruz"). Null when nothing
 * codable remains, e.g. for a name written only in a non-Latin script.
 */
export function phonetic(name: string): [string, string] | null {
  const letters = fold(name).replace(NON_LATIN, "");
  if (letters === "") return null;
  let codes = cache.get(letters);
  if (codes === undefined) {
    const [primary, alternate] = doubleMetaphone(letters);
    codes = primary === "" ? null : [primary, alternate === "" ? primary : alternate];
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(letters, codes);
  }
  return codes === null ? null : [codes[0], codes[1]];
}
