import { doubleMetaphone } from "double-metaphone";
import { fold } from "./fold.js";

const SPACES = / /g;
/** Double Metaphone only understands Latin letters; anything else would only add noise to the codes. */
const NON_LATIN = /[^a-z]/g;

/**
 * Double Metaphone codes of a name, primary then alternate (equal when the name has no alternate reading),
 * computed on the folded name with its spaces removed ("de la Cruz" → "delacruz"). Null when nothing
 * codable remains, e.g. for a name written only in a non-Latin script.
 */
export function phonetic(name: string): [string, string] | null {
  const letters = fold(name).replace(SPACES, "").replace(NON_LATIN, "");
  if (letters === "") return null;
  const [primary, alternate] = doubleMetaphone(letters);
  if (primary === "") return null;
  return [primary, alternate === "" ? primary : alternate];
}
