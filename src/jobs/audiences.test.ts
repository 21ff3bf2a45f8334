import { createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TestStore, testEngines } from "../store/testing.js";
import { insertEvents, insertProfiles } from "./audience-fixture.js";
import { AudienceLoop } from "./audience-live.js";
import { latestMicroSegments, runMicroSegments } from "./audience-microsegments.js";
import { computeTraits, defineTrait } from "./computed-traits.js";
import { decide } from "./decide.js";
import { recordMessageResponse, recordSent, writePolicy } from "./ledger.js";
import { exportLines, exportToWebhook } from "./segment-export.js";
import { createSegment, estimateRule, updateSegment } from "./segments.js";

/** Audiences against the store (both engines): rules over every kind of data, live ticks, decide, exports. */

const now = Date.parse("2026-11-24T12:00:00Z");
const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();

describe.each(await testEngines())("audiences on $name", (engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
    await insertProfiles(t.store.db, [
      { seq: 1, name: "Ann Lee", email: "ann@example.org", city: "Lyon", country: "FR" },
      {
        seq: 2,
        name: "Bo Chan",
        email: "bo@example.org",
        phone: "+33612345678",
        city: "Paris",
        country: "FR",
      },
      { seq: 3, name: "Cy Diaz", city: "Austin", country: "US" },
      { seq: 4, name: "Di Eze", email: "di@example.org", city: "lyon", country: "FR" },
      { seq: 5, name: "Ed Fox", email: "ed@example.org", city: "Lyon", country: "FR" },
    ]);
    await insertEvents(t.store.db, [
      { seq: 1, name: "Order Completed", at: daysAgo(2), properties: { revenue: 40 } },
      { seq: 1, name: "Order Completed", at: daysAgo(20), properties: { revenue: 70 } },
      { seq: 2, name: "Order Completed", at: daysAgo(100), properties: { revenue: 500 } },
      { seq: 3, name: "Page Viewed", at: daysAgo(1) },
      { seq: 4, name: "Order Completed", at: daysAgo(5), properties: { revenue: 15 } },
    ]);
    const at = new Date(now).toISOString();
    await t.store.db
      .insertInto("profile_score")
      .values([
        { entity_id: "T-1", name: "clv", value: 250, details: null, model_run_id: "r", computed_at: at },
        { entity_id: "T-2", name: "clv", value: 900, details: null, model_run_id: "r", computed_at: at },
        { entity_id: "T-4", name: "p_alive", value: 0.01, details: null, model_run_id: "r", computed_at: at },
      ])
      .execute();
    // Ed is excluded by the quality run: in no segment unless a rule asks about exclusion.
    await t.store.db
      .insertInto("profile_quality")
      .values({
        entity_id: "T-5",
        completeness: 1,
        validity: 1,
        conflicts: 0,
        freshness_days: 0,
        fake_score: 0.9,
        fake_reasons: "[]",
        excluded: 1,
        details: "{}",
        updated_at: at,
      })
      .execute();
    await t.store.db
      .insertInto("household")
      .values({
        id: "H-1",
        seq: 1,
        status: "active",
        address: null,
        size: 2,
        aggregates: "{}",
        created_at: at,
        updated_at: at,
      })
      .execute();
    await t.store.db
      .insertInto("household_member")
      .values([
        { household_id: "H-1", entity_id: "T-1", since: at, until: null, evidence: null },
        { household_id: "H-1", entity_id: "T-4", since: at, until: null, evidence: null },
      ])
      .execute();
    await t.store.db
      .insertInto("entity_enrichment")
      .values({
        entity_id: "T-2",
        field: "place",
        value: JSON.stringify({ value: { timeZone: "Asia/Tokyo" } }),
        derivation: "{}",
        updated_at: at,
      })
      .execute();
    // The rollup and cursors as a first start of the live loop builds them.
    await new AudienceLoop(t.store, { now: () => now }).tick();
  });
  afterEach(async () => {
    await t.dispose();
  });

  const members = async (rule: unknown) => {
    const r = await createSegment(t.store, { name: `s${Math.random()}`, rule }, { now });
    return (
      await t.store.db
        .selectFrom("segment_member")
        .select("entity_id")
        .where("segment_id", "=", r.segment.id)
        .orderBy("entity_id")
        .execute()
    ).map((m) => m.entity_id);
  };

  it("rules over traits, events, scores, households and quality, combined", async () => {
    expect(await members({ trait: "city", op: "eq", value: "LYON" })).toEqual(["T-1", "T-4"]);
    expect(await members({ trait: "email", op: "missing" })).toEqual(["T-3"]);
    expect(await members({ event: "Order Completed", did: true, atLeast: 2, withinDays: 30 })).toEqual([
      "T-1",
    ]);
    expect(await members({ event: "Order Completed", did: true, withinDays: 30 })).toEqual(["T-1", "T-4"]);
    expect(await members({ event: "Order Completed", did: false })).toEqual(["T-3"]);
    expect(
      await members({
        event: "Order Completed",
        did: true,
        where: [{ property: "revenue", op: "gte", value: 50 }],
      }),
    ).toEqual(["T-1", "T-2"]);
    expect(await members({ score: "clv", op: "gte", value: 500 })).toEqual(["T-2"]);
    expect(await members({ household: { size: { op: "gte", value: 2 } } })).toEqual(["T-1", "T-4"]);
    expect(await members({ household: { member: false } })).toEqual(["T-2", "T-3"]);
    expect(await members({ quality: "excluded" })).toEqual(["T-5"]);
    expect(await members({ trait: "timeZone", op: "eq", value: "Asia/Tokyo" })).toEqual(["T-2"]);
    expect(
      await members({
        all: [{ trait: "country", op: "eq", value: "FR" }, { not: { score: "clv", op: "gt", value: 500 } }],
      }),
    ).toEqual(["T-1", "T-4"]);
    const e = await estimateRule(t.store, { trait: "country", op: "eq", value: "FR" }, { now });
    expect(e).toMatchObject({ size: 3, total: 4, sampled: false });
  });

  it("follows new events live: rollup, computed traits and membership, equal to a batch run", async () => {
    await defineTrait(
      t.store,
      { name: "spend_30d", kind: "sum", event: "Order Completed", property: "revenue", withinDays: 30 },
      { now },
    );
    await defineTrait(t.store, { name: "orders", kind: "count", event: "Order Completed" }, { now });
    const seg = await createSegment(
      t.store,
      {
        name: "Regulars",
        rule: {
          all: [
            { computed: "orders", op: "gte", value: 2 },
            { trait: "city", op: "exists" },
          ],
        },
      },
      { now },
    );
    expect(seg.evaluation.entered).toBe(1);
    const loop = new AudienceLoop(t.store, { now: () => now });
    await insertEvents(t.store.db, [
      { seq: 4, name: "Order Completed", at: daysAgo(1), properties: { revenue: 25 } },
      { seq: 2, name: "Order Completed", at: daysAgo(3), properties: { revenue: 10.5 } },
    ]);
    const r = await loop.tick();
    expect(r).toMatchObject({ events: 2, entered: 2, left: 0 });
    const live = await t.store.db
      .selectFrom("computed_trait_value")
      .select(["name", "entity_id", "value"])
      .orderBy("name")
      .orderBy("entity_id")
      .execute();
    await computeTraits(t.store, { now });
    const batch = await t.store.db
      .selectFrom("computed_trait_value")
      .select(["name", "entity_id", "value"])
      .orderBy("name")
      .orderBy("entity_id")
      .execute();
    const norm = (rows: typeof live) => rows.map((x) => [x.name, x.entity_id, JSON.stringify(x.value)]);
    expect(norm(live)).toEqual(norm(batch));
    const changes = await t.store.db
      .selectFrom("entity_change")
      .select(["entity_id", "kind", "cause"])
      .where("kind", "=", "segment.entered" as "updated")
      .orderBy("seq")
      .execute();
    expect(changes.map((c) => c.entity_id)).toEqual(["T-1", "T-4", "T-2"]);
    expect(changes[1]?.cause).toMatch(/^event Order Completed/);
    // A rule change re-evaluates: T-2 and T-4 leave.
    const u = await updateSegment(
      t.store,
      seg.segment.id,
      { rule: { computed: "spend_30d", op: "gte", value: 100 } },
      { now },
    );
    expect(u.evaluation).toMatchObject({ size: 1, entered: 0, left: 2 });
    // Nothing new: a tick does nothing.
    expect(await loop.tick()).toMatchObject({ events: 0, changes: 0, entered: 0, left: 0 });
  });

  it("decides from the ledger, the policy, quiet hours in the profile's time zone and suppression", async () => {
    await writePolicy(t.store, {
      caps: [{ channel: "email", max: 2, days: 7 }],
      quietHours: { start: "21:00", end: "08:00", timeZone: "Europe/Paris" },
      minPAlive: 0.05,
    });
    expect(await decide(t.store, { profile: "T-1", channels: ["email", "sms"] }, now)).toMatchObject({
      allowed: true,
      channel: "email",
    });
    // T-1 has no phone: sms is refused for that reason.
    const sms = await decide(t.store, { profile: "T-1", channels: ["sms"] }, now);
    expect(sms).toMatchObject({ allowed: false, code: "no-address" });
    await recordSent(
      t.store,
      {
        profile: "email:ann@example.org",
        channel: "email",
        campaign: "fall",
        messageKey: "m1",
        sentAt: daysAgo(1),
      },
      now,
    );
    const again = await recordSent(
      t.store,
      { profile: "T-1", channel: "email", messageKey: "m1", sentAt: daysAgo(1) },
      now,
    );
    expect(again.created).toBe(false);
    await recordSent(
      t.store,
      { profile: "T-1", channel: "email", campaign: "fall", sentAt: daysAgo(2) },
      now,
    );
    const capped = await decide(t.store, { profile: "T-1", channels: ["email"] }, now);
    expect(capped).toMatchObject({ allowed: false, code: "frequency-cap" });
    expect(capped.nextAllowedAt).toBe(new Date(now - 2 * 86_400_000 + 7 * 86_400_000).toISOString());
    // 12:00 UTC is 21:00 in Tokyo, where T-2 lives.
    const tokyo = await decide(t.store, { profile: "T-2", channels: ["email"] }, now);
    expect(tokyo).toMatchObject({ allowed: false, code: "quiet-hours", timeZone: "Asia/Tokyo" });
    expect(tokyo.nextAllowedAt).toBe("2026-11-24T23:00:00.000Z");
    // T-4's p_alive is 0.01.
    expect(await decide(t.store, { profile: "T-4" }, now)).toMatchObject({
      allowed: false,
      code: "inactive",
    });
    expect(await decide(t.store, { profile: "T-5" }, now)).toMatchObject({
      allowed: false,
      code: "excluded",
    });
    const m = await recordSent(t.store, { profile: "T-2", channel: "email", sentAt: daysAgo(30) }, now);
    await recordMessageResponse(
      t.store,
      String(m.message.id),
      { kind: "unsubscribed", at: daysAgo(29) },
      now,
    );
    const unsub = await decide(
      t.store,
      { profile: "T-2", channels: ["email", "sms"], at: "2026-11-24T09:00:00Z" },
      now,
    );
    expect(unsub.checks[0]).toMatchObject({ channel: "email", code: "unsubscribed" });
    expect(unsub).toMatchObject({ allowed: true, channel: "sms" });
    await recordMessageResponse(t.store, String(m.message.id), { kind: "complained", at: daysAgo(1) }, now);
    expect(await decide(t.store, { profile: "T-2", at: "2026-11-24T09:00:00Z" }, now)).toMatchObject({
      allowed: false,
      code: "complained",
    });
    await expect(recordMessageResponse(t.store, "key:nope", { kind: "opened" }, now)).rejects.toThrow(
      /no message/,
    );
    await expect(recordMessageResponse(t.store, "1", { kind: "liked" }, now)).rejects.toThrow(
      /kind: "liked"/,
    );
    await expect(recordSent(t.store, { profile: "T-99", channel: "email" }, now)).rejects.toThrow(
      /no profile T-99/,
    );
  });

  it("makes micro-segments from behaviour and stores each profile's cluster", async () => {
    const r = await runMicroSegments(t.store, { minK: 2, maxK: 3, now, seed: 1 });
    expect(r.profiles).toBe(4);
    expect(r.k).toBeGreaterThanOrEqual(2);
    expect(r.clusters.reduce((n, c) => n + c.size, 0)).toBe(4);
    expect(r.features).toContain("recency_days");
    const stored = await t.store.db
      .selectFrom("computed_trait_value")
      .select("entity_id")
      .where("name", "=", "microsegment")
      .execute();
    expect(stored.map((x) => x.entity_id).sort()).toEqual(["T-1", "T-2", "T-3", "T-4"]);
    expect(await latestMicroSegments(t.store)).toMatchObject({ k: r.k, profiles: 4 });
    await expect(runMicroSegments(t.store, { minK: 5, maxK: 6, now })).rejects.toThrow(/too few/);
  });

  it("exports members as CSV and JSON lines, and to a webhook destination in signed batches", async () => {
    const s = await createSegment(
      t.store,
      { name: "France", rule: { trait: "country", op: "eq", value: "FR" } },
      { now },
    );
    let csv = "";
    for await (const c of exportLines(t.store, s.segment.id, "csv")) csv += c;
    expect(csv.split("\n").filter(Boolean)).toEqual([
      "id,name,email,phone,city,postcode,country,since",
      expect.stringMatching(/^T-1,Ann Lee,ann@example.org,,Lyon,,FR,/),
      expect.stringMatching(/^T-2,Bo Chan,bo@example.org,\+33612345678,Paris,,FR,/),
      expect.stringMatching(/^T-4,Di Eze,di@example.org,,lyon,,FR,/),
    ]);
    let jsonl = "";
    for await (const c of exportLines(t.store, s.segment.id, "jsonl")) jsonl += c;
    expect(
      jsonl
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).id),
    ).toEqual(["T-1", "T-2", "T-4"]);

    const received: { body: string; signature: string; timestamp: string }[] = [];
    const http = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        received.push({
          body,
          signature: String(req.headers["x-tessera-signature"]),
          timestamp: String(req.headers["x-tessera-timestamp"]),
        });
        res.writeHead(received.length === 1 ? 503 : 200).end();
      });
    });
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    try {
      const secret = "a-secret-of-16-chars";
      const port = (http.address() as AddressInfo).port;
      const report = await exportToWebhook(t.store, s.segment.id, {
        url: `http://127.0.0.1:${port}/hook`,
        secret,
        batchSize: 2,
      });
      expect(report).toMatchObject({ exported: 3, batches: 2 });
      // The first attempt was refused (503) and retried.
      expect(received).toHaveLength(3);
      for (const r of received) {
        const expected = `sha256=${createHmac("sha256", secret).update(`${r.timestamp}.${r.body}`).digest("hex")}`;
        expect(r.signature).toBe(expected);
      }
      expect(
        received.slice(1).flatMap((r) => JSON.parse(r.body).members.map((m: { id: string }) => m.id)),
      ).toEqual(["T-1", "T-2", "T-4"]);
    } finally {
      await new Promise((r) => http.close(r));
    }
  });
});

