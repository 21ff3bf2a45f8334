import nlp from "compromise";

/**
 * People, places and organisations named in English text, by compromise (its lexicon and rules ship in
 * npm). Spans are compromise's character offsets; values are the matched text without trailing
 * punctuation.
 */

export interface Entity {
  kind: "person" | "place" | "organization";
  value: string;
  start: number;
  end: number;
}

interface OffsetJson {
  text: string;
  offset: { start: number; length: number };
}

function spans(kind: Entity["kind"], list: OffsetJson[], text: string): Entity[] {
  const out: Entity[] = [];
  for (const item of list) {
    let start = item.offset.start;
    let end = start + item.offset.length;
    let value = text.slice(start, end);
    // Trim what compromise keeps around a term: spaces and sentence punctuation.
    const lead = value.length - value.trimStart().length;
    start += lead;
    value = value.trim().replace(/[\s.,;:!?)"']+$/u, "");
    end = start + value.length;
    if (value.length < 2) continue;
    out.push({ kind, value, start, end });
  }
  return out;
}

/** Words that make the name before them a company's: "Reynolds LLC", "Rohan and Sons", "Kris Group". */
const COMPANY_AFTER =
  /^\s*(?:,\s*)?(?:inc|llc|ltd|limited|gmbh|corp|corporation|co|company|group|plc|ag|sa|bv|partners|associates|holdings|industries|labs?|studio|&\s*\p{Lu}|and\s+sons|&\s+sons|-\s*\p{Lu})\b/iu;
const CAPITALISED = /^[\p{Lu}][\p{L}'’.-]*$/u;

/**
 * Whether compromise's "person" is a person's full name: two to four capitalised words, not followed by a
 * company's suffix and not inside an organisation it also found. compromise tags a lone surname, or the
 * surname that begins a company's name ("Rohan Group"), as a person; a first name alone is not enough to
 * say who someone is anyway.
 */
function isFullName(e: Entity, text: string, organizations: Entity[]): boolean {
  const words = e.value.split(/\s+/);
  if (words.length < 2 || words.length > 4 || !words.every((w) => CAPITALISED.test(w))) return false;
  if (COMPANY_AFTER.test(text.slice(e.end, e.end + 24))) return false;
  if (COMPANY_AFTER.test(` ${words[words.length - 1]}`)) return false;
  return !organizations.some((o) => e.start < o.end && o.start < e.end);
}

export function findEntities(text: string): Entity[] {
  const doc = nlp(text);
  const organizations = spans(
    "organization",
    doc.organizations().json({ offset: true }) as OffsetJson[],
    text,
  );
  const people = spans("person", doc.people().json({ offset: true }) as OffsetJson[], text).filter((e) =>
    isFullName(e, text, organizations),
  );
  return [
    ...people,
    ...spans("place", doc.places().json({ offset: true }) as OffsetJson[], text),
    ...organizations,
  ].sort((a, b) => a.start - b.start);
}
