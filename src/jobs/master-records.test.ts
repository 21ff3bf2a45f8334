import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileMapping } from "../mapping/compile-mapping.js";
import { entityHistory, getEntity, getProfiles, loadLinks, resolveEntity } from "../store/entities.js";
import { listDecisions, listReviewItems } from "../store/stewardship.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { findProfiles } from "./golden-profiles.js";
import { importSource } from "./import-source.js";
import { masterRecords } from "./master-records.js";
import { mergeEntities, notAMatch, rejectReviewItem, splitEntity } from "./steward.js";

const fake1000 = join(import.meta.dirname, "../../../shared/datasets/splink/fake_1000.csv");
const settingsPath = join(import.meta.dirname, "../../bench/configs/fake-1000.json");
const fields = {
  unique_id: "id",
  first_name: "name.given",
  surname: "name.family",
  dob: "dateOfBirth",
  city: "address.city",
  email: "email",
};
const now = () => new Date("2026-01-01T00:00:00.000Z");
const steward = { by: "ada", reason: "checked by phone", now };

/** Record key → entity id, and entity id → its records. */
async function entities(t: TestStore) {
  const links = await loadLinks(t.store.db);
  const byEntity = new Map<string, string[]>();
  for (const [key, id] of links) byEntity.set(id, [...(byEntity.get(id) ?? []), key].sort());
  return { links, byEntity };
}

