import { z } from "zod";

/**
 * A source record is one tile of the mosaic: what one source said about one person at one time.
 * Attributes are kept as the source gave them (after mapping); standardised forms are derived from them.
 */

const text = z.string().trim().min(1);

export const personNameSchema = z.object({
  full: text.optional(),
  title: text.optional(),
  given: text.optional(),
  middle: text.optional(),
  family: text.optional(),
  suffix: text.optional(),
});
export type PersonName = z.infer<typeof personNameSchema>;

export const emailSchema = z.object({
  address: text,
  label: text.optional(),
});
export type EmailAttribute = z.infer<typeof emailSchema>;

export const phoneSchema = z.object({
  number: text,
  label: text.optional(),
});
export type PhoneAttribute = z.infer<typeof phoneSchema>;

/** The parts an address may be given in, besides its label. */
export const addressParts = [
  "full",
  "line1",
  "line2",
  "streetNumber",
  "street",
  "unit",
  "locality",
  "city",
  "region",
  "postcode",
  "country",
] as const;
export type AddressPart = (typeof addressParts)[number];

export const postalAddressSchema = z.object({
  label: text.optional(),
  /** The whole address on one line, when the source does not split it. */
  full: text.optional(),
  line1: text.optional(),
  line2: text.optional(),
  streetNumber: text.optional(),
  street: text.optional(),
  unit: text.optional(),
  locality: text.optional(),
  city: text.optional(),
  region: text.optional(),
  postcode: text.optional(),
  country: text.optional(),
});
export type PostalAddress = z.infer<typeof postalAddressSchema>;

export const identifierType = z.enum([
  "user_id",
  "customer_id",
  "anonymous_id",
  "device_id",
  "cookie",
  "loyalty_number",
  "social_handle",
  "national_id",
  "ip_address",
  "order_id",
  "other",
]);
export type IdentifierType = z.infer<typeof identifierType>;

export const identifierSchema = z.object({
  type: identifierType,
  value: text,
  /** Where the identifier lives: a social network, a device platform, an issuing system. */
  namespace: text.optional(),
});
export type Identifier = z.infer<typeof identifierSchema>;

export const freeTextSchema = z.object({
  name: text,
  value: text,
});
export type FreeText = z.infer<typeof freeTextSchema>;

/** What can be extracted from free text (`src/standardize/extract`). */
export const extractedFactKind = z.enum([
  "email",
  "phone",
  "url",
  "social_handle",
  "person",
  "job_title",
  "organization",
  "place",
  "address",
  "language",
  "sentiment",
  "interest",
]);
export type ExtractedFactKind = z.infer<typeof extractedFactKind>;

/**
 * One fact found in free text, with its provenance: the document (the record's `source/sourceRecordId`), the
 * text attribute it was read from and the character span `[start, end)` in that text; and how sure the
 * extractor is (0 to 1) and which method found it. Facts are evidence: emails, phones and a name found with
 * enough confidence also join the record's own emails, phones and name, labelled as extracted.
 */
export const extractedFactSchema = z.object({
  kind: extractedFactKind,
  /** The normalised value: a lower-cased email, an E.164 phone, a language code, a sentiment score… */
  value: z.string(),
  /** Raw text of the span, when it differs from the value. */
  text: z.string().optional(),
  document: z.string(),
  field: z.string(),
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  confidence: z.number().min(0).max(1),
  method: z.string(),
  /** A narrower label: "signature", "work", "mobile", a social network, an interest's parent… */
  label: z.string().optional(),
});
export type ExtractedFact = z.infer<typeof extractedFactSchema>;

export const recordAttributesSchema = z.object({
  name: personNameSchema.optional(),
  emails: z.array(emailSchema).default([]),
  phones: z.array(phoneSchema).default([]),
  addresses: z.array(postalAddressSchema).default([]),
  dateOfBirth: text.optional(),
  gender: text.optional(),
  identifiers: z.array(identifierSchema).default([]),
  texts: z.array(freeTextSchema).default([]),
  extra: z.record(z.string(), z.unknown()).default({}),
  /** Facts extracted from `texts`, with provenance and confidence; absent when there are none. */
  evidence: z.array(extractedFactSchema).optional(),
});
export type RecordAttributes = z.infer<typeof recordAttributesSchema>;

export const sourceRecordSchema = z.object({
  source: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/i, "source names are letters, digits, '_', '-' or '.'"),
  sourceRecordId: text,
  observedAt: z.iso.datetime({ offset: true }),
  attributes: recordAttributesSchema,
});
export type SourceRecord = z.infer<typeof sourceRecordSchema>;

export function emptyAttributes(): RecordAttributes {
  return { emails: [], phones: [], addresses: [], identifiers: [], texts: [], extra: {} };
}
