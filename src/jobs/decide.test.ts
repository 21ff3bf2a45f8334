import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TestStore, testEngines } from "../store/testing.js";
import { insertProfiles } from "./audience-fixture.js";
import { decideChannels } from "./bandit.js";
import { decide } from "./decide.js";
import { ledgerArms } from "./decide-arms.js";
import { recordMessageResponse, recordSent, writePolicy } from "./ledger.js";

/**
 * One channel decision: the contact policy says which channels are allowed, Thompson sampling over the
 * ledger's responses (message_response) chooses among them. Both engines.
 */

const now = Date.parse("2026-11-24T12:00:00Z");
const at = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString();

interface Sent {
  channel: string;
  campaign?: string;
  responses?: string[];
}

/** Messages to other people (T-90…), so that no cap of the people decided for is touched. */
async function ledger(t: TestStore, sends: Sent[]): Promise<void> {
  const db = t.store.db;
  for (const [i, s] of sends.entries()) {
    const m = await db
      .insertInto("message")
      .values({
        message_key: null,
        entity_id: `T-${90 + (i % 7)}`,
        channel: s.channel,
        campaign: s.campaign ?? null,
        template: null,
        sent_at: at(20 - (i % 10)),
        properties: null,
        recorded_at: at(0),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const kind of s.responses ?? [])
      await db
        .insertInto("message_response")
        .values({
          message_id: Number(m.id),
          entity_id: `T-${90 + (i % 7)}`,
          channel: s.channel,
          kind,
          at: at(19 - (i % 10)),
          properties: null,
          recorded_at: at(0),
        })
        .execute();
  }
}

const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

describe.each(await testEngines())("decide on $name", (engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
    await insertProfiles(t.store.db, [
      { seq: 1, name: "Ann Lee", email: "ann@example.org" },
      { seq: 2, name: "Bo Chan", email: "bo@example.org", phone: "+33612345678" },
    ]);
    await writePolicy(t.store, { channels: ["email", "sms"], quietHours: null, minPAlive: null });
  });
  afterEach(async () => {
    await t.dispose();
  });

  it("reads successes from message_response: the success kinds, each message once, nothing after the moment", async () => {
    await ledger(t, [
      ...times(20, (i) => ({
        channel: "email",
        responses: i < 5 ? ["opened", "clicked", "clicked"] : i < 8 ? ["opened", "converted"] : ["opened"],
      })),
      ...times(20, (i) => ({ channel: "sms", responses: i < 1 ? ["clicked"] : ["delivered"] })),
    ]);
    const arms = (success: string[], asOf = at(0)) =>
      ledgerArms(t.store, { success, asOf }).then((rows) =>
        Object.fromEntries(rows.map((r) => [r.channel, [r.successes, r.sends]])),
      );
    expect(await arms(["clicked"])).toEqual({ email: [5, 20], sms: [1, 20] });
    expect(await arms(["clicked", "converted"])).toEqual({ email: [8, 20], sms: [1, 20] });
    expect(await arms(["opened"])).toEqual({ email: [20, 20], sms: [0, 20] });
    // Twenty days ago nothing had been sent; nineteen and a half days ago the first sends had no answer yet.
    expect(await arms(["clicked"], at(20.5))).toEqual({});
    expect(await arms(["opened"], at(19.5))).toEqual({ email: [0, 2], sms: [0, 2] });
  });

  it("picks the channel people click most of the time, as often as its posterior says, and never one the policy refuses", async () => {
    await ledger(t, [
      ...times(20, (i) => ({ channel: "email", responses: i < 5 ? ["clicked"] : ["opened"] })),
      ...times(20, (i) => ({ channel: "sms", responses: i < 1 ? ["clicked"] : [] })),
    ]);
    const n = 400;
    const chosen: Record<string, number> = {};
    let chance = 0;
    for (let seed = 1; seed <= n; seed++) {
      const d = await decide(t.store, { profile: "T-2", seed }, now);
      expect(d.allowed).toBe(true);
      chosen[d.channel as string] = (chosen[d.channel as string] ?? 0) + 1;
      chance = d.choice?.arms.find((a) => a.arm === "email")?.chance ?? 0;
    }
    const share = (chosen.email ?? 0) / n;
    // email: Beta(6, 16), mean 0.27; sms: Beta(2, 20), mean 0.09. sms wins a draw now and then.
    expect(share).toBeGreaterThan(0.85);
    expect(chosen.sms ?? 0).toBeGreaterThan(0);
    // The share of seeds agrees with the answer's own estimate of the chance (4 standard errors).
    expect(Math.abs(share - chance)).toBeLessThan(4 * Math.sqrt((chance * (1 - chance)) / n) + 0.01);

    const d = await decide(t.store, { profile: "T-2", seed: 7 }, now);
    expect(d.choice?.arms.map((a) => [a.arm, a.successes, a.sends])).toEqual([
      ["email", 5, 20],
      ["sms", 1, 20],
    ]);
    expect(d.choice?.arms.find((a) => a.arm === "email")?.mean).toBeCloseTo(6 / 22, 12);
    expect(d.reason).toMatch(
      /may be messaged .*Thompson sampling: .*drew 0\.\d+, mean 0\.\d+ \(\d+ clicked\/converted of 20 sends\)/,
    );
    // The same seed and ledger give the same answer.
    expect(await decide(t.store, { profile: "T-2", seed: 7 }, now)).toEqual(d);

    // Counting opens, sms is hopeless and email perfect; Ann has no phone, so sms can never be hers, and once
    // Bo unsubscribes from email, email can never be his — whatever the draw.
    const m = await recordSent(t.store, { profile: "T-2", channel: "email", sentAt: at(30) }, now);
    await recordMessageResponse(t.store, String(m.message.id), { kind: "unsubscribed", at: at(29) }, now);
    for (let seed = 1; seed <= 100; seed++) {
      const ann = await decide(t.store, { profile: "T-1", seed, success: ["delivered"] }, now);
      expect(ann.channel).toBe("email");
      expect(ann.checks.find((c) => c.channel === "sms")?.code).toBe("no-address");
      expect(ann.choice?.arms.map((a) => a.arm)).toEqual(["email"]);
      const bo = await decide(t.store, { profile: "T-2", seed, success: ["opened"] }, now);
      expect(bo.channel).toBe("sms");
    }
    // Nothing allowed: no choice at all.
    await writePolicy(t.store, { channels: ["email", "sms"], quietHours: { start: "00:00", end: "23:59" } });
    const quiet = await decide(t.store, { profile: "T-2", seed: 1 }, now);
    expect(quiet).toMatchObject({ allowed: false, channel: null, choice: null, code: "unsubscribed" });
  });

  it("chooses a campaign too, by preference when asked, and keeps the decision with its evidence", async () => {
    await ledger(t, [
      ...times(30, (i) => ({ channel: "email", campaign: "fall", responses: i < 12 ? ["converted"] : [] })),
      ...times(30, () => ({ channel: "email", campaign: "spring" })),
      ...times(5, () => ({ channel: "sms", campaign: "fall" })),
    ]);
    const counts: Record<string, number> = {};
    for (let seed = 1; seed <= 100; seed++) {
      const d = await decide(t.store, { profile: "T-2", seed, byMessage: true }, now);
      const arm = `${d.channel}/${d.message}`;
      counts[arm] = (counts[arm] ?? 0) + 1;
    }
    expect(counts["email/fall"]).toBeGreaterThan(90);
    expect(counts["email/spring"] ?? 0).toBe(0);

    const pref = await decide(
      t.store,
      { profile: "T-2", strategy: "preference", channels: ["sms", "email"], seed: 1 },
      now,
    );
    expect(pref).toMatchObject({ channel: "sms", choice: { strategy: "preference" } });
    expect(pref.choice?.arms.every((a) => a.sampled === null)).toBe(true);

    const kept = await decide(t.store, { profile: "T-2", seed: 3 }, { clock: now, save: true });
    const saved = await t.store.db.selectFrom("channel_decision").selectAll().execute();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ entity_id: "T-2", channel: kept.channel });
    const evidence = JSON.parse(
      typeof saved[0]?.evidence === "string" ? saved[0].evidence : JSON.stringify(saved[0]?.evidence),
    );
    expect(evidence.checks.map((c: { channel: string }) => c.channel)).toEqual(["email", "sms"]);
    expect(evidence.choice.arms.map((a: { arm: string; sends: number }) => [a.arm, a.sends])).toEqual([
      ["email", 60],
      ["sms", 5],
    ]);
  });

  it("bandit decide goes through the same decision, per person or for the audience", async () => {
    await ledger(t, [
      ...times(20, (i) => ({ channel: "email", responses: i < 10 ? ["clicked"] : [] })),
      ...times(20, () => ({ channel: "push", responses: [] })),
    ]);
    const r = await decideChannels(t.store, { entityIds: ["T-1", "T-2"], seed: 11, now });
    for (const [i, d] of r.decisions.entries()) {
      const same = await decide(t.store, { profile: d.entityId as string, seed: 11 + i }, now);
      expect(d).toMatchObject({ channel: same.channel, reason: same.reason });
    }
    expect(r.sends).toBe(40);
    const audience = await decideChannels(t.store, { seed: 2, now });
    expect(audience.decisions[0]?.arms.map((a) => a.arm)).toEqual(["email", "push"]);
    expect(audience.decisions[0]?.channel).toBe("email");
    await expect(decide(t.store, { profile: "T-2", success: [] }, now)).rejects.toThrow(/success/);
    await expect(decide(t.store, { profile: "T-2", strategy: "random" as "thompson" }, now)).rejects.toThrow(
      /strategy/,
    );
  });

  it("the API's memo of the counts serves a few seconds, then reads them again", async () => {
    await ledger(
      t,
      times(10, () => ({ channel: "email" })),
    );
    const sends = async (o: { armsMaxAgeMs: number }) =>
      (await decide(t.store, { profile: "T-2", seed: 1 }, { clock: now, ...o })).choice?.arms.find(
        (a) => a.arm === "email",
      )?.sends;
    expect(await sends({ armsMaxAgeMs: 60_000 })).toBe(10);
    await ledger(
      t,
      times(5, () => ({ channel: "email" })),
    );
    expect(await sends({ armsMaxAgeMs: 60_000 })).toBe(10);
    expect(await sends({ armsMaxAgeMs: 0 })).toBe(15);
  });
});
