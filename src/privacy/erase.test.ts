import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importSource } from "../jobs/import-source.js";
import { LiveIngest } from "../jobs/ingest-events.js";
import { masterRecords } from "../jobs/master-records.js";
import { findEntityId } from "../jobs/profile-api.js";
import { compileMapping } from "../mapping/compile-mapping.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { accessExport } from "./access.js";
import { recordConsent } from "./consent.js";
import { erasePerson } from "./erase.js";
import { asText, listTables } from "./tables.js";
import { accepted } from "./testing.js";

/**
 * Erasure end to end: a person known from a CSV import (two records, mastered into one profile) and from live
 * events, with consent, a score, a quarantined event and a webhook delivery naming them; erased by one call;
 * then every column of every table is searched for their identifiers, and their events are replayed.
 */

const fake1000 = join(import.meta.dirname, "../../../shared/datasets/splink/fake_1000.csv");
const settingsPath = join(import.meta.dirname, "../../bench/configs/fake-1000.json");
const now = () => new Date("2026-11-20T12:00:00Z");

const person = {
  email: "Zebulon.Quixote@Erase.example",
  phone: "+44 20 7946 0321",
  given: "Zebulon",
  family: "Quixotaire",
  userId: "zq-user-77",
  anonymousId: "anon-zq-55",
};
const traces = [
  "zebulon.quixote@erase.example",
  "+442079460321",
  "20 7946 0321",
  "Zebulon",
  "Quixotaire",
  "zq-user-77",
  "anon-zq-55",
];

async function findTraces(t: TestStore): Promise<string[]> {
  const db = t.store.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const hits: string[] = [];
  for (const [table, columns] of await listTables(t.store))
    for (const c of columns) {
      if (!c.textual) continue;
      const text = asText(t.store, c.name);
      const rows = await db.selectFrom(table).select(text.as("t")).execute();
      for (const r of rows as { t: string | null }[])
        for (const s of traces)
          if (r.t?.toLowerCase().includes(s.toLowerCase())) hits.push(`${table}.${c.name}: ${s}`);
    }
  return [...new Set(hits)];
}

