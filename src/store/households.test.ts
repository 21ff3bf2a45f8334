import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HouseholdAggregates } from "../master/households/build.js";
import type { MatchModel } from "../resolve/model.js";
import {
  activeHouseholds,
  allocateHouseholdSeqs,
  currentMemberships,
  formatHouseholdId,
  getHousehold,
  householdHistoryOf,
  householdOf,
  listHouseholds,
  loadHouseholdModel,
  saveHouseholdModel,
  writeHouseholds,
} from "./households.js";
import { type TestStore, testEngines } from "./testing.js";

const aggregates = (size: number): HouseholdAggregates => ({
  size,
  spend: { USD: 10 * size },
  orders: size,
  lastSeen: "2026-01-01T00:00:00.000Z",
  evidence: { "address: same home address": size },
});
const evidence = { with: null, probability: null, agreed: [] };
const address = {
  address: {
    line: "1 main street springfield 62704",
    streetNumber: "1",
    street: "main street",
    unit: null,
    city: "springfield",
    region: "il",
    postcode: "62704",
    country: "US",
  },
  members: ["T-1", "T-2"],
  record: "crm/1",
  observedAt: "2025-01-01T00:00:00.000Z",
};

describe.each(await testEngines())("households store on $name", (engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
  });
  afterEach(async () => {
    await t.dispose();
  });

  it("allocates household ids apart from entity ids, and keeps moves as history", async () => {
    const db = t.store.db;
    const seqs = await db.transaction().execute((trx) => allocateHouseholdSeqs(trx, 2));
    expect(seqs.map(formatHouseholdId)).toEqual(["H-1", "H-2"]);
    await db.transaction().execute((trx) =>
      writeHouseholds(trx, {
        at: "2026-01-01T00:00:00.000Z",
        households: [
          { id: "H-1", seq: 1, address, aggregates: aggregates(2) },
          { id: "H-2", seq: 2, address: null, aggregates: aggregates(1) },
        ],
        dissolved: [],
        left: [],
        joined: [
          { entity: "T-1", household: "H-1", evidence },
          {
            entity: "T-2",
            household: "H-1",
            evidence: { with: "T-1", probability: 0.99, agreed: ["address: same home address"] },
          },
          { entity: "T-3", household: "H-2", evidence },
        ],
        stayed: [],
      }),
    );
    const h = await householdOf(db, "T-2");
    expect(h?.id).toBe("H-1");
    expect(h?.address?.address.postcode).toBe("62704");
    expect(h?.aggregates.spend).toEqual({ USD: 20 });
    expect(h?.members.map((m) => m.entityId)).toEqual(["T-1", "T-2"]);
    expect(h?.members[1]?.evidence?.agreed).toEqual(["address: same home address"]);

    // T-2 moves to H-2; H-1 is left with T-1; later H-1 dissolves.
    await db.transaction().execute((trx) =>
      writeHouseholds(trx, {
        at: "2026-02-01T00:00:00.000Z",
        households: [
          { id: "H-1", seq: null, address, aggregates: aggregates(1) },
          { id: "H-2", seq: null, address: null, aggregates: aggregates(2) },
        ],
        dissolved: [],
        left: [{ entity: "T-2", household: "H-1" }],
        joined: [{ entity: "T-2", household: "H-2", evidence }],
        stayed: [{ entity: "T-1", household: "H-1", evidence }],
      }),
    );
    expect((await householdOf(db, "T-2"))?.id).toBe("H-2");
    const moves = await householdHistoryOf(db, "T-2");
    expect(moves.map((m) => [m.householdId, m.since.slice(0, 10), m.until?.slice(0, 10) ?? null])).toEqual([
      ["H-1", "2026-01-01", "2026-02-01"],
      ["H-2", "2026-02-01", null],
    ]);
    expect((await getHousehold(db, "H-1"))?.history.map((m) => m.entityId)).toEqual(["T-1", "T-2"]);
    expect([...(await currentMemberships(db))].sort()).toEqual([
      ["T-1", "H-1"],
      ["T-2", "H-2"],
      ["T-3", "H-2"],
    ]);

    await db.transaction().execute((trx) =>
      writeHouseholds(trx, {
        at: "2026-03-01T00:00:00.000Z",
        households: [{ id: "H-2", seq: null, address: null, aggregates: aggregates(3) }],
        dissolved: [{ id: "H-1", mergedInto: "H-2" }],
        left: [{ entity: "T-1", household: "H-1" }],
        joined: [{ entity: "T-1", household: "H-2", evidence }],
        stayed: [],
      }),
    );
    const gone = await getHousehold(db, "H-1");
    expect(gone?.status).toBe("dissolved");
    expect(gone?.members).toEqual([]);
    expect(gone?.aggregates.mergedInto).toBe("H-2");
    expect([...(await activeHouseholds(db)).keys()]).toEqual(["H-2"]);
    expect((await listHouseholds(db)).map((h) => [h.id, h.size])).toEqual([["H-2", 3]]);
    expect(await householdOf(db, "T-9")).toBeNull();
  });

  it("refuses a second current household for one person", async () => {
    const write = (household: string) =>
      t.store.db.transaction().execute((trx) =>
        writeHouseholds(trx, {
          at: "2026-01-01T00:00:00.000Z",
          households: [],
          dissolved: [],
          left: [],
          joined: [{ entity: "T-1", household, evidence }],
          stayed: [],
        }),
      );
    await write("H-1");
    await expect(write("H-2")).rejects.toThrow();
  });

  it("keeps the household model of the last build", async () => {
    expect(await loadHouseholdModel(t.store.db)).toBeNull();
    const model: MatchModel = {
      format: "tessera-match-model",
      version: 1,
      prior: 0.001,
      comparisons: [],
      specs: [],
      training: {},
    };
    await t.store.db
      .transaction()
      .execute((trx) => saveHouseholdModel(trx, { ...model }, "2026-01-01T00:00:00.000Z"));
    await t.store.db
      .transaction()
      .execute((trx) => saveHouseholdModel(trx, { ...model, prior: 0.002 }, "2026-01-02T00:00:00.000Z"));
    expect((await loadHouseholdModel(t.store.db))?.prior).toBe(0.002);
  });
});
