import type { ExtractedFact, ExtractedFactKind } from "../../model/source-record.js";
import { type Found, findEmails, findHandles, findPhones, findUrls } from "./contacts.js";
import { findEntities } from "./entities.js";
import { findInterests } from "./interests.js";
import { findIntroductions } from "./introductions.js";
import { detectLanguage } from "./language.js";
import { findLocation } from "./location.js";
import { sentimentOf } from "./sentiment.js";
import { findSignature, type Signature } from "./signature.js";

export interface ExtractOptions {
  /** The document the text belongs to: the record's `source/sourceRecordId`. */
  document: string;
  /** The text attribute's name (`body`, `bio`…). */
  field: string;
  /** Country for phone numbers written without "+". */
  defaultCountry?: string;
  /** Run the NLP steps (entities, language, sentiment, interests); default true. */
  nlp?: boolean;
}

/**
 * How sure each method is. Patterns with a checksum-like structure (an email, a valid phone) are near
 * certain; what a signature's position implies (its first line is the sender's name) is likely; what a
 * statistical tagger guesses is a lead, not a fact.
 */
export const confidence = {
  email: 0.98,
  url: 0.97,
  profileUrl: 0.93,
  mention: 0.5,
  phoneValid: 0.92,
  phoneValidInSignature: 0.96,
  phonePossible: 0.4,
  signatureName: 0.9,
  signatureGivenOnly: 0.6,
  introduction: 0.85,
  signatureTitle: 0.8,
  signatureOrganization: 0.8,
  signatureAddress: 0.85,
  entity: 0.6,
  locationField: 0.85,
  interest: 0.7,
  sentiment: 0.7,
} as const;

/** Texts that hold a place and nothing else: a profile's location, a form's town field. */
export const locationFields = /^(?:location|city|town|place|hometown|based_in)$/i;

/** Facts with at least this confidence also join the record's emails, phones and name. */
export const acceptConfidence = 0.8;

/**
 * Every fact found in one text, with its span and confidence: contact points, the signature's parts (when
 * the text ends in one), named entities, language, sentiment and interests. Facts about the same span and
 * kind are given once, the most confident kept.
 */
export function extractFacts(text: string, options: ExtractOptions): ExtractedFact[] {
  const { document, field } = options;
  const facts: ExtractedFact[] = [];
  const add = (
    kind: ExtractedFactKind,
    found: { value: string; start: number; end: number; text?: string },
    conf: number,
    method: string,
    label?: string,
  ) => {
    const raw = text.slice(found.start, found.end);
    facts.push({
      kind,
      value: found.value,
      ...(raw !== found.value ? { text: raw } : {}),
      document,
      field,
      start: found.start,
      end: found.end,
      confidence: conf,
      method,
      ...(label !== undefined ? { label } : {}),
    });
  };

  const emails = findEmails(text);
  const urls = findUrls(text);
  const taken: Found[] = [...emails, ...urls];
  const overlaps = (f: { start: number; end: number }) =>
    taken.some((t) => f.start < t.end && t.start < f.end);
  for (const e of emails) add("email", e, confidence.email, "pattern");
  for (const u of urls) add("url", u, confidence.url, "pattern");
  for (const h of findHandles(text, urls)) {
    if (h.label === "mention") {
      if (!overlaps(h)) add("social_handle", h, confidence.mention, "pattern", "mention");
    } else {
      add("social_handle", h, confidence.profileUrl, "profile-url", h.label);
    }
  }

  const introductions = findIntroductions(text);
  for (const intro of introductions) add("person", intro, confidence.introduction, "introduction", "self");

  // A location field's place is read by its own rule; compromise would only guess at it again.
  let placeFound = false;
  if (locationFields.test(field)) {
    const place = findLocation(text);
    if (place !== null) {
      placeFound = true;
      const value = place.region === null ? place.city : `${place.city}, ${place.region}`;
      add(
        "place",
        { value, start: place.start, end: place.end },
        confidence.locationField,
        "location-field",
        "city",
      );
    }
  }

  const signature = findSignature(text, options.defaultCountry);
  const inSignature = (f: { start: number }) => signature !== null && f.start >= signature.start;
  for (const p of findPhones(text, options.defaultCountry)) {
    if (overlaps(p)) continue;
    const label = signature?.phones.find((s) => s.start === p.start)?.label;
    const conf = !p.valid
      ? confidence.phonePossible
      : inSignature(p)
        ? confidence.phoneValidInSignature
        : confidence.phoneValid;
    add("phone", p, conf, "libphonenumber", label ?? (inSignature(p) ? "signature" : undefined));
  }

  if (signature !== null) {
    const m = `signature:${signature.marker}`;
    if (signature.name) {
      add(
        "person",
        signature.name,
        signature.name.singleWord ? confidence.signatureGivenOnly : confidence.signatureName,
        m,
        signature.name.singleWord ? "given" : "signature",
      );
    }
    if (signature.title) add("job_title", signature.title, confidence.signatureTitle, m);
    if (signature.organization)
      add("organization", signature.organization, confidence.signatureOrganization, m);
    if (signature.address) add("address", signature.address, confidence.signatureAddress, m);
  }

  if (options.nlp !== false) {
    // The signature is names and numbers: the language is the prose's above it.
    const prose = signature === null ? text : text.slice(0, signature.start);
    const language = detectLanguage(prose);
    if (language) {
      add("language", { value: language.language, start: 0, end: text.length }, language.confidence, "franc");
    }
    if ((language === null || language.language === "en") && !placeFound) {
      // The prose too: a signature's name, company and address are read by its rules — but the name line
      // its rules could not read ("Céline Le gall") is left to compromise.
      for (const entity of findEntities(entityText(text, signature), [...taken, ...introductions])) {
        if (overlaps(entity)) continue;
        add(entity.kind, entity, confidence.entity, "compromise");
      }
      if (language !== null) {
        const s = sentimentOf(text);
        add(
          "sentiment",
          { value: String(s.score), start: 0, end: text.length },
          confidence.sentiment,
          "wink-nlp",
          s.label,
        );
      }
    }
    for (const i of findInterests(text))
      add("interest", { value: i.interest, start: i.start, end: i.end }, confidence.interest, "taxonomy");
  }
  return dedupe(facts);
}

/** The text compromise reads: the prose above the signature, and the signature's first line if no name was read there. */
function entityText(text: string, signature: Signature | null): string {
  if (signature === null) return text;
  if (signature.name !== null) return text.slice(0, signature.start);
  const lineEnd = text.indexOf("\n", signature.start);
  return text.slice(0, lineEnd === -1 ? text.length : lineEnd);
}

function dedupe(facts: ExtractedFact[]): ExtractedFact[] {
  const best = new Map<string, ExtractedFact>();
  for (const f of facts) {
    // Overlapping spans of one kind (a signature name and compromise's guess at it) are one fact.
    let key = `${f.kind}:${f.start}:${f.end}`;
    for (const [k, other] of best) {
      if (
        other.kind === f.kind &&
        f.start < other.end &&
        other.start < f.end &&
        f.kind !== "language" &&
        f.kind !== "sentiment"
      ) {
        key = k;
        break;
      }
    }
    const seen = best.get(key);
    if (seen === undefined || f.confidence > seen.confidence) best.set(key, f);
  }
  return [...best.values()].sort((a, b) => a.start - b.start || a.kind.localeCompare(b.kind));
}