describe.skipIf(!existsSync(fake1000)).each(await testEngines())("mastering on $name", (engine) => {
  let t: TestStore;
  let dir: string;
  const importRows = async (source: string, from: number, to: number, trust = 0.5) => {
    const lines = readFileSync(fake1000, "utf8").trim().split("\n");
    const path = join(dir, `${source}.csv`);
    writeFileSync(path, `${[lines[0], ...lines.slice(1 + from, 1 + to)].join("\n")}\n`);
    await importSource(t.store, {
      path,
      mapping: compileMapping({ source, trust, dateOrder: "YMD", defaultCountry: "GB", fields }),
    });
  };
  const master = () => masterRecords(t.store, { settingsPath, now });

  beforeEach(async () => {
    t = await engine.open();
    dir = mkdtempSync(join(tmpdir(), "tessera-master-"));
  });
  afterEach(async () => {
    await t.dispose();
  });

  it("gives the same ids on a re-run of the same data, and writes no change", async () => {
    await importRows("crm", 0, 1000);
    const first = await master();
    expect(first).toMatchObject({
      records: 1000,
      created: first.entities,
      updated: 0,
      merged: 0,
      deleted: 0,
    });
    expect(first.entities).toBeGreaterThan(200);
    expect(first.entities).toBeLessThan(500);
    const before = await entities(t);
    const changes = (await entityHistory(t.store.db, [...before.byEntity.keys()])).length;
    expect(changes).toBe(first.entities);

    const again = await master();
    expect(again).toMatchObject({
      created: 0,
      updated: 0,
      merged: 0,
      split: 0,
      deleted: 0,
      unchanged: first.entities,
    });
    expect((await entities(t)).links).toEqual(before.links);
    expect((await entityHistory(t.store.db, [...before.byEntity.keys()])).length).toBe(changes);
    // Ids are T- and a sequence from the store, allocated in order.
    expect([...before.byEntity.keys()].every((id) => /^T-\d+$/.test(id))).toBe(true);
  });

  it("keeps every id when a second source is added, except where entities really merge", async () => {
    await importRows("crm", 0, 600, 0.8);
    await master();
    const before = await entities(t);
    await importRows("shop", 600, 1000, 0.6);
    const report = await master();
    const after = await entities(t);
    let kept = 0;
    for (const [id, keys] of before.byEntity) {
      const found = await resolveEntity(t.store.db, id);
      expect(found?.entity.status, `${id} is still meaningful`).toBe("active");
      const now = found?.entity.id as string;
      // Its records are all still together, in the entity the id means now.
      for (const key of keys) expect(after.links.get(key), `${key} of ${id}`).toBe(now);
      if (now === id) kept++;
      else expect(found?.via?.id).toBe(id);
    }
    expect(kept).toBe(before.byEntity.size - report.merged);
    expect(report.created).toBeGreaterThan(0);
    expect(report.split).toBe(0);
  });

  it("merge then split gives back exactly the entities and golden values of before; the alias resolves meanwhile", async () => {
    await importRows("crm", 0, 1000);
    await master();
    const { byEntity } = await entities(t);
    const [a, b] = [...byEntity.entries()].filter(([, keys]) => keys.length >= 2).slice(0, 2) as [
      [string, string[]],
      [string, string[]],
    ];
    const golden = await getProfiles(t.store.db, [a[0], b[0]]);

    const merged = await mergeEntities(t.store, b[0], a[0], steward);
    const [older, younger] = Number(a[0].slice(2)) < Number(b[0].slice(2)) ? [a, b] : [b, a];
    expect(merged).toMatchObject({ survivor: older[0], alias: younger[0] });
    const alias = await resolveEntity(t.store.db, younger[0]);
    expect(alias?.entity.id).toBe(older[0]);
    expect(alias?.via?.status).toBe("merged");
    expect((await entities(t)).byEntity.get(older[0])).toEqual([...a[1], ...b[1]].sort());

    const split = await splitEntity(t.store, older[0], younger[1], steward);
    expect(split).toMatchObject({ kept: older[0], other: younger[0], revived: true });
    const back = await entities(t);
    expect(back.byEntity.get(a[0])).toEqual(a[1]);
    expect(back.byEntity.get(b[0])).toEqual(b[1]);
    expect(await getProfiles(t.store.db, [a[0], b[0]])).toEqual(golden);
    expect((await getEntity(t.store.db, younger[0]))?.status).toBe("active");

    // Every decision is in the audit log, and a full re-run keeps the entities as they are.
    const log = await listDecisions(t.store.db);
    expect(log.map((d) => [d.kind, d.by, d.reason])).toEqual([
      ["merge", "ada", "checked by phone"],
      ["split", "ada", "checked by phone"],
    ]);
    await master();
    const rerun = await entities(t);
    expect(rerun.byEntity.get(a[0])).toEqual(a[1]);
    expect(rerun.byEntity.get(b[0])).toEqual(b[1]);
    const kinds = (await entityHistory(t.store.db, [older[0]])).map((c) => c.kind);
    expect(kinds.slice(0, 3)).toEqual(["created", "merged", "split"]);
  });

  it("honours a steward's not-a-match in every later run", async () => {
    await importRows("crm", 0, 1000);
    await master();
    const { byEntity } = await entities(t);
    const [id, keys] = [...byEntity.entries()].find(([, k]) => k.length === 2) as [string, string[]];
    await notAMatch(t.store, keys[0] as string, keys[1] as string, steward);
    for (let run = 0; run < 2; run++) {
      await master();
      const { links } = await entities(t);
      expect(links.get(keys[0] as string)).not.toBe(links.get(keys[1] as string));
      expect([links.get(keys[0] as string), links.get(keys[1] as string)]).toContain(id);
    }

    // A rejected review pair stays apart and is not asked again.
    const [item] = await listReviewItems(t.store.db, 1);
    if (!item) throw new Error("fake_1000 always leaves uncertain pairs to review");
    await rejectReviewItem(t.store, item.id, steward);
    await master();
    const { links } = await entities(t);
    expect(links.get(item.leftKey)).not.toBe(links.get(item.rightKey));
    const queued = await listReviewItems(t.store.db, 100_000);
    expect(queued.some((q) => q.leftKey === item.leftKey && q.rightKey === item.rightKey)).toBe(false);
  });

  it("finds a profile by phone or email, and says when none matches", async () => {
    const lines = readFileSync(fake1000, "utf8").trim().split("\n");
    const path = join(dir, "crm.csv");
    const rows = lines.slice(1).map((l, i) => `${l},${i === 0 ? "+1 617 253 1000" : ""}`);
    writeFileSync(path, `${lines[0]},phone\n${rows.join("\n")}\n`);
    await importSource(t.store, {
      path,
      mapping: compileMapping({
        source: "crm",
        dateOrder: "YMD",
        defaultCountry: "GB",
        fields: { ...fields, phone: "phone" },
      }),
    });
    await master();
    const [byPhone] = await findProfiles(t.store, "+1 617-253-1000");
    expect(byPhone?.links.map((l) => l.recordKey)).toContain("crm/0");
    expect(byPhone?.profile?.phones[0]).toMatchObject({ value: "+16172531000", valid: true });
    const [byEmail] = await findProfiles(t.store, "ROBERT255@smith.net");
    expect(byEmail?.entity.id).toBe(byPhone?.entity.id);
    await expect(findProfiles(t.store, "nobody@nowhere.org")).rejects.toThrow(
      "no golden profile for nobody@nowhere.org",
    );
    await expect(findProfiles(t.store, "T-99999")).rejects.toThrow("no golden profile for T-99999");
  });

  it("queues uncertain pairs with their explanation, the most consequential first", async () => {
    await importRows("crm", 0, 1000);
    const report = await master();
    const items = await listReviewItems(t.store.db, 1000);
    expect(items.length).toBe(report.reviewItems);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.probability).toBeGreaterThanOrEqual(0.5);
      expect(item.probability).toBeLessThan(0.9);
      expect(item.leftEntity).not.toBe(item.rightEntity);
    }
    for (let i = 1; i < items.length; i++)
      expect((items[i - 1] as { impact: number }).impact).toBeGreaterThanOrEqual(
        (items[i] as { impact: number }).impact,
      );
    expect(items[0]?.explanation).toMatchObject({
      comparisons: expect.any(Array),
      probability: expect.any(Number),
    });
  });
});
