import nlp from "compromise";
import { maxNlpChars, memoByText, namingSentences } from "./prose.js";

/**
 * People, places and organisations named in English text, by compromise (its lexicon and rules ship in
 * npm). Spans are compromise's character offsets; values are the matched text without trailing
 * punctuation. compromise tags a whole text at a fraction of a millisecond per call and more per word, so
 * it reads only the sentences that may name someone or somewhere (`namingSentences`), and a short text
 * once however many records hold it.
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

/**
 * The people, places and organisations named in a text. compromise reads the sentences that may name one
 * it would find and the rules have not (`namingSentences`: a run of capitalised words not all inside
 * `read`, the spans that rules have read already); elsewhere a capitalised word that compromise's lexicon
 * knows as a country, region or city ("ship to Mexico?", "moved to Atlanta") is a place, as compromise
 * would have tagged it.
 */
export function findEntities(
  text: string,
  read: readonly { start: number; end: number }[] = [],
): readonly Entity[] {
  // The naming sentences only, the rest blanked: offsets into it are offsets into the text.
  const prose = namingSentences(text, read, isKnownPlace);
  const tagged = prose === null ? [] : entitiesInProse(prose);
  const known = knownPlaces(text, prose, read);
  return known.length === 0 ? tagged : [...tagged, ...known].sort((a, b) => a.start - b.start);
}

const lexicon = (nlp.world() as unknown as { model: { one: { lexicon: Record<string, string | string[]> } } })
  .model.one.lexicon;
const PLACE_TAGS = new Set(["Country", "City", "Region", "Place"]);
// One to three capitalised words, not inside a longer token ("ORD-0042", an e-mail address).
const CAPITALISED_RUN =
  /(?<![\p{L}\p{N}@._'’-])\p{Lu}[\p{L}'’-]*(?: \p{Lu}[\p{L}'’-]*){0,2}(?![\p{L}\p{N}@]|-[\p{L}\p{N}])/gu;

/** Whether compromise's lexicon knows a phrase ("Mexico", "San Antonio") as a country, region or city. */
function isKnownPlace(phrase: string): boolean {
  const tags = lexicon[phrase.toLowerCase()];
  if (tags === undefined) return false;
  return typeof tags === "string" ? PLACE_TAGS.has(tags) : tags.some((t) => PLACE_TAGS.has(t));
}

function knownPlaces(
  text: string,
  prose: string | null,
  read: readonly { start: number; end: number }[],
): Entity[] {
  const out: Entity[] = [];
  const scope = text.length > maxNlpChars ? text.slice(0, maxNlpChars) : text;
  const add = (value: string, start: number) => {
    const end = start + value.length;
    // compromise has read this sentence, or a rule this span.
    if (prose !== null && prose[start] !== " ") return;
    if (read.some((r) => r.start <= start && end <= r.end)) return;
    out.push({ kind: "place", value, start, end });
  };
  for (const m of scope.matchAll(CAPITALISED_RUN)) {
    if (isKnownPlace(m[0])) {
      add(m[0], m.index);
      continue;
    }
    if (!m[0].includes(" ")) continue;
    for (const w of m[0].matchAll(/\S+/g)) if (isKnownPlace(w[0])) add(w[0], m.index + w.index);
  }
  return out;
}

const entitiesInProse = memoByText(entitiesOf);

function entitiesOf(prose: string): Entity[] {
  const doc = nlp(prose);
  const organizations = spans(
    "organization",
    doc.organizations().json({ offset: true }) as OffsetJson[],
    prose,
  );
  const people = spans("person", doc.people().json({ offset: true }) as OffsetJson[], prose).filter((e) =>
    isFullName(e, prose, organizations),
  );
  return [
    ...people,
    ...spans("place", doc.places().json({ offset: true }) as OffsetJson[], prose),
    ...organizations,
  ].sort((a, b) => a.start - b.start);
}
