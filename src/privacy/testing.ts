import type { AcceptedEvent, SegmentEvent } from "../model/event.js";

/** For tests: an accepted event as the ingest API would hand it to the live path. */
let n = 0;
export function accepted(
  body: Partial<SegmentEvent> & { type: SegmentEvent["type"] },
  at: string,
  source = "web",
): AcceptedEvent {
  const messageId = (body.messageId as string | undefined) ?? `m-${process.pid}-${++n}`;
  return {
    source,
    messageId,
    type: body.type,
    userId: body.userId ?? null,
    anonymousId: body.anonymousId ?? null,
    timestamp: at,
    receivedAt: at,
    sentAt: null,
    body: { ...body, messageId } as SegmentEvent,
  };
}
