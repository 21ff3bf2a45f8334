import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InProcessEventLog } from "../bus/in-process.js";
import { LiveIngest } from "../jobs/ingest-events.js";
import { createApiKey } from "../store/api-keys.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { buildServer } from "./app.js";

/** Keys and scopes, consent, audit, erasure and access over HTTP, and what the log keeps out. */

describe.each(await testEngines())("privacy API on $name", (engine) => {
  let t: TestStore;
  let app: FastifyInstance;
  let log: InProcessEventLog;
  const lines: string[] = [];
  const k: Record<string, string> = {};

  beforeEach(async () => {
    t = await engine.open();
    const db = t.store.db;
    k.write = (await createApiKey(db, { kind: "write", name: "web", source: "web" })).key;
    k.read = (await createApiKey(db, { kind: "read", name: "app" })).key;
    k.steward = (await createApiKey(db, { kind: "steward", name: "dpo" })).key;
    k.admin = (await createApiKey(db, { kind: "admin", name: "ops" })).key;
    k.cmp = (await createApiKey(db, { kind: "read", name: "cmp", scopes: ["consent:write"] })).key;
    k.slow = (await createApiKey(db, { kind: "read", name: "slow", rateLimit: 1 })).key;
    const ingest = new LiveIngest(t.store);
    log = new InProcessEventLog((events) => ingest.apply(events));
    lines.length = 0;
    app = await buildServer({
      store: t.store,
      log,
      ingest,
      logger: true,
      logStream: { write: (line: string) => void lines.push(line) },
    });
  });
  afterEach(async () => {
    await app.close();
    await log.close();
    await t.dispose();
  });

  const call = async (
    method: "GET" | "POST" | "PUT" | "DELETE",
    url: string,
    key?: string,
    body?: unknown,
  ) => {
    const r = await app.inject({
      method,
      url,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { payload: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the answers' shapes are what the assertions check
    return { status: r.statusCode, headers: r.headers, body: r.body ? (JSON.parse(r.body) as any) : null };
  };
  const identify = (userId: string, traits: Record<string, unknown>) =>
    call("POST", "/v1/identify", k.write, { userId, traits });

  it("answers 401 without a known key, 403 without the scope, 429 over the rate, and stores only hashes", async () => {
    expect((await call("GET", "/v1/profiles/T-1")).status).toBe(401);
    expect((await call("GET", "/v1/profiles/T-1", "rk_not-a-key")).status).toBe(401);
    const forbidden = await call("GET", "/v1/profiles/T-1", k.write);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toMatch(/profiles:read/);
    expect((await call("GET", "/v1/admin/keys", k.read)).status).toBe(403);
    expect((await call("GET", "/v1/admin/keys", k.steward)).status).toBe(403);
    expect((await call("POST", "/v1/profiles/T-1/erase", k.read)).status).toBe(403);
    expect(
      (await call("POST", "/v1/consent", k.read, { subject: "user_id:u", purpose: "m", state: "granted" }))
        .status,
    ).toBe(403);
    expect((await call("POST", "/v1/identify", k.read, { userId: "u-1" })).status).toBe(403);
    expect((await call("GET", "/v1/profiles/T-1", k.steward)).status).toBe(404);
    expect((await call("GET", "/v1/profiles/T-1", k.admin)).status).toBe(404);

    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call("GET", "/v1/profiles/T-1", k.slow)).status);
    expect(statuses.slice(0, 2)).toEqual([404, 404]);
    const limited = await call("GET", "/v1/profiles/T-1", k.slow);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);

    const rows = await t.store.db.selectFrom("api_key").selectAll().execute();
    const stored = JSON.stringify(rows);
    for (const key of Object.values(k)) expect(stored).not.toContain(key);
    const made = await call("POST", "/v1/admin/keys", k.admin, {
      kind: "read",
      name: "analyst",
      scopes: ["insights"],
    });
    expect(made.status).toBe(201);
    expect(made.body.key).toMatch(/^rk_/);
    expect((await call("GET", "/v1/profiles/T-1", made.body.key)).status).toBe(403);
    const list = await call("GET", "/v1/admin/keys", k.admin);
    expect(JSON.stringify(list.body)).not.toContain(made.body.key);
    expect((await call("DELETE", `/v1/admin/keys/${made.body.id}`, k.admin)).status).toBe(200);
    expect((await call("GET", "/v1/profiles/T-1", made.body.key)).status).toBe(401);
    const audit = await call("GET", "/v1/admin/audit?action=key.revoke", k.admin);
    expect(audit.body.entries).toEqual([expect.objectContaining({ subject: made.body.id })]);
    // Changes through any route are audited too, by key id.
    const hook = await call("POST", "/v1/admin/webhooks", k.admin, {
      url: "http://127.0.0.1:9/x",
      secret: "s".repeat(20),
    });
    expect(hook.status).toBe(201);
    const changes = await call(
      "GET",
      `/v1/admin/audit?action=${encodeURIComponent("POST /v1/admin/webhooks")}`,
      k.admin,
    );
    const adminId = (
      await t.store.db.selectFrom("api_key").select("key").where("name", "=", "ops").executeTakeFirstOrThrow()
    ).key;
    expect(changes.body.entries).toEqual([
      expect.objectContaining({ actor: adminId, details: { status: 201 } }),
    ]);
  });

  it("records consent through the API, audits profile reads by key id, erases and exports", async () => {
    expect(
      (await identify("u-7", { email: "lena.park@shop.example", phone: "+1 650 253 0001" })).status,
    ).toBe(200);
    let profile = await call("GET", "/v1/profiles/user_id:u-7", k.read);
    for (let i = 0; i < 20 && profile.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      profile = await call("GET", "/v1/profiles/user_id:u-7", k.read);
    }
    expect(profile.status).toBe(200);
    const id = profile.body.id as string;

    const bad = await call("POST", "/v1/consent", k.cmp, {
      subject: "email:not-an-email",
      purpose: "marketing",
      state: "granted",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe("subject");
    const ok = await call("POST", "/v1/consent", k.cmp, {
      consents: [
        { subject: "email:Lena.Park@shop.example", purpose: "marketing", channel: "email", state: "granted" },
        { subject: id, purpose: "marketing", channel: "sms", state: "denied" },
      ],
    });
    expect(ok.status).toBe(201);
    expect(ok.body.profiles).toEqual([id]);
    const consent = await call("GET", `/v1/profiles/${id}/consent`, k.read);
    expect(
      consent.body.consent.map((c: { channel: string; state: string }) => `${c.channel}=${c.state}`),
    ).toEqual(["email=granted", "sms=denied"]);
    const check = await call("POST", "/v1/consent/check", k.read, {
      profiles: [id],
      purpose: "marketing",
      channel: "sms",
    });
    expect(check.body.permissions[id].allowed).toBe(false);

    const reads = await call("GET", `/v1/admin/audit?subject=${id}&action=profile.read`, k.admin);
    expect(reads.body.entries).toHaveLength(profile.status === 200 ? reads.body.entries.length : 0);
    expect(reads.body.entries.length).toBeGreaterThanOrEqual(1);
    const readKeyId = (
      await t.store.db.selectFrom("api_key").select("key").where("name", "=", "app").executeTakeFirstOrThrow()
    ).key;
    expect(reads.body.entries[0].actor).toBe(readKeyId);
    expect(JSON.stringify(reads.body)).not.toContain("lena");

    expect((await call("GET", `/v1/profiles/${id}/access`, k.read)).status).toBe(403);
    const access = await call("GET", `/v1/profiles/${id}/access`, k.steward);
    expect(access.status).toBe(200);
    expect(access.body.profile.id).toBe(id);
    expect(access.body.events).toHaveLength(1);
    expect(access.body.consent).toHaveLength(2);
    expect(access.body.accessLog.map((e: { action: string }) => e.action)).toContain("profile.read");

    const erased = await call(
      "POST",
      `/v1/profiles/${encodeURIComponent("email:lena.park@shop.example")}/erase`,
      k.steward,
      {
        reason: "request by e-mail",
      },
    );
    expect(erased.status).toBe(200);
    expect(erased.body.profiles).toEqual([id]);
    expect(erased.body.deleted.event).toBe(1);
    expect((await call("GET", `/v1/profiles/${id}`, k.read)).status).toBe(404);
    expect((await call("GET", `/v1/admin/erasures/${erased.body.id}`, k.steward)).body.id).toBe(
      erased.body.id,
    );
    const trail = await call("GET", `/v1/admin/audit?subject=${id}`, k.admin);
    expect(trail.body.entries.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(["profile.read", "consent.record", "profile.access-export", "profile.erase"]),
    );

    // The log: requests were logged, without the email, phone or keys.
    const text = lines.join("");
    expect(text).toContain("/v1/profiles/");
    expect(text).toContain("[redacted]");
    for (const s of ["lena.park", "Lena.Park", "6502530001", ...Object.values(k)])
      expect(text).not.toContain(s);
  });
});
