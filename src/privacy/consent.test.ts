import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LiveIngest } from "../jobs/ingest-events.js";
import { audiencePages } from "../jobs/segment-export.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { consentOf, consentStates, mayContact, recordConsent, setConsentPolicy } from "./consent.js";
import { consentInEvent } from "./consent-events.js";
import { accepted } from "./testing.js";

describe("consent in events", () => {
  it("reads Segment's categoryPreferences, a Consent Updated track and identify traits", () => {
    expect(
      consentInEvent({
        type: "page",
        context: { consent: { categoryPreferences: { Advertising: true, Analytics: false } } },
      }).changes,
    ).toEqual([
      { purpose: "advertising", channel: "*", state: "granted" },
      { purpose: "analytics", channel: "*", state: "denied" },
    ]);
    expect(
      consentInEvent({
        type: "track",
        event: "Consent Updated",
        properties: { purpose: "Marketing", channel: "SMS", state: "revoked" },
      }).changes,
    ).toEqual([{ purpose: "marketing", channel: "sms", state: "revoked" }]);
    const r = consentInEvent({
      type: "identify",
      traits: { consent: { marketing: { email: "granted", sms: "maybe" }, profiling: false } },
    });
    expect(r.changes).toEqual([
      { purpose: "marketing", channel: "email", state: "granted" },
      { purpose: "profiling", channel: "*", state: "denied" },
    ]);
    expect(r.problems).toEqual(["traits.consent.marketing.sms: purpose, channel or state not readable"]);
    expect(
      consentInEvent({ type: "track", event: "Consent Updated", properties: { purpose: "x' OR 1=1" } })
        .changes,
    ).toEqual([]);
  });
});

describe.each(await testEngines())("consent on $name", (engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
  });
  afterEach(async () => t.dispose());

  it("comes from events and the API, follows the person through a merge, and the latest statement wins", async () => {
    const ingest = new LiveIngest(t.store);
    await ingest.apply([
      accepted(
        {
          type: "identify",
          userId: "u-1",
          traits: { email: "ann@shop.example", consent: { marketing: { email: true } } },
        },
        "2026-11-01T10:00:00.000Z",
      ),
      accepted(
        { type: "identify", userId: "u-2", traits: { email: "bob@shop.example" } },
        "2026-11-01T10:00:00.000Z",
      ),
    ]);
    const ann = (
      await t.store.db
        .selectFrom("entity_link")
        .select("entity_id")
        .where("record_key", "=", "web/user:u-1")
        .executeTakeFirstOrThrow()
    ).entity_id;
    const bob = (
      await t.store.db
        .selectFrom("entity_link")
        .select("entity_id")
        .where("record_key", "=", "web/user:u-2")
        .executeTakeFirstOrThrow()
    ).entity_id;
    expect(await consentOf(t.store.db, ann)).toEqual([
      {
        purpose: "marketing",
        channel: "email",
        state: "granted",
        at: "2026-11-01T10:00:00.000Z",
        source: "event:web",
      },
    ]);
    let may = await mayContact(t.store.db, [ann, bob], "marketing", "email");
    expect(may.get(ann)).toMatchObject({ allowed: true });
    expect(may.get(bob)).toEqual({ allowed: true, reason: "no consent recorded (policy: allow)" });
    await setConsentPolicy(t.store.db, { default: "deny", purposes: {} });
    may = await mayContact(t.store.db, [ann, bob], "marketing", "email");
    expect(may.get(bob)?.allowed).toBe(false);

    // Consent given for an email before it belongs to any profile applies once it does.
    await recordConsent(
      t.store.db,
      [
        {
          subject: "email:Carol@Shop.example",
          purpose: "marketing",
          state: "granted",
          at: "2026-11-02T00:00:00Z",
        },
      ],
      "test",
    );
    await ingest.apply([
      accepted(
        { type: "identify", userId: "u-3", traits: { email: "carol@shop.example" } },
        "2026-11-03T00:00:00.000Z",
      ),
    ]);
    const carol = (
      await t.store.db
        .selectFrom("entity_link")
        .select("entity_id")
        .where("record_key", "=", "web/user:u-3")
        .executeTakeFirstOrThrow()
    ).entity_id;
    expect((await mayContact(t.store.db, [carol], "marketing", "sms")).get(carol)?.allowed).toBe(true);

    // Revoked for every channel later: no longer contactable, on any channel.
    await recordConsent(
      t.store.db,
      [{ subject: ann, purpose: "marketing", state: "revoked", at: "2026-11-05T00:00:00Z" }],
      "test",
    );
    may = await mayContact(t.store.db, [ann], "marketing", "email");
    expect(may.get(ann)).toMatchObject({ allowed: false });
    expect(may.get(ann)?.reason).toMatch(/revoked/);
    expect((await consentStates(t.store.db, "marketing", "email")).get(ann)).toBe("revoked");

    // Ann's anonymous session merges into her profile: the consent is still hers, and a track event's consent counts.
    await ingest.apply([
      accepted(
        {
          type: "track",
          anonymousId: "a-9",
          event: "Consent Updated",
          properties: { purpose: "marketing", channel: "sms", state: "granted" },
        },
        "2026-11-06T00:00:00.000Z",
      ),
      accepted({ type: "identify", userId: "u-1", anonymousId: "a-9" }, "2026-11-06T00:00:01.000Z"),
    ]);
    const after = await consentOf(t.store.db, ann);
    expect(after.map((c) => `${c.purpose}/${c.channel ?? "*"}=${c.state}`)).toEqual([
      "marketing/*=revoked",
      "marketing/email=granted",
      "marketing/sms=granted",
    ]);
    expect((await mayContact(t.store.db, [ann], "marketing", "sms")).get(ann)?.allowed).toBe(true);
    expect((await mayContact(t.store.db, [ann], "marketing", "email")).get(ann)?.allowed).toBe(false);
  });

  it("refuses bad statements naming the field", async () => {
    await expect(
      recordConsent(t.store.db, [{ subject: "email:nope", purpose: "marketing", state: "granted" }], "t"),
    ).rejects.toThrow(/valid email/);
    await expect(
      recordConsent(t.store.db, [{ subject: "user_id:1", purpose: "a b'; drop", state: "granted" }], "t"),
    ).rejects.toMatchObject({ field: "purpose" });
    await expect(
      recordConsent(t.store.db, [{ subject: "user_id:1", purpose: "m", state: "maybe" }], "t"),
    ).rejects.toMatchObject({ field: "state" });
    await expect(
      recordConsent(t.store.db, [{ subject: "T-99", purpose: "m", state: "granted" }], "t"),
    ).rejects.toThrow(/no profile T-99/);
  });
});

