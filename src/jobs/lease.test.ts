import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readLease } from "../store/leases.js";
import { openStore, type Store } from "../store/open-store.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { insertEvents, insertProfiles } from "./audience-fixture.js";
import { AudienceLoop } from "./audience-live.js";
import { Lease, LeaseLost } from "./lease.js";
import { createSegment } from "./segments.js";

/**
 * The audience loop across processes: a lease lets one process run it at a time, a stopped or dead holder is
 * taken over, and a holder that lost its lease cannot commit. The two-loop tests need PostgreSQL (two stores
 * with pools of their own on one schema, as two `tessera serve` processes would have).
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
  return Date.now() - start;
}

describe.each(await testEngines())("leases on $name", (engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
  });
  afterEach(async () => {
    await t.dispose();
  });

  it("one holder at a time; expiry and release hand it over; a lost lease cannot commit", async () => {
    const a = new Lease(t.store, "job", { ttlMs: 400, holder: "a" });
    const b = new Lease(t.store, "job", { ttlMs: 400, holder: "b" });
    expect(await a.acquire()).toEqual({ held: true, changed: true });
    expect(await b.acquire()).toEqual({ held: false, changed: false });
    expect(await a.acquire()).toEqual({ held: true, changed: false });
    expect(await readLease(t.store.db, "job")).toMatchObject({ holder: "a", token: 1 });
    // a stops renewing (paused, dead): after its lifetime b takes over with a new token.
    await sleep(450);
    expect(await b.acquire()).toEqual({ held: true, changed: true });
    expect(await readLease(t.store.db, "job")).toMatchObject({ holder: "b", token: 2 });
    // a comes back: its commit is refused, its next attempt finds the lease taken.
    await expect(t.store.db.transaction().execute((trx) => a.fence(trx))).rejects.toBeInstanceOf(LeaseLost);
    expect(a.held).toBe(false);
    expect(await a.acquire()).toEqual({ held: false, changed: false });
    // b gives it up: a takes it at once.
    await b.release();
    expect(await a.acquire()).toEqual({ held: true, changed: true });
    expect(await readLease(t.store.db, "job")).toMatchObject({ holder: "a", token: 3 });
  });

  it.skipIf(engine.name !== "postgres")(
    "two audience loops on one PostgreSQL store write each segment transition once, and the survivor takes over",
    { timeout: 60_000 },
    async () => {
      const url = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
      const other: Store = await openStore({ url, ...(t.store.schema ? { schema: t.store.schema } : {}) });
      const people = Array.from({ length: 40 }, (_, i) => ({ seq: i + 1, name: `P ${i + 1}`, city: "Lyon" }));
      await insertProfiles(t.store.db, people);
      const seg = await createSegment(t.store, {
        name: "Buyers without refunds",
        rule: {
          all: [
            { event: "Order Completed", did: true },
            { event: "Refund", did: false },
          ],
        },
      });
      const ttlMs = 1_000;
      const loops: { loop: AudienceLoop; lease: Lease }[] = [];
      const errors: unknown[] = [];
      const startLoop = (store: Store, holder: string) => {
        const lease = new Lease(store, "audiences.live", { ttlMs, holder });
        const loop = new AudienceLoop(store, { lease, onError: (e) => errors.push(e) });
        loop.start(30);
        loops.push({ loop, lease });
        return { loop, lease };
      };
      const first = startLoop(t.store, "first");
      const second = startLoop(other, "second");
      const members = async () =>
        Number(
          (
            await t.store.db
              .selectFrom("segment_member")
              .select((eb) => eb.fn.countAll().as("n"))
              .where("segment_id", "=", seg.segment.id)
              .executeTakeFirst()
          )?.n ?? 0,
        );
      const transitions = async () => {
        const rows = await t.store.db
          .selectFrom("entity_change")
          .select(["entity_id", "kind"])
          .where("kind", "in", ["segment.entered", "segment.left"] as unknown as "updated"[])
          .execute();
        return rows.map((r) => `${r.kind} ${r.entity_id}`);
      };
      const order = (from: number, to: number, name = "Order Completed") =>
        insertEvents(
          t.store.db,
          Array.from({ length: to - from + 1 }, (_, i) => ({
            seq: from + i,
            name,
            at: new Date().toISOString(),
          })),
        );
      try {
        // Orders arrive in several batches while both loops run.
        for (let k = 0; k < 4; k++) {
          await order(1 + 5 * k, 5 + 5 * k);
          await sleep(40);
        }
        await until("20 members", async () => (await members()) === 20);
        await order(1, 5, "Refund");
        await until("15 members", async () => (await members()) === 15);
        await sleep(300); // a second writer, if there were one, would have written by now
        let seen = await transitions();
        expect(seen.filter((s) => s.startsWith("segment.entered"))).toHaveLength(20);
        expect(seen.filter((s) => s.startsWith("segment.left"))).toHaveLength(5);
        expect(new Set(seen).size).toBe(seen.length);
        const holders = loops.filter((l) => l.lease.held);
        expect(holders).toHaveLength(1);

        // The holder stops (gives the lease up): the other takes over within a tick or two.
        const [holder, standby] = first.lease.held ? [first, second] : [second, first];
        await holder.loop.stop();
        await order(21, 30);
        const handover = await until("25 members", async () => (await members()) === 25);
        expect(standby.lease.held).toBe(true);
        expect(handover).toBeLessThan(2_000);

        // The new holder dies without a word (its lease is not released): a fresh loop in the first process takes
        // over once the lease has expired.
        standby.lease.release = async () => {};
        await standby.loop.stop();
        const revived = startLoop(holder === first ? t.store : other, "revived");
        await order(31, 35);
        const takeover = await until("30 members", async () => (await members()) === 30);
        expect(revived.lease.held).toBe(true);
        expect(takeover).toBeLessThan(ttlMs + 2_000);
        seen = await transitions();
        expect(seen.filter((s) => s.startsWith("segment.entered"))).toHaveLength(35);
        expect(new Set(seen).size).toBe(seen.length);
        expect(errors).toEqual([]);
        expect(await readLease(t.store.db, "audiences.live")).toMatchObject({ holder: "revived", token: 3 });
      } finally {
        for (const l of loops) await l.loop.stop();
        await other.close();
      }
    },
  );
});
