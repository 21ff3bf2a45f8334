import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GoldenProfile } from "../master/golden-profile.js";
import {
  allocateSeqs,
  changesSince,
  emptyWrites,
  findByLookup,
  formatEntityId,
  getProfiles,
  resolveEntity,
  splitRecordKey,
  writeEntityChanges,
} from "./entities.js";
import { type TestStore, testEngines } from "./testing.js";

const profile = (records: number): GoldenProfile => ({
  name: null,
  dateOfBirth: null,
  gender: null,
  address: null,
  emails: [],
  phones: [],
  identifiers: [],
  records,
  sources: ["crm"],
});

describe.each(await testEngines())("entities on $name", (engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
  });
  afterEach(async () => {
    await t.dispose();
  });

  it("allocates ids in order and never twice", async () => {
    const first = await t.store.db.transaction().execute((trx) => allocateSeqs(trx, 3));
    const second = await t.store.db.transaction().execute((trx) => allocateSeqs(trx, 2));
    expect([...first, ...second].map(formatEntityId)).toEqual(["T-1", "T-2", "T-3", "T-4", "T-5"]);
  });

  it("writes entities, links, profiles and lookups; an alias resolves to its survivor; changes stay in order", async () => {
    const at = "2026-01-01T00:00:00.000Z";
    const w = emptyWrites(at);
    for (const [id, key] of [
      ["T-1", "crm/1"],
      ["T-2", "crm/2"],
    ] as const) {
      w.created.push({ id, seq: Number(id.slice(2)), records: 1 });
      w.links.push({
        recordKey: key,
        entityId: id,
        source: "crm",
        evidence: { kind: "alone", by: "test", at },
      });
      w.profiles.push({
        entityId: id,
        profile: profile(1),
        hash: id,
        lookups: [{ kind: "email", value: `${id}@x.com` }],
      });
      w.changes.push({
        entityId: id,
        kind: "created",
        before: null,
        after: { records: [key], golden: profile(1) },
        cause: "test",
      });
    }
    await t.store.db.transaction().execute((trx) => writeEntityChanges(trx, w));

    const merge = emptyWrites("2026-01-02T00:00:00.000Z");
    merge.merged.push({ id: "T-2", into: "T-1", records: ["crm/2"] });
    merge.links.push({
      recordKey: "crm/2",
      entityId: "T-1",
      source: "crm",
      evidence: { kind: "steward", by: "ada", at },
    });
    merge.profiles.push({
      entityId: "T-1",
      profile: profile(2),
      hash: "h",
      lookups: [{ kind: "email", value: "T-2@x.com" }],
    });
    merge.changes.push({
      entityId: "T-1",
      kind: "merged",
      before: null,
      after: { records: ["crm/1", "crm/2"], golden: profile(2), entities: ["T-2"] },
      cause: "test",
    });
    await t.store.db.transaction().execute((trx) => writeEntityChanges(trx, merge));

    const alias = await resolveEntity(t.store.db, "T-2");
    expect(alias?.entity).toMatchObject({ id: "T-1", status: "active", records: 2 });
    expect(alias?.via).toMatchObject({ id: "T-2", status: "merged", mergedInto: "T-1" });
    expect(await findByLookup(t.store.db, "email", "T-2@x.com")).toEqual(["T-1"]);
    expect(await findByLookup(t.store.db, "email", "T-1@x.com")).toEqual([]);
    expect([...(await getProfiles(t.store.db, ["T-1", "T-2"])).keys()]).toEqual(["T-1"]);
    const changes = await changesSince(t.store.db, 0);
    expect(changes.map((c) => [c.entityId, c.kind])).toEqual([
      ["T-1", "created"],
      ["T-2", "created"],
      ["T-1", "merged"],
    ]);
    expect(await changesSince(t.store.db, changes[1]?.seq ?? 0)).toHaveLength(1);
  });

  it("names a malformed record key", () => {
    expect(() => splitRecordKey("no-slash")).toThrow('"no-slash" is not a record key');
    expect(splitRecordKey("crm/a/b")).toEqual({ source: "crm", sourceRecordId: "a/b" });
  });
});
