import { connect } from "nats";
import { afterAll, describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../model/event.js";
import { natsReachable } from "./cluster.js";
import { NatsEventLog, ResolverWorker, streamMaxAgeHours } from "./nats.js";

const natsUrl = process.env.NATS_URL || "nats://127.0.0.1:4222";
const natsUp = await natsReachable(natsUrl);
if (!natsUp) console.warn(`NATS not reachable at ${natsUrl}: the resolver worker test is skipped`);

const stream = `TESSERA_POISON_${process.pid}_${Date.now().toString(36)}`.toUpperCase();

afterAll(async () => {
  if (!natsUp) return;
  const nc = await connect({ servers: natsUrl });
  await (await nc.jetstreamManager()).streams.delete(stream).catch(() => false);
  await nc.close();
});

function event(messageId: string): AcceptedEvent {
  const at = "2026-11-24T06:00:00.000Z";
  return {
    source: "app",
    messageId,
    type: "track",
    userId: "u-1",
    anonymousId: null,
    timestamp: at,
    receivedAt: at,
    sentAt: null,
    body: { type: "track", messageId, userId: "u-1", event: "Viewed" },
  };
}

describe.skipIf(!natsUp)("the resolver worker and a poison event", () => {
  it("applies the rest of the batch, and keeps the event that always fails in the dead letter", {
    timeout: 60_000,
  }, async () => {
    const log = await NatsEventLog.open({ url: natsUrl, stream });
    const ids = ["e-1", "e-2", "poison", "e-3", "e-4", "e-5"];
    await log.append(ids.map(event));
    const applied: string[] = [];
    const attempts = new Map<string, number>();
    const dead: { id: string; reason: string }[] = [];
    const worker = await ResolverWorker.start(
      {
        url: natsUrl,
        stream,
        batch: 100,
        maxDeliveries: 3,
        deadLetter: async (e, error) => {
          dead.push({ id: e.messageId, reason: (error as Error).message });
        },
      },
      async (events) => {
        for (const e of events) attempts.set(e.messageId, (attempts.get(e.messageId) ?? 0) + 1);
        // All or nothing, like a transaction: one bad event fails the whole batch.
        if (events.some((e) => e.messageId === "poison")) throw new Error("cannot apply poison");
        applied.push(...events.map((e) => e.messageId));
      },
    );
    for (let i = 0; i < 200 && dead.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await worker.stop();
    await log.close();
    // Every good event applied exactly once, the first time round: the bad one did not hold them back.
    expect(applied.sort()).toEqual(["e-1", "e-2", "e-3", "e-4", "e-5"]);
    expect(dead).toEqual([{ id: "poison", reason: "cannot apply poison" }]);
    // Tried alone until its third delivery, then acknowledged: the stream holds nothing unacknowledged.
    expect(attempts.get("poison")).toBeGreaterThanOrEqual(3);
    const nc = await connect({ servers: natsUrl });
    const info = await (await nc.jetstreamManager()).consumers.info(stream, "resolver");
    await nc.close();
    expect(info.num_ack_pending + info.num_pending).toBe(0);
  });
});

describe.skipIf(!natsUp)("the stream's retention", () => {
  it("keeps events for the age the ingest nodes ask for, and a worker leaves it as it is", async () => {
    const name = `${stream}_AGE`;
    const age = async () => {
      const nc = await connect({ servers: natsUrl });
      const info = await (await nc.jetstreamManager()).streams.info(name);
      await nc.close();
      return info.config.max_age / 3.6e12;
    };
    const first = await NatsEventLog.open({ url: natsUrl, stream: name, maxAgeHours: 48 });
    await first.close();
    expect(await age()).toBe(48);
    const again = await NatsEventLog.open({ url: natsUrl, stream: name, maxAgeHours: 2 });
    await again.close();
    expect(await age()).toBe(2);
    const worker = await ResolverWorker.start({ url: natsUrl, stream: name }, async () => {});
    await worker.stop();
    expect(await age()).toBe(2);
    expect(() => streamMaxAgeHours(0)).toThrow(/hours above 0/);
    const nc = await connect({ servers: natsUrl });
    await (await nc.jetstreamManager()).streams.delete(name);
    await nc.close();
  });
});
