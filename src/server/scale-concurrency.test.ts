import { describe, expect, it } from "vitest";
import { overlappingPeople, partitionOf, shuffled } from "../bus/workload.js";
import { addReports, emptyIngestReport, LiveIngest } from "../jobs/ingest-events.js";
import type { AcceptedEvent } from "../model/event.js";
import { loadLinks } from "../store/entities.js";
import { openStore, type Store } from "../store/open-store.js";
import { latestAttributes } from "../store/source-records.js";
import { testEngines } from "../store/testing.js";

/**
 * Order-neutrality and concurrency of the live path without NATS: the same events applied in time order, in
 * shuffled orders, and (PostgreSQL) by three ingesters with pools of their own at once end in the same
 * partition of records into profiles — one per person — and the same traits on every record.
 */

const work = overlappingPeople(150, "app", "c");
const accepted = (order: typeof work.events): AcceptedEvent[] =>
  order.map((e) => ({
    source: "app",
    messageId: e.messageId,
    type: e.type,
    userId: e.userId ?? null,
    anonymousId: e.anonymousId ?? null,
    timestamp: e.timestamp,
    receivedAt: e.timestamp,
    sentAt: null,
    body: e as AcceptedEvent["body"],
  }));

async function partition(store: Store): Promise<string[]> {
  const groups = new Map<string, string[]>();
  for (const [key, entity] of await loadLinks(store.db))
    groups.set(entity, [...(groups.get(entity) ?? []), key]);
  return partitionOf(groups.values());
}

async function traits(store: Store): Promise<string[]> {
  const keys = work.people.flat();
  const out: string[] = [];
  for (const [key, a] of await latestAttributes(store.db, keys))
    out.push(`${key} ${a.name?.family ?? ""} ${a.emails.map((e) => e.address).join(",")} ${a.phones.length}`);
  return out.sort();
}

describe.each(await testEngines())("the live path's result does not depend on order, on $name", (engine) => {
  it("ends in one profile per person with the same traits, in time order and in two shuffled orders", {
    timeout: 60_000,
  }, async () => {
    const results: { partition: string[]; traits: string[] }[] = [];
    for (const seed of [0, 1, 2]) {
      const t = await engine.open();
      try {
        const events = accepted(seed === 0 ? work.events : shuffled(work.events, seed));
        const ingest = new LiveIngest(t.store);
        for (let i = 0; i < events.length; i += 70) await ingest.apply(events.slice(i, i + 70));
        results.push({ partition: await partition(t.store), traits: await traits(t.store) });
      } finally {
        await t.dispose();
      }
    }
    expect(results[0]?.partition).toEqual(partitionOf(work.people));
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
    expect(results[0]?.traits.find((l) => l.startsWith("app/user:c0-user "))).toContain("New0");
  });

  it.skipIf(engine.name !== "postgres")(
    "three ingesters applying shuffled batches at once create no duplicate and lose no merge",
    { timeout: 60_000 },
    async () => {
      const t = await engine.open();
      const others: Store[] = [];
      try {
        // Two more stores on the same schema: pools of their own, as other processes would have.
        for (let k = 0; k < 2; k++)
          others.push(
            await openStore({
              url: process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test",
              ...(t.store.schema ? { schema: t.store.schema } : {}),
            }),
          );
        const ingesters = [t.store, ...others].map((s) => new LiveIngest(s));
        const events = accepted(shuffled(work.events, 5));
        const total = emptyIngestReport();
        let next = 0;
        await Promise.all(
          ingesters.map(async (ingest) => {
            while (next < events.length) {
              const batch = events.slice(next, next + 60);
              next += 60;
              addReports(total, await ingest.apply(batch));
            }
          }),
        );
        expect(total.applied).toBe(events.length);
        expect(await partition(t.store)).toEqual(partitionOf(work.people));
        const active = await t.store.db
          .selectFrom("entity")
          .select("id")
          .where("status", "=", "active")
          .execute();
        expect(active.length).toBe(work.people.length);
        // Every link names an active profile: no record was left on a profile merged away.
        const dangling = await t.store.db
          .selectFrom("entity_link as l")
          .innerJoin("entity as e", "e.id", "l.entity_id")
          .select("l.record_key")
          .where("e.status", "<>", "active")
          .execute();
        expect(dangling).toEqual([]);
      } finally {
        for (const s of others) await s.close();
        await t.dispose();
      }
    },
  );
});