const cdnow = join(import.meta.dirname, "../../../shared/datasets/cdnow/CDNOW_master.txt");

describe.skipIf(!existsSync(cdnow))("RFM on CDNOW through the store", () => {
  it("computes the rfm trait from CDNOW orders as events, with the hand-checked scores", async () => {
    const [sqlite] = await testEngines();
    const t = await (sqlite as Awaited<ReturnType<typeof testEngines>>[number]).open();
    try {
      const events: Parameters<typeof insertEvents>[1][number][] = [];
      const seqs = new Set<number>();
      for (const line of readFileSync(cdnow, "utf8").split("\n")) {
        const [id, date, , dollars] = line.trim().split(/\s+/);
        if (!id || !/^\d+$/.test(id) || !date || dollars === undefined) continue;
        const seq = Number(id);
        seqs.add(seq);
        const at = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}T12:00:00.000Z`;
        events.push({ seq, name: "Order Completed", at, properties: { revenue: Number(dollars) } });
      }
      await insertProfiles(
        t.store.db,
        [...seqs].map((seq) => ({ seq })),
      );
      await insertEvents(t.store.db, events);
      const r = await defineTrait(
        t.store,
        { name: "rfm", kind: "rfm", event: "Order Completed", property: "revenue" },
        { now: Date.parse("1998-07-01T00:00:00Z") },
      );
      expect(r.run?.profiles).toBe(23_570);
      const value = async (id: string) =>
        JSON.parse(
          (
            await t.store.db
              .selectFrom("computed_trait_value")
              .select("value")
              .where("name", "=", "rfm")
              .where("entity_id", "=", id)
              .executeTakeFirstOrThrow()
          ).value as string,
        ).v;
      // The same hand-checked customers as src/analytics/rfm-scores.test.ts (derivations there).
      expect(await value("T-1")).toMatchObject({
        recencyDays: 546,
        frequency: 1,
        monetary: 11.77,
        score: "111",
      });
      expect(await value("T-2")).toMatchObject({
        recencyDays: 535,
        frequency: 2,
        monetary: 89,
        score: "134",
      });
      expect(await value("T-3")).toMatchObject({
        recencyDays: 34,
        frequency: 6,
        monetary: 156.46,
        score: "555",
      });
      expect(await value("T-12345")).toMatchObject({ recencyDays: 502, monetary: 15.36, score: "211" });
      expect(await value("T-23570")).toMatchObject({ recencyDays: 462, monetary: 94.08, score: "334" });
    } finally {
      await t.dispose();
    }
  }, 60_000);
});
