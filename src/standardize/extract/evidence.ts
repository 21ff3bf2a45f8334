import type { ExtractedFact, RecordAttributes } from "../../model/source-record.js";
import { acceptConfidence, extractFacts } from "./extract-text.js";

export interface EvidenceOptions {
  defaultCountry?: string;
  nlp?: boolean;
}

/** Label of the emails, phones and identifiers that text extraction adds to a record. */
export const extractedLabel = "extracted";

function digits(s: string): string {
  return s.replace(/\D/g, "");
}

/**
 * Reads the record's free texts for facts and adds them to its attributes as `evidence`; the confident
 * ones also join what identity resolution compares: emails and valid phones the record does not already
 * hold (labelled "extracted"), profile-URL handles as `social_handle` identifiers, the signature's name
 * (or the name a speaker gives themselves: "this is Jane Doe") when the record has no name of its own, and the city a location field names (a profile's
 * "Shreveport, LA") when the record has no address of its own. The attributes are changed in place and returned; a record
 * without texts, or whose texts hold nothing, is left exactly as it was.
 */
export function addEvidence(
  attributes: RecordAttributes,
  document: string,
  options: EvidenceOptions = {},
): RecordAttributes {
  if (attributes.texts.length === 0) return attributes;
  const facts: ExtractedFact[] = [];
  for (const text of attributes.texts) {
    facts.push(
      ...extractFacts(text.value, {
        document,
        field: text.name,
        ...(options.defaultCountry ? { defaultCountry: options.defaultCountry } : {}),
        ...(options.nlp !== undefined ? { nlp: options.nlp } : {}),
      }),
    );
  }
  if (facts.length === 0) return attributes;
  attributes.evidence = [...(attributes.evidence ?? []), ...facts];

  const emails = new Set(attributes.emails.map((e) => e.address.trim().toLowerCase()));
  const phones = new Set(attributes.phones.map((p) => digits(p.number).slice(-10)));
  const handles = new Set(
    attributes.identifiers.filter((i) => i.type === "social_handle").map((i) => i.value.toLowerCase()),
  );
  let name: ExtractedFact | null = null;
  let place: ExtractedFact | null = null;
  for (const f of facts) {
    if (f.confidence < acceptConfidence) continue;
    if (f.kind === "email" && !emails.has(f.value)) {
      emails.add(f.value);
      attributes.emails.push({ address: f.value, label: extractedLabel });
    } else if (f.kind === "phone" && !phones.has(digits(f.value).slice(-10))) {
      phones.add(digits(f.value).slice(-10));
      attributes.phones.push({ number: f.value, label: extractedLabel });
    } else if (f.kind === "social_handle" && f.label !== undefined && f.label !== "mention") {
      if (!handles.has(f.value)) {
        handles.add(f.value);
        attributes.identifiers.push({ type: "social_handle", value: f.value, namespace: f.label });
      }
    } else if (f.kind === "place" && f.method === "location-field" && place === null) {
      place = f;
    } else if (
      f.kind === "person" &&
      (f.label === "signature" || f.label === "self") &&
      (name === null || f.confidence > name.confidence)
    ) {
      name = f;
    }
  }
  if (name !== null && !hasName(attributes)) attributes.name = { full: name.value };
  if (place !== null && !attributes.addresses.some((a) => a.city || a.full || a.postcode || a.locality)) {
    const comma = place.value.indexOf(",");
    const city = comma === -1 ? place.value : place.value.slice(0, comma).trim();
    const region = comma === -1 ? "" : place.value.slice(comma + 1).trim();
    attributes.addresses.push({ label: extractedLabel, city, ...(region ? { region } : {}) });
  }
  return attributes;
}

function hasName(attributes: RecordAttributes): boolean {
  const n = attributes.name;
  return n !== undefined && Object.values(n).some((v) => typeof v === "string" && v.trim() !== "");
}
