import { describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../model/event.js";
import { listQuarantine } from "../store/quarantine.js";
import { testEngines } from "../store/testing.js";
import { LiveIngest } from "./ingest-events.js";

describe.each(await testEngines())("a poison event's dead letter on $name", (engine) => {
  it("keeps the event whole with why it failed, under the source's live run", async () => {
    const t = await engine.open();
    try {
      const at = "2026-11-24T06:00:00.000Z";
      const event: AcceptedEvent = {
        source: "app",
        messageId: "poison-1",
        type: "track",
        userId: "u-9",
        anonymousId: null,
        timestamp: at,
        receivedAt: at,
        sentAt: null,
        body: { type: "track", messageId: "poison-1", userId: "u-9", event: "Viewed" },
      };
      const ingest = new LiveIngest(t.store, { now: () => new Date(at) });
      await ingest.deadLetter(event, new Error("value too long for the column"));
      const rows = await listQuarantine(t.store, { source: "app" });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        source: "app",
        code: "failed-event",
        field: null,
        reason: "could not be applied: value too long for the column",
      });
      expect(JSON.parse(rows[0]?.raw as string)).toEqual(event);
    } finally {
      await t.dispose();
    }
  });
});
