import type { ZodError } from "zod";
import { type AcceptedEvent, type EventType, type SegmentEvent, segmentEventSchema } from "../model/event.js";
import type { PostalAddress, RecordAttributes } from "../model/source-record.js";

/**
 * Reading Segment Tracking API payloads: one event (`/v1/track`…) or a batch (`/v1/batch`), validated as
 * Segment does, with the message id filled in when missing and the timestamp corrected for the sender's clock
 * (`timestamp = receivedAt − (sentAt − originalTimestamp)`). An invalid event is rejected with the field and
 * the reason, and its neighbours in the batch are not affected. Also: the attributes of the actor record an
 * identify call builds (traits accumulate, as in Segment).
 */

/** The documented limits of the Tracking API. */
export const segmentLimits = {
  eventBytes: 32 * 1024,
  batchBytes: 500 * 1024,
  batchEvents: 2500,
} as const;

export interface RejectedEvent {
  /** The event's place in the batch (0 for a single event). */
  index: number;
  field: string;
  message: string;
  raw: string;
}

export interface ReadPayload {
  events: AcceptedEvent[];
  rejected: RejectedEvent[];
}

/** A payload that cannot be read at all: answered with 400 and nothing is accepted. */
export class PayloadError extends Error {
  override name = "PayloadError";
}

export interface PayloadOptions {
  source: string;
  receivedAt: Date;
  /** A message id for events sent without one. */
  newMessageId: () => string;
}