describe.skipIf(!existsSync(fake1000)).each(await testEngines())("erasure on $name", (engine) => {
  let t: TestStore;
  let dir: string;
  const events = [
    accepted(
      {
        type: "identify",
        userId: person.userId,
        anonymousId: person.anonymousId,
        traits: { email: person.email, phone: person.phone, firstName: person.given },
      },
      "2026-11-10T10:00:00.000Z",
    ),
    accepted(
      { type: "track", userId: person.userId, event: "Order Completed", properties: { revenue: 12 } },
      "2026-11-10T10:05:00.000Z",
    ),
    accepted({ type: "page", anonymousId: person.anonymousId, name: "Home" }, "2026-11-10T09:55:00.000Z"),
  ];

  const crmMapping = compileMapping({
    source: "crm",
    trust: 0.8,
    dateOrder: "YMD",
    defaultCountry: "GB",
    fields: {
      unique_id: "id",
      first_name: "name.given",
      surname: "name.family",
      dob: "dateOfBirth",
      city: "address.city",
      email: "email",
      phone: "phone",
    },
  });

  beforeAll(async () => {
    t = await engine.open();
    dir = mkdtempSync(join(tmpdir(), "tessera-erase-"));
    const lines = readFileSync(fake1000, "utf8").trim().split("\n").slice(0, 301);
    const csv = [
      `${lines[0]},phone`,
      ...lines.slice(1).map((l) => `${l},`),
      `9001,${person.given},${person.family},1980-02-03,London,${person.email},9001,${person.phone}`,
      `9002,${person.given},${person.family},1980-02-03,London,${person.email.toLowerCase()},9001,`,
    ];
    writeFileSync(join(dir, "crm.csv"), `${csv.join("\n")}\n`);
    await importSource(t.store, {
      path: join(dir, "crm.csv"),
      mapping: crmMapping,
    });
    await masterRecords(t.store, { settingsPath, now });
    const ingest = new LiveIngest(t.store, { now, defaultCountry: "GB" });
    await ingest.apply(events);
    await ingest.quarantine("web", [
      {
        index: 3,
        field: "event",
        message: "not a string",
        raw: JSON.stringify({ userId: person.userId, event: 5 }),
      },
    ]);
  });
  afterAll(async () => {
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("deletes the person everywhere, keeps only salted hashes, and replayed events are dropped", async () => {
    const found = await findEntityId(t.store, `email:${person.email}`);
    expect(found).not.toBeNull();
    const id = found?.id as string;
    expect((await findEntityId(t.store, `user_id:${person.userId}`))?.id).toBe(id);
    expect((await findEntityId(t.store, "record:crm/9002"))?.id).toBe(id);
    await recordConsent(t.store.db, [{ subject: id, purpose: "marketing", state: "granted" }], "test");
    await t.store.db
      .insertInto("profile_score")
      .values({
        entity_id: id,
        name: "clv",
        value: 9,
        details: "{}",
        model_run_id: "r",
        computed_at: now().toISOString(),
      })
      .execute();
    await t.store.db
      .insertInto("webhook_delivery")
      .values({
        webhook_id: 1,
        change_seq: 1,
        payload: JSON.stringify({ entityId: id, after: { golden: { emails: [{ value: traces[0] }] } } }),
        status: "pending",
        next_attempt_at: now().toISOString(),
        created_at: now().toISOString(),
      })
      .execute();
    expect((await findTraces(t)).length).toBeGreaterThan(10);
    const access = await accessExport(t.store, id, { by: "test" });
    expect(access?.records.map((r) => r.key).sort()).toEqual(
      expect.arrayContaining(["crm/9001", "crm/9002", `web/user:${person.userId}`]),
    );
    expect(access?.events).toHaveLength(3);
    expect(access?.consent[0]).toMatchObject({ purpose: "marketing", state: "granted" });
    expect(Object.keys(access?.related ?? {})).toContain("profile_score");

    const others = await t.store.db
      .selectFrom("source_record")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    const receipt = await erasePerson(t.store, `email:${person.email}`, {
      by: "test",
      reason: "customer request",
    });
    expect(receipt.profiles).toContain(id);
    // Two CRM records, the app user's record (a version per identify) and the anonymous one.
    expect(receipt.deleted.source_record).toBeGreaterThanOrEqual(4);
    expect(receipt.deleted.event).toBe(3);
    expect(receipt.residue).toEqual([]);
    expect(receipt.identifiers.map((i) => i.kind).sort()).toEqual([
      "anonymous_id",
      "email",
      "phone",
      "user_id",
    ]);
    expect(JSON.stringify(receipt).toLowerCase()).not.toContain("zebulon");

    expect(await findTraces(t)).toEqual([]);
    const after = await t.store.db
      .selectFrom("source_record")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(others.n) - (receipt.deleted.source_record ?? 0));
    expect(await findEntityId(t.store, id)).toBeNull();
    const deleted = await t.store.db
      .selectFrom("entity_change")
      .selectAll()
      .where("entity_id", "=", id)
      .execute();
    expect(deleted.map((c) => c.kind)).toEqual(["deleted"]);

    // Replayed (new message ids, as a retrying client would not reuse them) and original events: all dropped.
    const ingest = new LiveIngest(t.store, { now, defaultCountry: "GB" });
    const replay = await ingest.apply([
      ...events,
      accepted(
        { type: "identify", userId: "someone-else", traits: { email: person.email.toUpperCase() } },
        "2026-11-21T00:00:00.000Z",
      ),
      accepted(
        { type: "track", anonymousId: person.anonymousId, event: "Viewed" },
        "2026-11-21T00:00:00.000Z",
      ),
      accepted({ type: "track", anonymousId: "a-stranger", event: "Viewed" }, "2026-11-21T00:00:00.000Z"),
    ]);
    expect(replay.erased).toBe(5);
    expect(replay.applied).toBe(1);
    expect(await findTraces(t)).toEqual([]);

    // The same file imported again: the person's two rows are refused (their raw text not kept), the rest stay.
    const again = await importSource(t.store, { path: join(dir, "crm.csv"), mapping: crmMapping });
    expect(again.quarantined).toBe(2);
    const refused = await t.store.db
      .selectFrom("quarantine")
      .select(["code", "raw", "row_number"])
      .where("import_run_id", "=", again.runId)
      .execute();
    expect(refused.map((r) => [r.code, r.raw])).toEqual([
      ["erased_person", ""],
      ["erased_person", ""],
    ]);
    expect(await findTraces(t)).toEqual([]);
  });
});
