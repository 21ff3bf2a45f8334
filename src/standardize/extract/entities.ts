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

export function findEntities(text: string): Entity[] {
  const doc = nlp(text);
  return [
    ...spans("person", doc.people().json({ offset: true }) as OffsetJson[], text),
    ...spans("place", doc.places().json({ offset: true }) as OffsetJson[], text),
    ...spans("organization", doc.organizations().json({ offset: true }) as OffsetJson[], text),
  ].sort((a, b) => a.start - b.start);
}
