import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Finding } from "../master/quality/types.js";
import {
  enrichmentOf,
  excludedProfiles,
  genericValueExclusions,
  latestQualityRun,
  listFindings,
  profileQualityOf,
  replaceEnrichment,
  replaceFindings,
  replaceProfileQuality,
  resolveFinding,
  riskiestProfiles,
  saveQualityRun,
} from "./quality.js";
import { type TestStore, testEngines } from "./testing.js";

const at = "2026-11-24T10:00:00.000Z";

const finding = (kind: string, subject: string, field: string | null = null): Finding => ({
  kind,
  subjectKind: kind === "generic_value" ? "value" : "entity",
  subject,
  field,
  message: `${kind} ${subject}`,
  details: { n: 1 },
  severity: "warning",
});

describe.each(await testEngines())("quality store on $name", (engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
  });
  afterEach(async () => {
    await t.dispose();
  });

  it("replaces a run's findings, keeps other kinds and remembers what a steward resolved", async () => {
    const db = t.store.db;
    await db.transaction().execute((trx) => replaceFindings(trx, [], [finding("refused_merge", "T-9")], at));
    await db
      .transaction()
      .execute((trx) =>
        replaceFindings(
          trx,
          ["likely_fake", "generic_value"],
          [
            finding("likely_fake", "T-1"),
            finding("likely_fake", "T-2"),
            finding("generic_value", "+15550100", "phone"),
          ],
          at,
        ),
      );
    const first = await listFindings(db, { kind: "likely_fake" });
    expect(first.map((f) => f.subject)).toEqual(["T-1", "T-2"]);
    expect(first[0]?.details).toEqual({ n: 1 });
    expect(await resolveFinding(db, first[0]?.id as number)).toBe(true);

    const written = await db
      .transaction()
      .execute((trx) =>
        replaceFindings(
          trx,
          ["likely_fake", "generic_value"],
          [finding("likely_fake", "T-1"), finding("likely_fake", "T-3")],
          at,
        ),
      );
    expect(written).toBe(1);
    const open = await listFindings(db, { kind: "likely_fake", status: "open" });
    expect(open.map((f) => f.subject)).toEqual(["T-3"]);
    expect(
      (await listFindings(db, { kind: "likely_fake", status: "resolved" })).map((f) => f.subject),
    ).toEqual(["T-1"]);
    expect((await listFindings(db, { kind: "refused_merge" })).length).toBe(1);
    expect(await genericValueExclusions(db)).toEqual({});
  });

  it("gives open generic values to matching as exclusions per feature", async () => {
    await t.store.db
      .transaction()
      .execute((trx) =>
        replaceFindings(
          trx,
          ["generic_value"],
          [
            finding("generic_value", "+15550100", "phone"),
            finding("generic_value", "a@a.com", "email"),
            finding("generic_value", "+15550199", "phone"),
          ],
          at,
        ),
      );
    expect(await genericValueExclusions(t.store.db)).toEqual({
      phone: ["+15550100", "+15550199"],
      email: ["a@a.com"],
    });
  });

  it("keeps each profile's quality and risk, and which profiles are excluded", async () => {
    const row = (entityId: string, fakeScore: number) => ({
      entityId,
      completeness: 0.5,
      validity: 1,
      conflicts: 0,
      freshnessDays: 12,
      fakeScore,
      fakeReasons: fakeScore > 0 ? [{ code: "disposableEmail", weight: 0.7, message: "throwaway" }] : [],
      excluded: fakeScore >= 0.5,
      details: { stale: false },
    });
    await t.store.db
      .transaction()
      .execute((trx) => replaceProfileQuality(trx, [row("T-1", 0), row("T-2", 0.7)], at));
    await t.store.db
      .transaction()
      .execute((trx) => replaceProfileQuality(trx, [row("T-1", 0.1), row("T-3", 0.9)], at));
    expect(await profileQualityOf(t.store.db, "T-2")).toBeNull();
    expect(await profileQualityOf(t.store.db, "T-3")).toMatchObject({
      fakeScore: 0.9,
      excluded: true,
      freshnessDays: 12,
    });
    expect([...(await excludedProfiles(t.store.db))]).toEqual(["T-3"]);
    expect((await riskiestProfiles(t.store.db, { limit: 1 })).map((r) => r.entityId)).toEqual(["T-3"]);
  });

  it("keeps derived values with their derivation, and the figures of the latest run", async () => {
    await t.store.db.transaction().execute((trx) =>
      replaceEnrichment(
        trx,
        [
          {
            entityId: "T-1",
            field: "timeZone",
            value: "America/Chicago",
            derivation: { method: "tz-lookup" },
          },
        ],
        at,
      ),
    );
    const e = await enrichmentOf(t.store.db, ["T-1", "T-2"]);
    expect(e.get("T-1")).toEqual([
      { entityId: "T-1", field: "timeZone", value: "America/Chicago", derivation: { method: "tz-lookup" } },
    ]);
    expect(e.get("T-2")).toEqual([]);
    expect(await latestQualityRun(t.store.db)).toBeNull();
    await t.store.db.transaction().execute((trx) => saveQualityRun(trx, at, { records: 1 }));
    const id = await t.store.db.transaction().execute((trx) => saveQualityRun(trx, at, { records: 2 }));
    expect(await latestQualityRun(t.store.db)).toEqual({ id, at, summary: { records: 2 } });
  });
});
