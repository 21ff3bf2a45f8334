import { z } from "zod";

/**
 * A behavioural event as the Segment Tracking API defines it (identify, track, page, screen, group, alias),
 * which analytics.js, `@segment/analytics-node` and RudderStack's SDKs send unchanged. Validation is as loose as
 * Segment's own: unknown fields are kept, and only what Tessera reads must have the right type.
 */

export const eventTypes = ["identify", "track", "page", "screen", "group", "alias"] as const;
export type EventType = (typeof eventTypes)[number];

/** The browser short paths: `/v1/i` is identify and so on. */
export const shortPathTypes: Record<string, EventType> = {
  i: "identify",
  t: "track",
  p: "page",
  s: "screen",
  g: "group",
  a: "alias",
};

// A NUL character is never part of an id or a name (and PostgreSQL text cannot hold one): refused, with its field.
const noNul = (s: string) => !s.includes("\u0000");
const id = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .refine(noNul, "contains a NUL character");
const label = z.string().refine(noNul, "contains a NUL character");
const time = z.union([z.string(), z.number()]);
const objectOf = z.record(z.string(), z.unknown());

export const segmentEventSchema = z.looseObject({
  type: z.enum(eventTypes),
  messageId: id.optional(),
  userId: id.nullish(),
  anonymousId: id.nullish(),
  previousId: id.nullish(),
  groupId: id.nullish(),
  event: label.nullish(),
  name: label.nullish(),
  category: z.string().nullish(),
  traits: objectOf.nullish(),
  properties: objectOf.nullish(),
  context: objectOf.nullish(),
  integrations: objectOf.nullish(),
  timestamp: time.nullish(),
  originalTimestamp: time.nullish(),
  sentAt: time.nullish(),
  writeKey: z.string().nullish(),
});
export type SegmentEvent = z.infer<typeof segmentEventSchema>;

/** An event as accepted by the ingest API: validated, with its message id, times corrected, and its source. */
export interface AcceptedEvent {
  /** The source the write key belongs to. */
  source: string;
  messageId: string;
  type: EventType;
  userId: string | null;
  anonymousId: string | null;
  /** When it happened, corrected for the sender's clock skew (ISO-8601). */
  timestamp: string;
  receivedAt: string;
  sentAt: string | null;
  /** The event as sent (with `messageId` filled in when the sender gave none). */
  body: SegmentEvent;
}

/** One identifier an event carries, normalised; `kind` is `user_id`, `email`, `ext:<type>`… */
export interface EventIdentifier {
  kind: string;
  value: string;
}