function parseTime(v: unknown): Date | null {
  if (typeof v === "number") return Number.isFinite(v) ? new Date(v) : null;
  if (typeof v !== "string" || v.trim() === "") return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

function firstIssue(error: ZodError): { field: string; message: string } {
  const i = error.issues[0];
  return {
    field: i && i.path.length > 0 ? i.path.join(".") : "(event)",
    message: i?.message ?? "invalid event",
  };
}

function readOne(
  raw: unknown,
  index: number,
  implied: EventType | null,
  batchSentAt: unknown,
  o: PayloadOptions,
): AcceptedEvent | RejectedEvent {
  const text = JSON.stringify(raw) ?? "null";
  const reject = (field: string, message: string): RejectedEvent => ({ index, field, message, raw: text });
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    return reject("(event)", "an event is a JSON object");
  if (Buffer.byteLength(text) > segmentLimits.eventBytes)
    return reject(
      "(event)",
      `the event is ${Buffer.byteLength(text)} bytes; the limit is ${segmentLimits.eventBytes}`,
    );
  const input = implied ? { ...(raw as Record<string, unknown>), type: implied } : raw;
  const parsed = segmentEventSchema.safeParse(input);
  if (!parsed.success) {
    const { field, message } = firstIssue(parsed.error);
    return reject(field, message);
  }
  const e: SegmentEvent = parsed.data;
  const userId = e.userId?.trim() || null;
  const anonymousId = e.anonymousId?.trim() || null;
  if (userId === null && anonymousId === null)
    return reject("userId", "an event needs a userId or an anonymousId");
  if (e.type === "track" && !e.event?.trim()) return reject("event", "a track call needs the event's name");
  if (e.type === "alias" && !e.previousId?.trim())
    return reject("previousId", "an alias call needs a previousId");
  if (e.type === "group" && !e.groupId?.trim()) return reject("groupId", "a group call needs a groupId");

  const receivedAt = o.receivedAt;
  const original = e.timestamp ?? e.originalTimestamp;
  let timestamp = receivedAt;
  if (original !== undefined && original !== null) {
    const t = parseTime(original);
    if (!t)
      return reject(
        e.timestamp !== undefined && e.timestamp !== null ? "timestamp" : "originalTimestamp",
        `"${original}" is not a time`,
      );
    timestamp = t;
  }
  const sentRaw = e.sentAt ?? batchSentAt;
  const sentAt = sentRaw === undefined || sentRaw === null ? null : parseTime(sentRaw);
  if (sentRaw !== undefined && sentRaw !== null && !sentAt)
    return reject("sentAt", `"${sentRaw}" is not a time`);
  // The sender's clock may be wrong; the time between sending and receiving is not.
  if (sentAt && original !== undefined && original !== null)
    timestamp = new Date(receivedAt.getTime() - (sentAt.getTime() - timestamp.getTime()));
  const messageId = e.messageId?.trim() || o.newMessageId();
  return {
    source: o.source,
    messageId,
    type: e.type,
    userId,
    anonymousId,
    timestamp: timestamp.toISOString(),
    receivedAt: receivedAt.toISOString(),
    sentAt: sentAt ? sentAt.toISOString() : null,
    body: { ...e, messageId },
  };
}

/**
 * Reads the parsed JSON of one request. `path` is the call: an event type, or "batch". A batch's events
 * default their type to nothing: each must say it.
 */
export function readSegmentPayload(body: unknown, path: EventType | "batch", o: PayloadOptions): ReadPayload {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new PayloadError("the body must be a JSON object");
  const b = body as Record<string, unknown>;
  const out: ReadPayload = { events: [], rejected: [] };
  const take = (r: AcceptedEvent | RejectedEvent) => {
    if ("field" in r) out.rejected.push(r);
    else out.events.push(r);
  };
  if (path === "batch") {
    const batch = b.batch;
    if (!Array.isArray(batch)) throw new PayloadError('a batch call needs a "batch" array of events');
    if (batch.length > segmentLimits.batchEvents)
      throw new PayloadError(
        `the batch holds ${batch.length} events; the limit is ${segmentLimits.batchEvents}`,
      );
    for (const [i, raw] of batch.entries()) take(readOne(raw, i, null, b.sentAt, o));
  } else take(readOne(b, 0, path, undefined, o));
  return out;
}

/** The write key a body carries (analytics.js may send it in the body instead of a header). */
export function writeKeyInBody(body: unknown): string | null {
  const k = body && typeof body === "object" ? (body as Record<string, unknown>).writeKey : undefined;
  return typeof k === "string" && k.trim() !== "" ? k.trim() : null;
}

function str(v: unknown): string | undefined {
  if (typeof v === "string" && v.trim() !== "") return v.trim();
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

function addressOf(v: unknown): PostalAddress | undefined {
  if (typeof v === "string") return str(v) ? { full: v.trim() } : undefined;
  if (!v || typeof v !== "object") return undefined;
  const a = v as Record<string, unknown>;
  const out: PostalAddress = {};
  const put = (k: keyof PostalAddress, x: unknown) => {
    const s = str(x);
    if (s) out[k] = s;
  };
  put("line1", a.street ?? a.line1);
  put("line2", a.line2);
  put("city", a.city);
  put("region", a.state ?? a.region);
  put("postcode", a.postalCode ?? a.postal_code ?? a.zip);
  put("country", a.country);
  return Object.keys(out).length > 0 ? out : undefined;
}

const keep = 5;

function unionFirst<T>(fresh: T | undefined, old: T[], same: (a: T, b: T) => boolean): T[] {
  if (fresh === undefined) return old;
  return [fresh, ...old.filter((o) => !same(o, fresh))].slice(0, keep);
}

/**
 * The attributes of an actor's record after an event: identifiers accumulate; an identify call's traits are
 * merged into those already known (newer values first), as Segment keeps traits on a user.
 */
export function actorAttributes(previous: RecordAttributes | null, event: AcceptedEvent): RecordAttributes {
  const prev: RecordAttributes = previous ?? {
    emails: [],
    phones: [],
    addresses: [],
    identifiers: [],
    texts: [],
    extra: {},
  };
  const next: RecordAttributes = {
    ...prev,
    identifiers: [...prev.identifiers],
    extra: { ...prev.extra },
  };
  const addId = (
    type: RecordAttributes["identifiers"][number]["type"],
    value: unknown,
    namespace?: string,
  ) => {
    const v = str(value);
    if (!v || next.identifiers.some((i) => i.type === type && i.value === v && i.namespace === namespace))
      return;
    next.identifiers.push(namespace ? { type, value: v, namespace } : { type, value: v });
  };
  const b = event.body;
  addId("user_id", event.userId);
  addId("anonymous_id", event.anonymousId);
  const context = (b.context ?? {}) as Record<string, unknown>;
  const device = context.device as Record<string, unknown> | undefined;
  if (device && typeof device === "object") addId("device_id", device.id);
  if (event.type !== "identify") return next;

  const traits = (b.traits ?? {}) as Record<string, unknown>;
  const name = { ...(prev.name ?? {}) };
  const given = str(traits.firstName ?? traits.first_name);
  const family = str(traits.lastName ?? traits.last_name);
  const full = str(traits.name);
  if (given) name.given = given;
  if (family) name.family = family;
  if (full) name.full = full;
  if (Object.keys(name).length > 0) next.name = name;
  const email = str(traits.email);
  next.emails = unionFirst(
    email ? { address: email } : undefined,
    prev.emails,
    (x, y) => x.address.toLowerCase() === y.address.toLowerCase(),
  );
  const phone = str(traits.phone);
  next.phones = unionFirst(
    phone ? { number: phone } : undefined,
    prev.phones,
    (x, y) => x.number === y.number,
  );
  next.addresses = unionFirst(
    addressOf(traits.address),
    prev.addresses,
    (x, y) => JSON.stringify(x) === JSON.stringify(y),
  );
  const birthday = str(traits.birthday ?? traits.dateOfBirth);
  if (birthday) next.dateOfBirth = birthday;
  const gender = str(traits.gender);
  if (gender) next.gender = gender;
  const known = (next.extra.traits ?? {}) as Record<string, unknown>;
  next.extra.traits = { ...known, ...traits };
  return next;
}