describe.each(await testEngines())("consent and audience exports on $name", (engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
  });
  afterEach(async () => t.dispose());

  it("removes a person whose consent is revoked from the next export", async () => {
    const ingest = new LiveIngest(t.store);
    await ingest.apply(
      ["u-1", "u-2", "u-3"].map((u) =>
        accepted(
          { type: "identify", userId: u, traits: { email: `${u}@shop.example` } },
          "2026-11-01T00:00:00.000Z",
        ),
      ),
    );
    const ids = (await t.store.db.selectFrom("entity").select("id").orderBy("seq").execute()).map(
      (r) => r.id,
    );
    const at = "2026-11-02T00:00:00.000Z";
    await t.store.db
      .insertInto("segment")
      .values({
        id: "seg-1",
        name: "everyone",
        description: null,
        rule: "{}",
        size: 3,
        created_at: at,
        updated_at: at,
        evaluated_at: at,
      })
      .execute();
    await t.store.db
      .insertInto("segment_member")
      .values(ids.map((id) => ({ segment_id: "seg-1", entity_id: id, since: at })))
      .execute();
    const exported = async () => {
      const tally = { exported: 0, withheld: {} as Record<string, number> };
      const out: string[] = [];
      for await (const page of audiencePages(
        t.store,
        "seg-1",
        { purpose: "marketing", channel: "email" },
        tally as never,
      ))
        out.push(...page.map((m) => m.id));
      return out.sort();
    };
    expect(await exported()).toEqual([...ids].sort());
    await recordConsent(
      t.store.db,
      [{ subject: "email:u-2@shop.example", purpose: "marketing", state: "revoked" }],
      "test",
    );
    expect(await exported()).toEqual([ids[0], ids[2]].sort());
    // Revoked by an event the person's app sent: gone from the next export too.
    await ingest.apply([
      accepted(
        {
          type: "track",
          userId: "u-3",
          event: "Consent Updated",
          properties: { purpose: "marketing", channel: "email", state: "revoked" },
        },
        "2026-11-03T00:00:00.000Z",
      ),
    ]);
    expect(await exported()).toEqual([ids[0]]);
  });
});
